//! Extractors that read and check bearer tokens: a signed-in agent, or a session participant.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::error::Error;
use super::state::AppState;
use super::tokens::{Claims, TokenRole};

/// A request from a signed-in agent (`Authorization: Bearer <agent token>`).
#[derive(Debug, Clone)]
pub struct SignedIn(pub Claims);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let token = bearer(parts).ok_or_else(|| {
            Error::Unauthorized(
                "sign in first: this call needs the agent's token as a Bearer token".into(),
            )
        })?;
        state
            .tokens
            .verify_role(token, TokenRole::Agent)
            .map(SignedIn)
            .map_err(|error| Error::Unauthorized(error.to_string()))
    }
}

/// The bearer token of a request, from the `Authorization` header.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    value
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|token| !token.is_empty())
}
