//! How the site's files and pages are cached: the bundle under a versioned path for a
//! year, Brotli or gzip as the browser prefers, pages revalidated by ETag.
use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

async fn get(app: &axum::Router, uri: &str, headers: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut req = Request::get(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = app.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let (status, h) = (res.status(), res.headers().clone());
    (status, h, to_bytes(res.into_body(), 16 << 20).await.unwrap().to_vec())
}

fn h<'a>(headers: &'a axum::http::HeaderMap, k: &str) -> &'a str {
    headers.get(k).map(|v| v.to_str().unwrap()).unwrap_or("")
}

/// A site root as scripts/build.sh leaves it, with small stand-in files.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for (name, body) in
        [("quarry.js", "export default 1;"), ("quarry.css", "body { color: black }"), ("navigate.js", "1;")]
    {
        std::fs::write(pkg.join(name), body).unwrap();
        std::fs::write(pkg.join(format!("{name}.gz")), format!("gzip of {name}")).unwrap();
        std::fs::write(pkg.join(format!("{name}.br")), format!("br of {name}")).unwrap();
    }
    std::fs::write(pkg.join("quarry.wasm"), b"\0asm").unwrap();
    std::fs::write(dir.path().join("favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    dir
}

crate::on_both_backends! {
    fn pages_name_the_bundle_by_version_and_the_bundle_is_cached_for_a_year(url) {
        let site = site();
        let mut config = crate::support::test_config(&url);
        config.site_root = site.path().to_path_buf();
        let state = quarry::startup::prepare(config).await.unwrap();
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        let app = quarry::server::router(state);

        let (status, headers, body) = get(&app, "/", &[]).await;
        assert_eq!(status, StatusCode::OK);
        let html = String::from_utf8(body).unwrap();
        let doc = scraper::Html::parse_document(&html);
        let css = doc.select(&scraper::Selector::parse("link[rel=stylesheet]").unwrap()).next().unwrap().attr("href").unwrap().to_string();
        let version = css.strip_prefix("/pkg/").and_then(|r| r.split_once('/')).map(|(v, _)| v.to_string()).unwrap();
        assert_eq!(version.len(), 12, "{css}");
        for file in ["quarry.js", "quarry.wasm", "navigate.js"] {
            assert!(html.contains(&format!("/pkg/{version}/{file}")), "the page names {file} under its version");
        }
        assert_eq!(h(&headers, "cache-control"), "no-cache", "pages are revalidated");
        let etag = h(&headers, "etag").to_string();
        assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");

        let (status, headers, body) = get(&app, &css, &[("accept-encoding", "gzip, deflate, br")]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h(&headers, "cache-control"), "public, max-age=31536000, immutable");
        assert_eq!(h(&headers, "content-encoding"), "br");
        assert_eq!(body, b"br of quarry.css");
        let (_, headers, body) = get(&app, &css, &[("accept-encoding", "gzip")]).await;
        assert_eq!((h(&headers, "content-encoding"), body.as_slice()), ("gzip", b"gzip of quarry.css".as_slice()));
        let (_, headers, body) = get(&app, &css, &[]).await;
        assert_eq!((h(&headers, "content-encoding"), body.as_slice()), ("", b"body { color: black }".as_slice()));
        assert_eq!(h(&headers, "content-type"), "text/css; charset=utf-8");
        let (_, headers, _) = get(&app, &format!("/pkg/{version}/quarry.wasm"), &[]).await;
        assert_eq!(h(&headers, "content-type"), "application/wasm");
        // The plain name still answers, revalidated; a file that is not there is a 404.
        let (status, headers, _) = get(&app, "/pkg/quarry.css", &[]).await;
        assert_eq!((status, h(&headers, "cache-control")), (StatusCode::OK, "no-cache"));
        assert_eq!(get(&app, &format!("/pkg/{version}/nothing.js"), &[]).await.0, StatusCode::NOT_FOUND);
        let (status, headers, _) = get(&app, "/favicon.svg", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(h(&headers, "cache-control").contains("max-age"));

        // The same page again, as a browser holding it asks: 304, with the policy of the
        // copy it holds (that copy's scripts carry that nonce).
        let held_nonce = etag.trim_matches('"').split_once('.').unwrap().1.to_string();
        let (status, headers, body) = get(&app, "/", &[("if-none-match", &etag)]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);
        assert!(body.is_empty());
        assert!(h(&headers, "content-security-policy").contains(&format!("'nonce-{held_nonce}'")));
        assert_eq!(h(&headers, "etag"), etag);
        // Another page's ETag is no match.
        let (status, _, _) = get(&app, "/venture", &[("if-none-match", &etag)]).await;
        assert_eq!(status, StatusCode::OK);
    }
}
