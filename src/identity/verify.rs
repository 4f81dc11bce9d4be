//! Checks an identity token (id_token) and reads who signed in: RS256 against the provider's
//! key, audience, issuer of the token's own tenant, times (2 minutes' leeway), nonce, a
//! registered tenant and a Duet app role.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::error::EntraError;
use super::tenants::RegisteredTenants;
use crate::engine::AgentId;

/// Clock difference tolerated on `exp` and `nbf`, in seconds.
pub const LEEWAY_SECS: u64 = 120;

/// One of Duet's app roles, as assigned in Entra ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppRole {
    /// `Duet.Agent`: signs in and joins sessions.
    Agent,
    /// `Duet.Supervisor`: signs in; joins nothing yet.
    Supervisor,
    /// `Duet.Admin`: signs in; joins nothing yet.
    Admin,
}

impl AppRole {
    /// The role's value in the token's `roles` claim.
    pub fn as_str(self) -> &'static str {
        match self {
            AppRole::Agent => "Duet.Agent",
            AppRole::Supervisor => "Duet.Supervisor",
            AppRole::Admin => "Duet.Admin",
        }
    }

    /// The role named `value` exactly, if it is one of Duet's.
    pub fn parse(value: &str) -> Option<Self> {
        [AppRole::Agent, AppRole::Supervisor, AppRole::Admin]
            .into_iter()
            .find(|role| role.as_str() == value)
    }
}

/// Who signed in, as the verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntraIdentity {
    /// The user's Entra tenant (`tid`).
    pub tenant_id: String,
    /// The user's object id in that tenant (`oid`).
    pub object_id: String,
    /// The display name (`name`, else `preferred_username`).
    pub name: String,
    /// Duet's app roles the user holds; never empty.
    pub roles: Vec<AppRole>,
}

impl EntraIdentity {
    /// Duet's id for this person: `entra:{tid}:{oid}`.
    pub fn agent_id(&self) -> AgentId {
        AgentId(format!("entra:{}:{}", self.tenant_id, self.object_id))
    }

    /// The roles' claim values, for Duet's own token.
    pub fn role_names(&self) -> Vec<String> {
        self.roles
            .iter()
            .map(|role| role.as_str().to_owned())
            .collect()
    }
}

/// What the token must match besides its signature.
pub struct Expected<'a> {
    /// Duet's client id: the audience.
    pub client_id: &'a str,
    /// The discovery document's issuer, `{tenantid}` still in it.
    pub issuer_template: &'a str,
    /// This sign-in's nonce.
    pub nonce: &'a str,
    /// Which tenants may sign in.
    pub tenants: &'a dyn RegisteredTenants,
}

#[derive(Debug, Deserialize)]
struct IdClaims {
    iss: String,
    tid: Option<String>,
    oid: Option<String>,
    nonce: Option<String>,
    name: Option<String>,
    preferred_username: Option<String>,
    // A user with no app role has no `roles` claim at all.
    #[serde(default)]
    roles: Vec<String>,
}

/// The `kid` an RS256 token's header names.
pub fn key_id(token: &str) -> Result<String, EntraError> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| EntraError::Malformed)?;
    if header.alg != Algorithm::RS256 {
        return Err(EntraError::BadSignature);
    }
    header.kid.ok_or(EntraError::UnknownKey)
}

/// Verifies `token` with `key` against `expected`, and says who signed in.
pub fn verify(
    token: &str,
    key: &DecodingKey,
    expected: &Expected<'_>,
) -> Result<EntraIdentity, EntraError> {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[expected.client_id]);
    validation.leeway = LEEWAY_SECS;
    validation.validate_nbf = true;
    validation.set_required_spec_claims(&["exp", "aud", "iss"]);
    let claims = jsonwebtoken::decode::<IdClaims>(token, key, &validation)
        .map_err(|error| refusal(error.kind()))?
        .claims;
    let (tenant_id, object_id) = match (&claims.tid, &claims.oid) {
        (Some(tid), Some(oid)) if !tid.is_empty() && !oid.is_empty() => (tid.clone(), oid.clone()),
        _ => return Err(EntraError::Malformed),
    };
    if claims.iss != expected.issuer_template.replace("{tenantid}", &tenant_id) {
        return Err(EntraError::WrongIssuer);
    }
    if claims.nonce.as_deref() != Some(expected.nonce) {
        return Err(EntraError::NonceMismatch);
    }
    if !expected.tenants.is_registered(&tenant_id) {
        return Err(EntraError::UnregisteredTenant(tenant_id));
    }
    let roles: Vec<AppRole> = claims
        .roles
        .iter()
        .filter_map(|r| AppRole::parse(r))
        .collect();
    if roles.is_empty() {
        return Err(EntraError::NoRole);
    }
    let name = claims
        .name
        .or(claims.preferred_username)
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "Agent".to_owned());
    Ok(EntraIdentity {
        tenant_id,
        object_id,
        name,
        roles,
    })
}

fn refusal(kind: &ErrorKind) -> EntraError {
    match kind {
        ErrorKind::InvalidSignature | ErrorKind::InvalidAlgorithm => EntraError::BadSignature,
        ErrorKind::InvalidAudience => EntraError::WrongAudience,
        ErrorKind::InvalidIssuer => EntraError::WrongIssuer,
        ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature => EntraError::Expired,
        _ => EntraError::Malformed,
    }
}
