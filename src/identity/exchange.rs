//! Redeeming the authorization code at the token endpoint (form-encoded, with the client
//! secret and the PKCE verifier) for the identity token.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::error::EntraError;

/// What the token request sends.
pub struct CodeRedemption<'a> {
    /// Duet's client id.
    pub client_id: &'a str,
    /// Duet's client secret.
    pub client_secret: &'a SecretString,
    /// The code from the callback.
    pub code: &'a str,
    /// The PKCE verifier of this sign-in.
    pub verifier: &'a SecretString,
    /// The redirect URI the code was issued for.
    pub redirect_uri: &'a str,
}

#[derive(Deserialize)]
struct TokenAnswer {
    id_token: Option<SecretString>,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: String,
    #[serde(default)]
    error_description: String,
}

/// Posts the code to `token_endpoint` and returns the identity token.
pub async fn redeem(
    http: &reqwest::Client,
    token_endpoint: &str,
    request: &CodeRedemption<'_>,
) -> Result<SecretString, EntraError> {
    const STEP: &str = "redeeming the sign-in code";
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", request.client_id),
        ("client_secret", request.client_secret.expose_secret()),
        ("code", request.code),
        ("code_verifier", request.verifier.expose_secret()),
        ("redirect_uri", request.redirect_uri),
        ("scope", "openid profile"),
    ];
    let response = http
        .post(token_endpoint)
        .form(&form)
        .send()
        .await
        .map_err(|error| {
            tracing::warn!(error = %error.without_url(), "Entra ID token endpoint unreachable");
            EntraError::ProviderUnreachable(STEP)
        })?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|_| EntraError::ProviderUnreachable(STEP))?;
    if !status.is_success() {
        tracing::warn!(%status, "Entra ID refused to redeem the code");
        return Err(match serde_json::from_slice::<ErrorAnswer>(&body) {
            Ok(answer) => EntraError::CodeRefused {
                error: shorten(&answer.error),
                description: shorten(&answer.error_description),
            },
            Err(_) => EntraError::ProviderAnsweredBadly(STEP),
        });
    }
    serde_json::from_slice::<TokenAnswer>(&body)
        .ok()
        .and_then(|answer| answer.id_token)
        .ok_or(EntraError::ProviderAnsweredBadly(STEP))
}

/// The provider's words, cut to a length a page can show (they may come from a crafted link).
pub fn shorten(text: &str) -> String {
    const MOST_CHARS: usize = 300;
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    match text.char_indices().nth(MOST_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}
