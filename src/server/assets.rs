//! The site's static files (the wasm, its JS glue, the stylesheet, navigate.js, the
//! favicon), read into memory once at start-up with the Brotli and gzip copies the build
//! made beside them, and served from there.
//!
//! Every build gets a version, a hash of its files. Pages name the files under
//! `/pkg/<version>/...`, which never change and are cached for a year (`immutable`); the
//! unversioned `/pkg/...` names still answer, revalidated on every use (`no-cache` with an
//! ETag). A new build has a new version, so browsers fetch the new files at once.
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";
/// Root files (the favicon): change rarely, are not versioned.
const ROOT_FILE: &str = "public, max-age=86400";

struct Asset {
    content_type: HeaderValue,
    etag: HeaderValue,
    identity: bytes::Bytes,
    gzip: Option<bytes::Bytes>,
    brotli: Option<bytes::Bytes>,
}

/// The files under the site root, keyed by their URL path (`/pkg/quarry.wasm`,
/// `/favicon.svg`).
#[derive(Clone, Default)]
pub struct Assets {
    files: Arc<HashMap<String, Asset>>,
    version: Arc<str>,
}

impl Assets {
    /// Reads every file under `site_root` (pre-compressed `.br` and `.gz` copies are taken
    /// as the encodings of the file they sit beside). A missing site root is an empty set:
    /// the pages still render, without their islands.
    pub fn load(site_root: &Path) -> Assets {
        let mut raw: HashMap<String, Vec<u8>> = HashMap::new();
        collect(site_root, site_root, &mut raw);
        let mut files = HashMap::new();
        let mut names: Vec<&String> = raw.keys().filter(|k| !is_encoding(k)).collect();
        names.sort();
        let mut build = Sha256::new();
        for name in &names {
            let bytes = &raw[*name];
            let digest = Sha256::digest(bytes);
            if name.starts_with("/pkg/") {
                build.update(name.as_bytes());
                build.update(digest);
            }
            let content_type = mime_guess::from_path(name.as_str())
                .first_raw()
                .map(|m| {
                    if m.starts_with("text/") || m.ends_with("javascript") {
                        format!("{m}; charset=utf-8")
                    } else {
                        m.to_string()
                    }
                })
                .unwrap_or_else(|| "application/octet-stream".into());
            files.insert(
                (*name).clone(),
                Asset {
                    content_type: HeaderValue::from_str(&content_type)
                        .unwrap_or(HeaderValue::from_static("application/octet-stream")),
                    etag: HeaderValue::from_str(&format!("\"{}\"", hex(&digest[..12]))).expect("hex is a valid header"),
                    identity: bytes::Bytes::from(bytes.clone()),
                    gzip: raw.get(&format!("{name}.gz")).map(|b| bytes::Bytes::from(b.clone())),
                    brotli: raw.get(&format!("{name}.br")).map(|b| bytes::Bytes::from(b.clone())),
                },
            );
        }
        let version = hex(&build.finalize()[..6]);
        Assets { files: Arc::new(files), version: version.into() }
    }

    /// The build's version: the path segment after `/pkg/` in the pages' asset URLs.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The number of files, for the start-up log.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The answer for `path`, or `None` when it names no file. `/pkg/<version>/x` is the
    /// file `/pkg/x`, cached for good; any other `/pkg/<hash>/x` (a page of an older build)
    /// gets the current file, revalidated.
    pub fn serve(&self, method: &Method, path: &str, headers: &HeaderMap) -> Option<Response> {
        if method != Method::GET && method != Method::HEAD {
            return None;
        }
        let (name, cache) = match path.strip_prefix("/pkg/").and_then(|rest| rest.split_once('/')) {
            Some((v, file)) if v == &*self.version => (format!("/pkg/{file}"), IMMUTABLE),
            Some((v, file)) if is_hash(v) => (format!("/pkg/{file}"), REVALIDATE),
            _ if path.starts_with("/pkg/") => (path.to_string(), REVALIDATE),
            _ => (path.to_string(), ROOT_FILE),
        };
        let asset = self.files.get(&name)?;
        let mut res = if headers.get(header::IF_NONE_MATCH).is_some_and(|v| etag_matches(v, &asset.etag)) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let (body, encoding) = match preferred(headers) {
                Some("br") if asset.brotli.is_some() => (asset.brotli.clone(), Some("br")),
                Some("gzip") | Some("br") if asset.gzip.is_some() => (asset.gzip.clone(), Some("gzip")),
                _ => (None, None),
            };
            let body = body.unwrap_or_else(|| asset.identity.clone());
            let mut res = if method == Method::HEAD {
                let mut r = Response::new(Body::empty());
                r.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
                r
            } else {
                Response::new(Body::from(body))
            };
            if let Some(e) = encoding {
                res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
            }
            res.headers_mut().insert(header::CONTENT_TYPE, asset.content_type.clone());
            res
        };
        let h = res.headers_mut();
        h.insert(header::ETAG, asset.etag.clone());
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        // Caches must keep the encodings apart.
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        Some(res)
    }
}

/// The encoding the client prefers among those we keep: Brotli, then gzip. A `q=0`
/// refuses one.
fn preferred(headers: &HeaderMap) -> Option<&'static str> {
    let accept = headers.get(header::ACCEPT_ENCODING)?.to_str().ok()?;
    let mut best: Option<(&'static str, f32)> = None;
    for part in accept.split(',') {
        let mut it = part.trim().split(';');
        let coding = it.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = it.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok())).unwrap_or(1.0);
        let name = match coding.as_str() {
            "br" => "br",
            "gzip" => "gzip",
            _ => continue,
        };
        // Ties go to Brotli: smaller for the same work on our side (it is pre-made).
        let better = match best {
            None => true,
            Some((b, bq)) => q > bq || (q == bq && name == "br" && b != "br"),
        };
        if q > 0.0 && better {
            best = Some((name, q));
        }
    }
    best.map(|(n, _)| n)
}

