//! The admin's sign-in through the router, on SQLite and PostgreSQL: every state-changing
//! endpoint refuses the anonymous; a session's change from another site is refused; the
//! cookie's flags; sign-in attempts limited per client; sessions kept in the database
//! (they survive a new process's state, end when they expire and at sign-out); and
//! `QUARRY_REQUIRE_LOGIN` closing the whole app but its sign-in and probes.
use std::net::SocketAddr;

use axum::body::{to_bytes, Body};
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use quarry::auth::password;
use quarry::state::AppState;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use serde_json::Value;
use tower::ServiceExt;

use crate::support::test_config;

const PASSWORD: &str = "a long admin passphrase";
const HOST: &str = "quarry.test:3000";

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// A request as a browser on `HOST` sends it, from client address `peer`.
fn request(method: Method, uri: &str, peer: &str) -> axum::http::request::Builder {
    let mut b = Request::builder().method(method).uri(uri).header(header::HOST, HOST);
    b.extensions_mut().unwrap().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
    b
}

async fn send(app: &axum::Router, req: Request<Body>) -> Answer {
    let res = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body = to_bytes(res.into_body(), 16 << 20).await.unwrap();
    Answer { status, headers, body: String::from_utf8_lossy(&body).into_owned() }
}

/// Signs in as a program does; the session cookie's `name=value`.
async fn sign_in(app: &axum::Router, peer: &str) -> String {
    let a = send(
        app,
        request(Method::POST, "/login", peer)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("password={}", quarry::params::encode(PASSWORD))))
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["signed_in"], true);
    let set = a.headers[header::SET_COOKIE].to_str().unwrap().to_string();
    set.split(';').next().unwrap().to_string()
}

async fn state_with_password(url: &str, edit: impl FnOnce(&mut quarry::config::Config)) -> AppState {
    let mut c = test_config(url);
    edit(&mut c);
    let state = quarry::startup::prepare(c).await.unwrap();
    password::store(&state.db, &password::hash(PASSWORD).unwrap(), chrono::Utc::now()).await.unwrap();
    state
}

async fn status(app: &axum::Router, cookie: &str) -> Value {
    send(
        app,
        request(Method::GET, "/api/auth/status", "10.0.0.9:1")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json()
}

async fn job_runs(state: &AppState) -> u64 {
    quarry::db::entities::job_runs::Entity::find().count(&state.db).await.unwrap()
}

/// A run-now form post for the cheapest job, with `extra` headers.
fn run_now(peer: &str, extra: &[(&str, &str)]) -> Request<Body> {
    let mut b = request(Method::POST, "/api/jobs/run", peer)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    for (k, v) in extra {
        b = b.header(*k, *v);
    }
    b.body(Body::from("job=commodity_signals")).unwrap()
}

/// Every POST the OpenAPI document lists, with a body it would act on.
fn state_changing_posts() -> Vec<(String, &'static str, &'static str)> {
    let doc = quarry::openapi::document();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if item.get("post").is_none() {
            continue;
        }
        let (ctype, body) = match path.as_str() {
            // Signing in and out are how a session starts and ends, not admin actions.
            "/login" | "/logout" => continue,
            "/api/jobs/run" => ("application/x-www-form-urlencoded", "job=commodity_signals"),
            "/api/venture/import" => ("text/csv", "record,name\ncompany,Anonymous Robotics\n"),
            "/api/venture/import/form" => (
                "multipart/form-data; boundary=XX",
                "--XX\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nrecord,name\ncompany,Anonymous Robotics\n\r\n--XX--\r\n",
            ),
            other => panic!("a POST endpoint this test does not know: {other}; add it with a body it would act on"),
        };
        out.push((path.clone(), ctype, body));
    }
    assert_eq!(out.len(), 3, "{out:?}");
    out
}

