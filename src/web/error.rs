//! The one error type at the HTTP edge: each variant names its status, and renders as JSON
//! `{"error": "<what to do>"}`.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Result of a handler.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a request can fail with; the text tells the caller what to do next.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 400: the request itself is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// 401: no valid token.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: the caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 404: nothing by that name.
    #[error("{0}")]
    NotFound(String),
    /// 409: conflicts with something live (e.g. the agent is busy).
    #[error("{0}")]
    Conflict(String),
    /// 410: it existed and is over for good.
    #[error("{0}")]
    Gone(String),
    /// 429: too many attempts; wait and try again.
    #[error("{0}")]
    TooManyRequests(String),
    /// 503: Duet cannot do this right now (its store refused); try again.
    #[error("{0}")]
    Unavailable(String),
    /// 500: our fault; the cause is logged once, the caller sees a plain sentence.
    #[error(
        "something went wrong on Duet's side; try again, and tell your administrator if it keeps happening"
    )]
    Internal(#[source] anyhow::Error),
}

impl Error {
    /// A short name for why, for metrics labels (`not_found`, `rate_limited`, …).
    pub fn reason(&self) -> &'static str {
        match self {
            Error::BadRequest(_) => "bad_request",
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound(_) => "not_found",
            Error::Conflict(_) => "busy",
            Error::Gone(_) => "ended",
            Error::TooManyRequests(_) => "rate_limited",
            Error::Unavailable(_) => "unavailable",
            Error::Internal(_) => "internal",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::Gone(_) => StatusCode::GONE,
            Error::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::Internal(cause) = &self {
            tracing::error!(error = %format!("{cause:#}"), "request failed");
        }
        let body = Json(serde_json::json!({ "error": self.to_string() }));
        (self.status(), body).into_response()
    }
}

impl From<crate::engine::Unrecorded> for Error {
    fn from(refused: crate::engine::Unrecorded) -> Self {
        Error::Unavailable(refused.to_string())
    }
}

impl From<JsonRejection> for Error {
    fn from(rejection: JsonRejection) -> Self {
        Error::BadRequest(format!(
            "the request body is not the JSON this call expects: {}",
            rejection.body_text()
        ))
    }
}

impl From<PathRejection> for Error {
    fn from(rejection: PathRejection) -> Self {
        Error::BadRequest(format!(
            "the address is not one this call expects: {}",
            rejection.body_text()
        ))
    }
}

impl From<QueryRejection> for Error {
    fn from(rejection: QueryRejection) -> Self {
        Error::BadRequest(format!(
            "the query string is not one this call expects: {}",
            rejection.body_text()
        ))
    }
}

/// `Json` whose rejection speaks the app's error format.
#[derive(Debug, axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(Error))]
pub struct ApiJson<T>(pub T);

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}

/// `Query` whose rejection speaks the app's error format.
#[derive(Debug, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Error))]
pub struct ApiQuery<T>(pub T);
