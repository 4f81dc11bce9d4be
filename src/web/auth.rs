//! Extractors that read and check bearer tokens: a signed-in agent, the tenant's administrator
//! (`DUET_ADMIN_KEY`), or either.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::error::Error;
use super::state::AppState;
use secrecy::ExposeSecret;

use super::tokens::{Claims, TokenRole};
use crate::engine::{Actor, TenantId};

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

impl Reader {
    /// The tenant whose settings the reader reads.
    pub fn tenant(&self) -> TenantId {
        match self {
            Reader::Admin => TenantId::default(),
            Reader::Agent(claims) => claims.tenant(),
            Reader::ChatPlatform(tenant) => tenant.clone(),
        }
    }
}

/// A request from an agent, the administrator, or a tenant's chat platform, and which.
pub enum Reader {
    /// The administrator key.
    Admin,
    /// A signed-in agent.
    Agent(Claims),
    /// A tenant's chat-platform key (`duet tenant add` made it).
    ChatPlatform(crate::engine::TenantId),
}

impl FromRequestParts<AppState> for Reader {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let token = bearer(parts).ok_or_else(|| Error::Unauthorized("sign in first".into()))?;
        if is_admin(state, token) {
            return Ok(Reader::Admin);
        }
        if let Ok(claims) = state.tokens.verify_role(token, TokenRole::Agent) {
            return Ok(Reader::Agent(claims));
        }
        if let Some(registration) = state.service.directory.by_chat_key(token) {
            return Ok(Reader::ChatPlatform(registration.tenant));
        }
        Err(Error::Unauthorized(
            "sign in as an agent, or use the administrator key".into(),
        ))
    }
}

/// A request from an administrator, and the tenant they administer: the built-in tenant's with
/// the administrator key (`DUET_ADMIN_KEY`), their own with a sign-in that holds `Duet.Admin`.
pub struct Admin {
    /// The tenant whose settings and audit trail they may read and change.
    pub tenant: TenantId,
    /// Who they are in the audit trail: the key's holder, or the signed-in person.
    pub actor: Actor,
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let token = bearer(parts);
        if let Some(token) = token {
            if is_admin(state, token) {
                return Ok(Admin {
                    tenant: TenantId::default(),
                    actor: Actor::admin(),
                });
            }
            if let Ok(claims) = state.tokens.verify_role(token, TokenRole::Agent) {
                if claims.holds_role(ADMIN_ROLE)
                    && let Some(id) = claims.agent()
                {
                    let name = claims.name.clone().unwrap_or_else(|| id.0.clone());
                    return Ok(Admin {
                        tenant: claims.tenant(),
                        actor: Actor::admin_user(&id, &name),
                    });
                }
                return Err(Error::Forbidden(format!(
                    "this needs the {ADMIN_ROLE} app role: ask your administrator to assign it in Entra ID (Enterprise applications → Duet → Users and groups)"
                )));
            }
        }
        if state.admin_key.is_none() {
            return Err(Error::Forbidden(format!(
                "this needs a sign-in with the {ADMIN_ROLE} app role, or the administrator key (set DUET_ADMIN_KEY)"
            )));
        }
        Err(Error::Unauthorized(
            "this needs the administrator key (DUET_ADMIN_KEY) as a Bearer token, or a sign-in with the Duet.Admin app role".into(),
        ))
    }
}

/// The app role that administers a tenant.
pub const ADMIN_ROLE: &str = "Duet.Admin";
/// The app role that reviews a tenant's sessions (recordings, live watching).
pub const SUPERVISOR_ROLE: &str = "Duet.Supervisor";

/// A request from a supervisor: a sign-in that holds `Duet.Supervisor`, and their tenant.
/// Agents (the session's own included), customers and the administrator key are refused.
pub struct Supervisor {
    /// The tenant whose sessions they review.
    pub tenant: TenantId,
    /// Who they are in the audit trail.
    pub actor: Actor,
}

impl FromRequestParts<AppState> for Supervisor {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let token = bearer(parts).ok_or_else(|| {
            Error::Unauthorized(format!(
                "sign in first: this needs a sign-in with the {SUPERVISOR_ROLE} app role as a Bearer token"
            ))
        })?;
        let claims = state
            .tokens
            .verify_role(token, TokenRole::Agent)
            .map_err(|_| {
                Error::Unauthorized(format!(
                    "sign in as a supervisor: this needs a sign-in with the {SUPERVISOR_ROLE} app role"
                ))
            })?;
        match claims.agent() {
            Some(id) if claims.holds_role(SUPERVISOR_ROLE) => {
                let name = claims.name.clone().unwrap_or_else(|| id.0.clone());
                Ok(Supervisor {
                    tenant: claims.tenant(),
                    actor: Actor::supervisor(&id, &name),
                })
            }
            _ => Err(Error::Forbidden(format!(
                "this needs the {SUPERVISOR_ROLE} app role: ask your administrator to assign it in Entra ID (Enterprise applications → Duet → Users and groups)"
            ))),
        }
    }
}

/// A request from someone who may replay the tenant's recordings: a supervisor, or an agent when
/// the tenant's policy grants agents that (`agents_see_recordings`). Customers, the
/// administrator key and agents without the grant are refused.
pub struct Reviewer {
    /// The tenant whose recordings they replay.
    pub tenant: TenantId,
    /// Who they are in the audit trail.
    pub actor: Actor,
    /// Whether they are a supervisor (who may also watch live sessions).
    pub supervises: bool,
}

impl FromRequestParts<AppState> for Reviewer {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let refused = match Supervisor::from_request_parts(parts, state).await {
            Ok(supervisor) => {
                return Ok(Reviewer {
                    tenant: supervisor.tenant,
                    actor: supervisor.actor,
                    supervises: true,
                });
            }
            Err(refused @ Error::Forbidden(_)) => refused,
            Err(other) => return Err(other),
        };
        let claims = bearer(parts)
            .and_then(|token| state.tokens.verify_role(token, TokenRole::Agent).ok())
            .ok_or(refused)?;
        match claims.agent() {
            Some(id)
                if claims.may_join_sessions()
                    && state.policy_for(&claims.tenant()).agents_see_recordings =>
            {
                let name = claims.name.clone().unwrap_or_else(|| id.0.clone());
                Ok(Reviewer {
                    tenant: claims.tenant(),
                    actor: Actor::agent(&id, &name),
                    supervises: false,
                })
            }
            _ => Err(Error::Forbidden(format!(
                "recordings are for supervisors: this needs the {SUPERVISOR_ROLE} app role (ask your administrator to assign it in Entra ID → Enterprise applications → Duet → Users and groups), or your organisation's policy letting agents replay them"
            ))),
        }
    }
}

fn is_admin(state: &AppState, token: &str) -> bool {
    state
        .admin_key
        .as_ref()
        .is_some_and(|key| constant_time_eq(key.expose_secret().as_bytes(), token.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
