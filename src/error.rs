//! The one error type that crosses the wire. It carries a kind (which decides the HTTP
//! status) and a message meant for the person or program that made the request. Details
//! that help an operator are logged on the server, not sent.
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    BadRequest,
    NotFound,
    Unauthorized,
    Forbidden,
    TooManyRequests,
    UpstreamUnavailable,
    Internal,
}

impl ErrorKind {
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::BadRequest => 400,
            ErrorKind::Unauthorized => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::TooManyRequests => 429,
            ErrorKind::UpstreamUnavailable => 503,
            ErrorKind::Internal => 500,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[error("{message}")]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
    /// The query parameter or field at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

impl AppError {
    pub fn bad_parameter(parameter: &str, message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::BadRequest, message: message.into(), parameter: Some(parameter.to_string()) }
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Unauthorized, message: message.into(), parameter: None }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Forbidden, message: message.into(), parameter: None }
    }

    pub fn too_many_requests(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::TooManyRequests, message: message.into(), parameter: None }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::NotFound, message: message.into(), parameter: None }
    }

    /// An internal failure: the detail goes to the log, the caller gets a summary.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "{context}");
        Self { kind: ErrorKind::Internal, message: format!("{context}; see the server log"), parameter: None }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        if database_unavailable(&e) {
            // Not a bug to report but a state to wait out: 503, and the pool reconnects
            // by itself once the database answers again.
            tracing::warn!(error = %e, "the database is not answering");
            return Self {
                kind: ErrorKind::UpstreamUnavailable,
                message: "the database is not answering; try again shortly".into(),
                parameter: None,
            };
        }
        AppError::internal("database error", e)
    }
}

/// `true` when the database could not be reached (no connection within the pool's wait,
/// or the connection broke), as opposed to a statement that failed.
#[cfg(feature = "ssr")]
pub fn database_unavailable(e: &sea_orm::DbErr) -> bool {
    use sea_orm::DbErr;
    match e {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Query(_) | DbErr::Exec(_) => {
            let text = e.to_string().to_ascii_lowercase();
            ["connection refused", "connection reset", "broken pipe", "terminating connection", "error communicating"]
                .iter()
                .any(|t| text.contains(t))
        }
        _ => false,
    }
}

/// Sets the HTTP status of the response being built, when there is one (inside a server
/// function or a page render).
#[cfg(feature = "ssr")]
fn set_response_status(kind: ErrorKind) {
    // A plain HTML form posted without JavaScript gets a redirect back to its page with the
    // error in the URL (the framework's way, which the page then shows); a 4xx status here
    // would stop the browser from following it.
    if let Some(parts) = leptos::prelude::use_context::<axum::http::request::Parts>() {
        let accepts_html = parts
            .headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        if parts.method == axum::http::Method::POST && accepts_html {
            return;
        }
    }
    if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = axum::http::StatusCode::from_u16(kind.status()) {
            opts.set_status(code);
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let kind = match &value {
            // The request could not be read: bad query string or body.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => ErrorKind::BadRequest,
            ServerFnErrorErr::MissingArg(_) => ErrorKind::BadRequest,
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => ErrorKind::UpstreamUnavailable,
            _ => ErrorKind::Internal,
        };
        Self { kind, message: value.to_string(), parameter: None }
    }

    fn ser(&self) -> leptos::server_fn::Bytes {
        // Every error leaves the server through here, so this is the one place that maps a
        // kind to a status: a bad parameter becomes a 400, not the framework's 500.
        #[cfg(feature = "ssr")]
        set_response_status(self.kind);
        serde_json::to_vec(self).unwrap_or_default().into()
    }
}

/// Axum handlers answer errors in the same JSON shape and status as server functions.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = axum::http::StatusCode::from_u16(self.kind.status())
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self)).into_response()
    }
}

/// The 400 of an endpoint whose parameters are read by the shared checks, for its
/// `#[utoipa::path(responses(...))]`: worded once for every endpoint that answers it.
#[cfg(feature = "ssr")]
#[derive(utoipa::IntoResponses)]
#[response(status = 400, description = "A bad parameter; `parameter` names it.")]
pub struct BadParameter(pub AppError);

/// The 400 of an endpoint that takes one row's `id`, for its `responses(...)`.
#[cfg(feature = "ssr")]
#[derive(utoipa::IntoResponses)]
#[response(status = 400, description = "Not an id; `parameter` is `id`.")]
pub struct NotAnId(pub AppError);

/// Gives the page being rendered on the server the status of the error it shows, so a page
/// saying "unknown instrument" answers 404 and one rejecting a parameter 400. Call it from
/// the component that renders the error; in the browser it does nothing.
pub fn set_page_status(e: &AppError) {
    #[cfg(feature = "ssr")]
    if let Some(r) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        r.set_status(
            axum::http::StatusCode::from_u16(e.kind.status()).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    #[cfg(not(feature = "ssr"))]
    let _ = e;
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr};

    use super::{AppError, ErrorKind};

    #[test]
    fn a_database_that_does_not_answer_is_a_503_and_a_failed_statement_a_500() {
        let kind = |e: DbErr| AppError::from(e).kind;
        assert_eq!(kind(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)), ErrorKind::UpstreamUnavailable);
        assert_eq!(
            kind(DbErr::Conn(RuntimeErr::Internal("Connection refused (os error 111)".into()))),
            ErrorKind::UpstreamUnavailable
        );
        assert_eq!(
            kind(DbErr::Query(RuntimeErr::Internal("Connection reset by peer".into()))),
            ErrorKind::UpstreamUnavailable
        );
        assert_eq!(
            kind(DbErr::Query(RuntimeErr::Internal("syntax error at or near \"FORM\"".into()))),
            ErrorKind::Internal
        );
        assert_eq!(kind(DbErr::RecordNotFound("x".into())), ErrorKind::Internal);
        let e = AppError::from(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout));
        assert_eq!((e.kind.status(), e.message.as_str()), (503, "the database is not answering; try again shortly"));
    }
}
