//! What a tenant's administrator sees of their tenant (`GET /api/tenant`: its registration, the
//! policy and ICE servers its sessions follow, and whether they are its own) and the policy they
//! may change from the admin page (`PUT /api/tenant/policy`, registered tenants only).

use axum::Router;
use axum::extract::State;
use axum::routing::{get, put};
use serde::Serialize;

use crate::config::PolicySettings;
use crate::tenant::registry::{Amendment, RegistrationError, Registry};
use crate::web::auth::Admin;
use crate::web::error::{ApiJson, Error, Result};
use crate::web::state::AppState;

/// Routes of the administrator's view.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/tenant", get(overview))
        .route("/api/tenant/policy", put(set_policy))
}

/// The administrator's tenant as Duet serves it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    /// Its id in Duet.
    pub tenant: String,
    /// Its name.
    pub name: String,
    /// Whether it is a registered organisation (else Duet's built-in tenant).
    pub registered: bool,
    /// Its Microsoft Entra tenant id (registered tenants).
    pub entra_tenant: Option<String>,
    /// The Dynamics org origins that may frame the agent's console.
    pub orgs: Vec<String>,
    /// The website origins whose pages start its sessions.
    pub sites: Vec<String>,
    /// The masking and control policy its sessions follow.
    pub policy: PolicySettings,
    /// Whether that policy is its own (else the built-in one).
    pub own_policy: bool,
    /// The STUN/TURN URLs its screen shares use.
    pub ice_servers: Vec<String>,
    /// Whether they are its own (else the built-in ones).
    pub own_ice_servers: bool,
    /// Who is looking, as the audit trail names them.
    pub signed_in_as: Option<String>,
}

async fn overview(State(state): State<AppState>, admin: Admin) -> Result<ApiJson<Overview>> {
    let registration = state
        .service
        .directory
        .all()
        .iter()
        .find(|registration| registration.tenant == admin.tenant)
        .cloned();
    let policy = state.policy_for(&admin.tenant);
    let ice_servers = state
        .ice_servers_for(&admin.tenant)
        .into_iter()
        .map(|server| server.urls)
        .collect();
    let signed_in_as = admin.actor.name.clone();
    let overview = match registration {
        Some(registration) => Overview {
            tenant: registration.tenant.to_string(),
            name: registration.name,
            registered: true,
            entra_tenant: Some(registration.entra_tenant),
            orgs: registration.orgs,
            sites: registration.sites,
            policy,
            own_policy: registration.policy.is_some(),
            ice_servers,
            own_ice_servers: registration.ice_servers.is_some(),
            signed_in_as,
        },
        None => {
            let settings = &state.settings;
            let mut sites = vec![settings.public_origin.clone()];
            sites.extend(settings.allowed_origins.iter().cloned());
            Overview {
                tenant: admin.tenant.to_string(),
                name: "Built-in tenant".to_owned(),
                registered: false,
                entra_tenant: None,
                orgs: settings.org_origins.clone(),
                sites,
                policy,
                own_policy: false,
                ice_servers,
                own_ice_servers: false,
                signed_in_as,
            }
        }
    };
    Ok(ApiJson(overview))
}

async fn set_policy(
    State(state): State<AppState>,
    admin: Admin,
    ApiJson(policy): ApiJson<PolicySettings>,
) -> Result<ApiJson<PolicySettings>> {
    let registered = state
        .service
        .directory
        .all()
        .iter()
        .any(|registration| registration.tenant == admin.tenant);
    if !registered {
        return Err(Error::Conflict(
            "the built-in tenant's policy comes from duet.toml and DUET_* variables, which Duet's operator sets; register the organisation with `duet tenant add` to manage its policy here".into(),
        ));
    }
    let amendment = Amendment {
        policy: Some(policy),
        ..Default::default()
    };
    let registry = Registry::new(state.service.store.clone());
    let now = state.service.clock.now();
    let amended = registry
        .amend(admin.tenant.as_str(), amendment, admin.actor, now)
        .await
        .map_err(registration_error)?;
    // This node applies it now; the others within their next refresh.
    if let Err(error) = state.service.directory.refresh().await {
        tracing::warn!(error = %error, "the registrations could not be read again after a change");
    }
    Ok(ApiJson(amended.registration.policy.unwrap_or_default()))
}

fn registration_error(error: RegistrationError) -> Error {
    match error {
        RegistrationError::Store(store) => {
            tracing::error!(error = %store, "a tenant's registration could not be written");
            Error::Unavailable(
                "Duet could not write its settings store; try again, and if it keeps failing check Duet's database".into(),
            )
        }
        RegistrationError::Unreadable(_) => Error::Internal(error.into()),
        other => Error::BadRequest(other.to_string()),
    }
}
