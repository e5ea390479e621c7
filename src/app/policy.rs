//! The Content-Security-Policy of the app's pages. A page puts its own policy (with the
//! nonce leptos made for the response) on the response while it renders; the server's
//! middleware (`server::security`) gives every other response the default one.
use axum::http::header::{self, HeaderValue};

/// Everything but `script-src`. Inline `style` attributes stay allowed: the heatmap and the
/// compare swatches colour cells with them, and a style cannot run code.
const BASE_POLICY: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; \
     form-action 'self'";

/// The policy of a response that has no inline script: files, JSON, the small HTML pages
/// answered outside the app's router.
pub fn default_policy() -> String {
    format!("{BASE_POLICY}; script-src 'self' 'wasm-unsafe-eval'")
}

/// The policy of a rendered page: leptos gives each of its inline scripts (the hydration
/// loader and the serialised data) this response's nonce.
pub fn page_policy(nonce: &str) -> String {
    format!("{BASE_POLICY}; script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'")
}

/// Called by the app while it renders a page on the server: puts the nonce leptos made for
/// this response into its policy.
pub fn set_page_policy() {
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    if let (Some(opts), Ok(value)) =
        (leptos::prelude::use_context::<leptos_axum::ResponseOptions>(), HeaderValue::from_str(&page_policy(&nonce)))
    {
        opts.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directives(policy: &str) -> Vec<(String, Vec<String>)> {
        policy
            .split(';')
            .map(|d| {
                let mut words = d.split_whitespace().map(str::to_string);
                (words.next().unwrap_or_default(), words.collect())
            })
            .collect()
    }

    #[test]
    fn page_policy_runs_own_scripts_wasm_and_nonced_inline_scripts_only() {
        let d = directives(&page_policy("abc123"));
        let script = &d.iter().find(|(k, _)| k == "script-src").unwrap().1;
        assert_eq!(script, &["'self'", "'wasm-unsafe-eval'", "'nonce-abc123'"]);
        for (k, v) in [("object-src", "'none'"), ("frame-ancestors", "'none'"), ("base-uri", "'self'")] {
            assert_eq!(d.iter().find(|(n, _)| n == k).unwrap().1, vec![v.to_string()], "{k}");
        }
        assert_eq!(d.iter().filter(|(k, _)| k == "script-src").count(), 1, "one script-src");
        assert!(!script.iter().any(|w| w == "'unsafe-inline'" || w == "'unsafe-eval'"), "{script:?}");
        assert!(!default_policy().contains("nonce"));
    }
}