fn etag_matches(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(v) = if_none_match.to_str() else { return false };
    let ours = etag.to_str().unwrap_or("");
    v.trim() == "*" || v.split(',').any(|t| t.trim().trim_start_matches("W/") == ours)
}

fn is_encoding(name: &str) -> bool {
    name.ends_with(".gz") || name.ends_with(".br")
}

fn is_hash(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn collect(root: &Path, dir: &Path, out: &mut HashMap<String, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        // Dot files (the build's source-hash stamp) are not the site's.
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, out);
        } else if let (Ok(rel), Ok(bytes)) = (path.strip_prefix(root), std::fs::read(&path)) {
            let url = format!("/{}", rel.to_string_lossy().replace('\\', "/"));
            out.insert(url, bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, Assets) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
        std::fs::write(dir.path().join("pkg/quarry.css"), "body{}").unwrap();
        std::fs::write(dir.path().join("pkg/quarry.css.gz"), "GZ").unwrap();
        std::fs::write(dir.path().join("pkg/quarry.css.br"), "BR").unwrap();
        std::fs::write(dir.path().join("pkg/quarry.wasm"), [0u8, 97, 115, 109]).unwrap();
        std::fs::write(dir.path().join("pkg/.source-hash"), "x").unwrap();
        std::fs::write(dir.path().join("favicon.svg"), "<svg/>").unwrap();
        let a = Assets::load(dir.path());
        (dir, a)
    }

    fn get(a: &Assets, path: &str, accept: &str) -> Response {
        let mut h = HeaderMap::new();
        if !accept.is_empty() {
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(accept).unwrap());
        }
        a.serve(&Method::GET, path, &h).unwrap()
    }

    fn hv(r: &Response, k: header::HeaderName) -> &str {
        r.headers().get(k).map(|v| v.to_str().unwrap()).unwrap_or("")
    }

    #[test]
    fn versioned_paths_are_immutable_and_plain_ones_revalidate() {
        let (_d, a) = site();
        assert_eq!(a.len(), 3, "the .gz/.br copies and dot files are not files of their own");
        let v = a.version().to_string();
        let r = get(&a, &format!("/pkg/{v}/quarry.css"), "");
        assert_eq!(hv(&r, header::CACHE_CONTROL), IMMUTABLE);
        assert_eq!(hv(&r, header::CONTENT_TYPE), "text/css; charset=utf-8");
        assert_eq!(hv(&get(&a, "/pkg/quarry.css", ""), header::CACHE_CONTROL), REVALIDATE);
        assert_eq!(hv(&get(&a, "/pkg/000000000000/quarry.css", ""), header::CACHE_CONTROL), REVALIDATE);
        assert_eq!(hv(&get(&a, "/pkg/quarry.wasm", ""), header::CONTENT_TYPE), "application/wasm");
        assert_eq!(hv(&get(&a, "/favicon.svg", ""), header::CACHE_CONTROL), ROOT_FILE);
        assert!(a.serve(&Method::GET, "/pkg/nothing.js", &HeaderMap::new()).is_none());
        assert!(a.serve(&Method::POST, "/pkg/quarry.css", &HeaderMap::new()).is_none());
        assert!(a.serve(&Method::GET, "/pkg/.source-hash", &HeaderMap::new()).is_none());
    }

    #[test]
    fn the_encoding_follows_accept_encoding_brotli_first() {
        let (_d, a) = site();
        assert_eq!(hv(&get(&a, "/pkg/quarry.css", "gzip, deflate, br"), header::CONTENT_ENCODING), "br");
        assert_eq!(hv(&get(&a, "/pkg/quarry.css", "gzip"), header::CONTENT_ENCODING), "gzip");
        assert_eq!(hv(&get(&a, "/pkg/quarry.css", "br;q=0, gzip"), header::CONTENT_ENCODING), "gzip");
        assert_eq!(hv(&get(&a, "/pkg/quarry.css", "br;q=0.5, gzip;q=0.9"), header::CONTENT_ENCODING), "gzip");
        assert_eq!(hv(&get(&a, "/pkg/quarry.css", ""), header::CONTENT_ENCODING), "");
        // A file with no compressed copy is sent as it is.
        assert_eq!(hv(&get(&a, "/pkg/quarry.wasm", "br, gzip"), header::CONTENT_ENCODING), "");
        assert_eq!(hv(&get(&a, "/pkg/quarry.css", "br"), header::VARY), "accept-encoding");
    }

    #[test]
    fn a_matching_etag_is_a_304_without_a_body() {
        let (_d, a) = site();
        let first = get(&a, "/pkg/quarry.css", "");
        let etag = hv(&first, header::ETAG).to_string();
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&etag).unwrap());
        let again = a.serve(&Method::GET, "/pkg/quarry.css", &h).unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert_eq!(a.serve(&Method::GET, "/pkg/quarry.css", &h).unwrap().status(), StatusCode::OK);
    }

    #[test]
    fn the_version_changes_with_any_file_of_the_bundle() {
        let (d, a) = site();
        std::fs::write(d.path().join("pkg/quarry.wasm"), [0u8, 97, 115, 109, 1]).unwrap();
        assert_ne!(Assets::load(d.path()).version(), a.version());
        assert!(is_hash(a.version()));
    }
}
