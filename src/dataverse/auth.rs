//! Access tokens: OAuth2 client credentials against Microsoft Entra ID, fetched once and
//! refreshed shortly before they expire.

use std::time::{Duration, Instant};

use oauth2::basic::{BasicClient, BasicErrorResponseType, BasicRequestTokenError};
use oauth2::{AuthType, ClientId, ClientSecret, Scope, TokenResponse, TokenUrl};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;

use super::error::{Error, chain, shorten};

/// The app registration Duet signs in as.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// Authority, e.g. `https://login.microsoftonline.com` (no trailing slash needed).
    pub authority: String,
    /// Microsoft Entra tenant id or domain.
    pub tenant_id: String,
    /// The app registration's client id.
    pub client_id: String,
    /// The app registration's client secret.
    pub client_secret: SecretString,
}

impl Credentials {
    /// `{authority}/{tenant}/oauth2/v2.0/token`.
    pub fn token_url(&self) -> String {
        format!(
            "{}/{}/oauth2/v2.0/token",
            self.authority.trim_end_matches('/'),
            self.tenant_id
        )
    }
}

/// Hands out a valid access token for one org, asking the identity provider only when needed.
pub(crate) struct TokenSource {
    credentials: Credentials,
    token_url: TokenUrl,
    scope: String,
    cached: Mutex<Option<CachedToken>>,
}

struct CachedToken {
    token: SecretString,
    refresh_at: Instant,
}

impl TokenSource {
    /// A token source for `credentials`, scoped to `{org}/.default`.
    pub(crate) fn new(credentials: Credentials, org: &str) -> Result<Self, Error> {
        let url = credentials.token_url();
        let token_url = TokenUrl::new(url.clone()).map_err(|e| Error::InvalidUrl {
            what: "the token URL",
            value: url,
            reason: e.to_string(),
        })?;
        let scope = format!("{}/.default", org.trim_end_matches('/'));
        Ok(Self {
            credentials,
            token_url,
            scope,
            cached: Mutex::new(None),
        })
    }

    /// The current token, fetched first when there is none or it is about to expire.
    pub(crate) async fn token(&self, http: &reqwest::Client) -> Result<SecretString, Error> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.as_ref().filter(|t| Instant::now() < t.refresh_at) {
            return Ok(token.token.clone());
        }
        let fresh = self.fetch(http).await?;
        let token = fresh.token.clone();
        *cached = Some(fresh);
        Ok(token)
    }

    /// Forgets the cached token, so the next call fetches a new one.
    pub(crate) async fn invalidate(&self) {
        *self.cached.lock().await = None;
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<CachedToken, Error> {
        let client = BasicClient::new(ClientId::new(self.credentials.client_id.clone()))
            .set_client_secret(ClientSecret::new(
                self.credentials.client_secret.expose_secret().to_owned(),
            ))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(self.token_url.clone());
        let response = client
            .exchange_client_credentials()
            .add_scope(Scope::new(self.scope.clone()))
            .request_async(http)
            .await
            .map_err(token_error)?;
        let lifetime = response.expires_in().unwrap_or(Duration::from_secs(300));
        tracing::debug!(expires_in_s = lifetime.as_secs(), "got an access token");
        Ok(CachedToken {
            token: SecretString::from(response.access_token().secret().to_owned()),
            refresh_at: Instant::now() + refresh_after(lifetime),
        })
    }
}

/// How long a token is used: its lifetime less a margin (five minutes, or half of short lifetimes).
fn refresh_after(lifetime: Duration) -> Duration {
    let margin = (lifetime / 2).min(Duration::from_secs(300));
    lifetime.saturating_sub(margin)
}

/// Maps the oauth2 crate's error to ours, keeping response bodies (which may hold tokens) out.
fn token_error(error: BasicRequestTokenError<oauth2::HttpClientError<reqwest::Error>>) -> Error {
    match error {
        BasicRequestTokenError::ServerResponse(response) => {
            let description = shorten(response.error_description().map_or("", String::as_str));
            match response.error() {
                BasicErrorResponseType::InvalidClient
                | BasicErrorResponseType::UnauthorizedClient => {
                    Error::BadClientCredentials { description }
                }
                other => Error::TokenRejected {
                    code: other.to_string(),
                    description,
                },
            }
        }
        BasicRequestTokenError::Request(e) => Error::TokenUnavailable { reason: chain(&e) },
        BasicRequestTokenError::Parse(..) => Error::TokenUnavailable {
            reason: "the token endpoint's answer is not an OAuth2 token response".to_owned(),
        },
        BasicRequestTokenError::Other(reason) => Error::TokenUnavailable { reason },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_hour_long_token_is_refreshed_five_minutes_early() {
        assert_eq!(
            refresh_after(Duration::from_secs(3600)),
            Duration::from_secs(3300)
        );
        assert_eq!(refresh_after(Duration::ZERO), Duration::ZERO);
    }
}