crate::on_both_backends! {
    fn anonymous_posts_to_every_state_changing_endpoint_are_refused_and_change_nothing(url) {
        let state = state_with_password(&url, |_| {}).await;
        let app = quarry::server::router(state.clone());
        for (path, ctype, body) in state_changing_posts() {
            let a = send(&app, request(Method::POST, &path, "10.0.0.1:1").header(header::CONTENT_TYPE, ctype)
                .header(header::ORIGIN, format!("http://{HOST}")).body(Body::from(body)).unwrap()).await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{path}: {}", a.body);
            assert!(a.body.contains("sign in as the admin at"), "{path} says where to sign in: {}", a.body);
            // A session cookie nobody issued is no better.
            let a = send(&app, request(Method::POST, &path, "10.0.0.1:1").header(header::CONTENT_TYPE, ctype)
                .header(header::COOKIE, format!("quarry_session={}", "ab".repeat(32)))
                .header(header::ORIGIN, format!("http://{HOST}")).body(Body::from(body)).unwrap()).await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{path} with a made-up cookie: {}", a.body);
        }
        assert_eq!(job_runs(&state).await, 0);
        assert_eq!(quarry::db::entities::companies::Entity::find().count(&state.db).await.unwrap(), 0);

        // With neither a password nor a token, admin actions are off: 403, saying so.
        state.db.execute_unprepared("DELETE FROM admin_password").await.unwrap();
        let a = send(&app, run_now("10.0.0.1:1", &[])).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
        assert!(a.body.contains("set-password"), "{}", a.body);
    }

    fn a_cross_site_post_with_a_valid_session_is_refused_and_a_same_site_one_runs(url) {
        let state = state_with_password(&url, |_| {}).await;
        let app = quarry::server::router(state.clone());
        let cookie = sign_in(&app, "10.0.0.2:1").await;
        let cross = [
            vec![("cookie", cookie.as_str()), ("origin", "http://evil.example")],
            vec![("cookie", cookie.as_str()), ("origin", "null")],
            vec![("cookie", cookie.as_str()), ("referer", "http://evil.example/quarry.test:3000/")],
            // Neither header: a browser always sends Origin with a POST, so this is no page of ours.
            vec![("cookie", cookie.as_str())],
        ];
        for headers in &cross {
            let a = send(&app, run_now("10.0.0.2:1", headers)).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{headers:?}: {}", a.body);
            assert!(a.body.contains("another site"), "{}", a.body);
        }
        // The import endpoints and sign-out are guarded the same way.
        for path in ["/api/venture/import", "/logout"] {
            let a = send(&app, request(Method::POST, path, "10.0.0.2:1").header("cookie", &cookie)
                .header("origin", "http://evil.example").body(Body::from("record,name\n")).unwrap()).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{path}: {}", a.body);
        }
        assert_eq!(job_runs(&state).await, 0, "nothing ran");
        assert_eq!(status(&app, &cookie).await["signed_in"], true, "the refused sign-out ended nothing");

        let same = format!("http://{HOST}");
        let a = send(&app, run_now("10.0.0.2:1", &[("cookie", &cookie), ("origin", &same)])).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert_eq!(a.json()["job"], "commodity_signals");
        let a = send(&app, run_now("10.0.0.2:1", &[("cookie", &cookie), ("referer", &format!("{same}/jobs"))])).await;
        assert_eq!(a.status, StatusCode::OK, "a Referer of this site passes too: {}", a.body);
        assert!(job_runs(&state).await >= 1);
    }

    fn the_cookie_is_http_only_same_site_strict_and_secure_behind_tls(url) {
        let state = state_with_password(&url, |_| {}).await;
        let app = quarry::server::router(state);
        let form = |proto: Option<&str>| {
            let mut b = request(Method::POST, "/login", "10.0.0.3:1")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "text/html")
                .header(header::ORIGIN, format!("http://{HOST}"));
            if let Some(p) = proto {
                b = b.header("x-forwarded-proto", p);
            }
            b.body(Body::from(format!("password={}&next=%2Fventure%2Fimport", quarry::params::encode(PASSWORD)))).unwrap()
        };
        let a = send(&app, form(None)).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        assert_eq!(a.headers[header::LOCATION], "/venture/import", "sent on to `next`");
        let set = a.headers[header::SET_COOKIE].to_str().unwrap();
        for attr in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
            assert!(set.contains(attr), "{attr}: {set}");
        }
        assert!(!set.contains("Secure"), "plain HTTP: {set}");
        let a = send(&app, form(Some("https"))).await;
        assert!(a.headers[header::SET_COOKIE].to_str().unwrap().ends_with("; Secure"));

        // A browser's wrong password goes back to the form with a fixed code, keeping `next`.
        let a = send(&app, request(Method::POST, "/login", "10.0.0.3:1")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").header(header::ACCEPT, "text/html")
            .body(Body::from("password=guess&next=%2F%2Fevil.example")).unwrap()).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        assert_eq!(a.headers[header::LOCATION], "/login?error=wrong&next=%2Fjobs", "another site's `next` is dropped");
        assert!(a.headers.get(header::SET_COOKIE).is_none());
        // A sign-in form posted from another site is refused (login CSRF).
        let a = send(&app, request(Method::POST, "/login", "10.0.0.3:1")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").header(header::ORIGIN, "http://evil.example")
            .body(Body::from(format!("password={}", quarry::params::encode(PASSWORD)))).unwrap()).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
        assert!(a.headers.get(header::SET_COOKIE).is_none());
    }

    fn sign_in_attempts_are_limited_per_client_address(url) {
        let state = state_with_password(&url, |c| c.sessions.login_attempts_per_minute = 3).await;
        let app = quarry::server::router(state);
        let attempt = |peer: &'static str, pw: &'static str| {
            request(Method::POST, "/login", peer)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("password={}", quarry::params::encode(pw))))
                .unwrap()
        };
        for _ in 0..3 {
            assert_eq!(send(&app, attempt("10.0.0.4:1", "wrong guess")).await.status, StatusCode::UNAUTHORIZED);
        }
        // The fourth, even with the right password, waits.
        let a = send(&app, attempt("10.0.0.4:2", PASSWORD)).await;
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}", a.body);
        let wait: u64 = a.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait), "{wait}");
        assert!(a.json()["message"].as_str().unwrap().contains("too many sign-in attempts"));
        // Another address is not held back by the guesser.
        assert_eq!(send(&app, attempt("10.0.0.5:1", PASSWORD)).await.status, StatusCode::OK);
    }

    fn sessions_live_in_the_database_survive_a_new_process_and_end_at_sign_out_or_expiry(url) {
        let state = state_with_password(&url, |_| {}).await;
        let first = quarry::server::router(state.clone());
        let cookie = sign_in(&first, "10.0.0.6:1").await;
        assert_eq!(status(&first, &cookie).await["signed_in"], true);
        drop(first);
        // A new process: state rebuilt from the configuration and the database alone.
        let again = quarry::startup::prepare(test_config(&url)).await.unwrap();
        let second = quarry::server::router(again.clone());
        let s = status(&second, &cookie).await;
        assert_eq!(s["signed_in"], true, "{s}");
        assert!(s["expires_at"].is_string());
        // The database holds a digest of the cookie, not the cookie.
        let token = cookie.split_once('=').unwrap().1;
        let stored: Vec<String> = quarry::db::entities::admin_sessions::Entity::find().all(&again.db).await.unwrap()
            .into_iter().map(|r| r.id_hash).collect();
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0], token);

        // Sign-out ends it on every process.
        let a = send(&second, request(Method::POST, "/logout", "10.0.0.6:1").header("cookie", &cookie)
            .header("origin", format!("http://{HOST}")).header(header::ACCEPT, "text/html").body(Body::empty()).unwrap()).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        assert!(a.headers[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
        assert_eq!(status(&second, &cookie).await["signed_in"], false);

        // A session past its end is no session, and is deleted when presented.
        let cookie = sign_in(&second, "10.0.0.6:1").await;
        again.db.execute_unprepared("UPDATE admin_sessions SET expires_at = created_at").await.unwrap();
        assert_eq!(status(&second, &cookie).await["signed_in"], false);
        assert_eq!(quarry::db::entities::admin_sessions::Entity::find().count(&again.db).await.unwrap(), 0);
    }

    fn files_and_probes_neither_look_the_session_up_nor_keep_it_alive(url) {
        use quarry::db::entities::admin_sessions as sessions;
        use sea_orm::sea_query::Expr;
        let state = state_with_password(&url, |_| {}).await;
        let app = quarry::server::router(state.clone());
        let cookie = sign_in(&app, "10.0.0.8:1").await;
        // Whole seconds: PostgreSQL keeps microseconds, so a nanosecond would not read back.
        let half_an_hour_ago = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now() - chrono::Duration::minutes(30), 0);
        sessions::Entity::update_many()
            .col_expr(sessions::Column::LastSeenAt, Expr::value(half_an_hour_ago))
            .exec(&state.db).await.unwrap();
        let last_seen = || async {
            sessions::Entity::find().one(&state.db).await.unwrap().expect("the session").last_seen_at
        };
        for path in ["/favicon.svg", "/healthz", "/readyz", "/pkg/not-there.css"] {
            let a = send(&app, request(Method::GET, path, "10.0.0.8:1").header("cookie", &cookie).body(Body::empty()).unwrap()).await;
            assert!(a.status != StatusCode::INTERNAL_SERVER_ERROR, "{path}: {}", a.status);
            assert_eq!(last_seen().await, half_an_hour_ago, "{path} renewed the session's idle time");
        }
        // A page or an API call does.
        assert_eq!(status(&app, &cookie).await["signed_in"], true);
        assert!(last_seen().await > half_an_hour_ago);
    }

    fn sign_in_and_out_answer_the_same_status_as_the_status_endpoint(url) {
        // A token and no password: sign-out must not claim a password exists.
        let mut c = test_config(&url);
        c.admin_token = quarry::config::Secret::new("script-token");
        let app = quarry::server::router(quarry::startup::prepare(c).await.unwrap());
        let a = send(&app, request(Method::POST, "/logout", "10.0.0.9:2").body(Body::empty()).unwrap()).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert_eq!(a.json(), status(&app, "").await);
        assert_eq!((a.json()["password_set"].as_bool(), a.json()["admin_enabled"].as_bool()), (Some(false), Some(true)));

        let state = state_with_password(&url, |_| {}).await;
        let app = quarry::server::router(state);
        let a = send(
            &app,
            request(Method::POST, "/login", "10.0.0.9:3")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("password={}", quarry::params::encode(PASSWORD))))
                .unwrap(),
        )
        .await;
        let cookie = a.headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
        let (mut said, mut asked) = (a.json(), status(&app, &cookie).await);
        // PostgreSQL keeps the end time to the microsecond: compared apart, to the second.
        let end = |v: &mut Value| v.as_object_mut().unwrap().remove("expires_at").unwrap().as_str().unwrap()[..19].to_string();
        assert_eq!(end(&mut said), end(&mut asked));
        assert_eq!(said, asked);
        assert_eq!(said["signed_in"], true);
    }

    fn require_login_closes_everything_but_the_sign_in_and_the_probes(url) {
        let state = state_with_password(&url, |c| {
            c.require_login = true;
            c.admin_token = quarry::config::Secret::new("script-token");
        }).await;
        let app = quarry::server::router(state);
        let get = |uri: &str, accept: &str, extra: Option<(&str, String)>| {
            let mut b = request(Method::GET, uri, "10.0.0.7:1").header(header::ACCEPT, accept);
            if let Some((k, v)) = extra {
                b = b.header(k, v);
            }
            b.body(Body::empty()).unwrap()
        };
        let a = send(&app, get("/venture/funding?sector=biotech", "text/html", None)).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        assert_eq!(a.headers[header::LOCATION], "/login?next=%2Fventure%2Ffunding%3Fsector%3Dbiotech");
        // A kept page is no way round it.
        assert_eq!(send(&app, get("/", "text/html", None)).await.status, StatusCode::SEE_OTHER);
        let a = send(&app, get("/api/commodities/overview", "application/json", None)).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert_eq!(a.json()["kind"], "unauthorized");
        for open in ["/login", "/healthz", "/readyz"] {
            assert_eq!(send(&app, get(open, "text/html", None)).await.status, StatusCode::OK, "{open}");
        }
        let a = send(&app, get("/api/auth/status", "application/json", None)).await;
        assert_eq!((a.status, a.json()["require_login"].as_bool()), (StatusCode::OK, Some(true)));
        let bearer = Some(("authorization", "Bearer script-token".to_string()));
        assert_eq!(send(&app, get("/api/commodities/overview", "application/json", bearer)).await.status, StatusCode::OK);
        let wrong = Some(("authorization", "Bearer guess".to_string()));
        assert_eq!(send(&app, get("/api/commodities/overview", "application/json", wrong)).await.status, StatusCode::UNAUTHORIZED);
        let cookie = sign_in(&app, "10.0.0.7:1").await;
        let a = send(&app, get("/venture/funding", "text/html", Some(("cookie", cookie)))).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.body.contains("<h1"), "the page itself");
    }
}
