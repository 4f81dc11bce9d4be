//! Microsoft Entra ID sign-in for agents (OpenID Connect, authorization code with PKCE, as a
//! confidential client): discovery, signing keys, sign-ins in flight and identity-token checks.
//! Knows nothing of axum; `web/entra.rs` is its thin HTTP side.

pub mod discovery;
pub mod error;
pub mod exchange;
pub mod keys;
pub mod pending;
pub mod tenants;
pub mod verify;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{Mutex, OnceCell};

use crate::config::EntraSettings;
use discovery::{Metadata, discovery_url, fetch_json};
pub use error::EntraError;
use exchange::{CodeRedemption, redeem, shorten};
use keys::{Jwks, KeyCache, Lookup};
use pending::{PendingSignIn, PendingSignIns, random_text};
pub use tenants::RegisteredTenants;
pub use verify::{AppRole, EntraIdentity};

/// How long one request to the provider may take.
pub const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// What the provider's redirect back to Duet carries (other fields are ignored).
#[derive(Debug, Default, serde::Deserialize)]
pub struct Callback {
    /// The authorization code.
    pub code: Option<SecretString>,
    /// The sign-in's `state`.
    pub state: Option<SecretString>,
    /// The provider's error code, when it refused.
    pub error: Option<String>,
    /// The provider's explanation of `error`.
    pub error_description: Option<String>,
}

/// The Entra ID client Duet signs agents in with, built once at start-up.
pub struct Entra {
    client_id: String,
    client_secret: SecretString,
    authority: String,
    redirect_uri: String,
    http: reqwest::Client,
    metadata: OnceCell<Metadata>,
    keys: Mutex<KeyCache>,
    pending: PendingSignIns,
    tenants: Arc<dyn RegisteredTenants>,
}

impl std::fmt::Debug for Entra {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entra")
            .field("client_id", &self.client_id)
            .field("authority", &self.authority)
            .finish_non_exhaustive()
    }
}

impl Entra {
    /// The client for `settings`, or `None` when Entra ID is not configured; the provider
    /// sends browsers back to `redirect_uri`.
    pub fn new(
        settings: &EntraSettings,
        redirect_uri: String,
        tenants: Arc<dyn RegisteredTenants>,
    ) -> anyhow::Result<Option<Self>> {
        let (Some(client_id), Some(client_secret)) = (&settings.client_id, &settings.client_secret)
        else {
            return Ok(None);
        };
        if !settings.configured() {
            return Ok(None);
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .context("building the HTTP client for Microsoft Entra ID")?;
        Ok(Some(Self {
            client_id: client_id.trim().to_owned(),
            client_secret: client_secret.clone(),
            authority: settings.authority.trim_end_matches('/').to_owned(),
            redirect_uri,
            http,
            metadata: OnceCell::new(),
            keys: Mutex::new(KeyCache::default()),
            pending: PendingSignIns::default(),
            tenants,
        }))
    }

    /// Starts a sign-in: remembers its state, nonce and PKCE verifier, and returns the
    /// provider's authorization URL to send the browser to.
    pub async fn begin(&self) -> Result<String, EntraError> {
        let metadata = self.metadata().await?;
        let mut url = url::Url::parse(&metadata.authorization_endpoint)
            .map_err(|_| EntraError::ProviderAnsweredBadly("reading the discovery document"))?;
        let now = Instant::now();
        let state = random_text();
        let (pending, challenge) = PendingSignIn::new(now);
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("response_mode", "query")
            .append_pair("scope", "openid profile")
            .append_pair("state", &state)
            .append_pair("nonce", &pending.nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        self.pending.insert(state, pending, now);
        Ok(url.into())
    }

    /// Finishes a sign-in from the provider's redirect: takes its pending sign-in (once),
    /// redeems the code and verifies the identity token.
    pub async fn finish(&self, callback: Callback) -> Result<EntraIdentity, EntraError> {
        if let Some(error) = callback.error {
            return Err(EntraError::ProviderRefused {
                error: shorten(&error),
                description: shorten(callback.error_description.as_deref().unwrap_or_default()),
            });
        }
        let state = callback.state.ok_or(EntraError::UnknownState)?;
        let pending = self
            .pending
            .take(state.expose_secret(), Instant::now())
            .ok_or(EntraError::UnknownState)?;
        let code = callback.code.ok_or(EntraError::MissingCode)?;
        let metadata = self.metadata().await?;
        let redemption = CodeRedemption {
            client_id: &self.client_id,
            client_secret: &self.client_secret,
            code: code.expose_secret(),
            verifier: &pending.verifier,
            redirect_uri: &self.redirect_uri,
        };
        let id_token = redeem(&self.http, &metadata.token_endpoint, &redemption).await?;
        let id_token = id_token.expose_secret();
        let key = self.key(&verify::key_id(id_token)?, metadata).await?;
        let expected = verify::Expected {
            client_id: &self.client_id,
            issuer_template: &metadata.issuer,
            nonce: &pending.nonce,
            tenants: &*self.tenants,
        };
        verify::verify(id_token, &key, &expected)
    }

    /// The discovery document, fetched once it is first needed (a failed fetch is tried again).
    async fn metadata(&self) -> Result<&Metadata, EntraError> {
        let url = discovery_url(&self.authority);
        self.metadata
            .get_or_try_init(|| fetch_json(&self.http, &url, "reading the discovery document"))
            .await
    }

    /// The signing key `kid`, fetching the JWKS when the cache says to.
    async fn key(
        &self,
        kid: &str,
        metadata: &Metadata,
    ) -> Result<jsonwebtoken::DecodingKey, EntraError> {
        let mut cache = self.keys.lock().await;
        match cache.lookup(kid, Instant::now()) {
            Lookup::Found(key) => return Ok(key),
            Lookup::Unknown => return Err(EntraError::UnknownKey),
            Lookup::Fetch => {}
        }
        let jwks: Jwks =
            fetch_json(&self.http, &metadata.jwks_uri, "reading the signing keys").await?;
        cache.replace(jwks, Instant::now());
        tracing::debug!("Entra ID signing keys fetched");
        cache.get(kid).ok_or(EntraError::UnknownKey)
    }
}
