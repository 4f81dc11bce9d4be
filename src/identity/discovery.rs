//! The provider's OpenID configuration (`…/organizations/v2.0/.well-known/openid-configuration`)
//! and the one way Duet fetches JSON from the provider.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::EntraError;

/// What Duet reads of the discovery document.
#[derive(Debug, Clone, Deserialize)]
pub struct Metadata {
    /// Where the browser is sent to sign in.
    pub authorization_endpoint: String,
    /// Where Duet redeems the code.
    pub token_endpoint: String,
    /// Where the provider publishes its signing keys.
    pub jwks_uri: String,
    /// The issuer, for the multi-tenant document a template with `{tenantid}`.
    pub issuer: String,
}

impl Metadata {
    /// The issuer a token of the Entra tenant `tenant_id` must name.
    pub fn issuer_for(&self, tenant_id: &str) -> String {
        self.issuer.replace("{tenantid}", tenant_id)
    }
}

/// The discovery document's address for work and school accounts of any tenant.
pub fn discovery_url(authority: &str) -> String {
    format!(
        "{}/organizations/v2.0/.well-known/openid-configuration",
        authority.trim_end_matches('/')
    )
}

/// GETs `url` and reads its JSON; `step` names what was being fetched in the refusal.
pub(super) async fn fetch_json<T: DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
    step: &'static str,
) -> Result<T, EntraError> {
    let response = http.get(url).send().await.map_err(|error| {
        tracing::warn!(step, error = %error.without_url(), "Entra ID unreachable");
        EntraError::ProviderUnreachable(step)
    })?;
    if !response.status().is_success() {
        tracing::warn!(step, status = %response.status(), "Entra ID answered with an error");
        return Err(EntraError::ProviderAnsweredBadly(step));
    }
    response.json().await.map_err(|error| {
        tracing::warn!(step, error = %error.without_url(), "Entra ID answer unreadable");
        EntraError::ProviderAnsweredBadly(step)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_multi_tenant_issuer_is_filled_with_the_tokens_tenant() {
        let metadata = Metadata {
            authorization_endpoint: String::new(),
            token_endpoint: String::new(),
            jwks_uri: String::new(),
            issuer: "https://login.microsoftonline.com/{tenantid}/v2.0".into(),
        };
        assert_eq!(
            metadata.issuer_for("t1"),
            "https://login.microsoftonline.com/t1/v2.0"
        );
        assert_eq!(
            discovery_url("https://login.microsoftonline.com/"),
            "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration"
        );
    }
}
