//! A framed page of a tenant's site asks whether the page framing it may have it in its
//! co-browse session: `POST /api/frames/parent` with the parent's origin, from the framed page
//! (its `Origin` names the child). Duet answers with the tenant's masking policy only when both
//! origins are websites of the same tenant; any other pair is refused, so a page on another
//! origin that frames a tenant's page never gets it to send anything.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::config::PolicySettings;
use crate::engine::TenantId;
use crate::web::api::site::session_tenant;
use crate::web::error::{Error, Result};
use crate::web::state::AppState;

/// Longest origin Duet compares.
const MAX_ORIGIN_LEN: usize = 300;

/// Routes of the framed page's API.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/frames/parent", post(trust_parent).options(preflight))
}

/// Body of `POST /api/frames/parent`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParentRequest {
    /// The origin of the page that asked the framed page to join its session.
    pub parent: String,
    /// The tenant the framed page's script tag names (`data-tenant`), for a site several share.
    #[serde(default)]
    pub tenant: Option<String>,
}

/// Answer of `POST /api/frames/parent`: the policy the framed page masks with.
#[derive(Debug, Serialize)]
pub struct ParentResponse<'a> {
    /// The tenant's masking policy, as a session's `welcome` carries it.
    pub policy: &'a PolicySettings,
}

async fn trust_parent(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(request): Json<ParentRequest>,
) -> Result<(StatusCode, HeaderMap, Json<serde_json::Value>)> {
    if headers.get(header::ORIGIN).is_none() {
        return Err(Error::Forbidden(
            "a framed page asks from a browser: the request needs its Origin".into(),
        ));
    }
    let asked = request.tenant.as_deref().map(str::trim);
    let (cors, tenant) = session_tenant(&state, &headers, asked.filter(|t| !t.is_empty()))?;
    let parent = request.parent.trim();
    if parent.len() > MAX_ORIGIN_LEN || !site_of(&state, &tenant, parent) {
        return Err(Error::Forbidden(
            "the page framing this one is not a website of the same tenant: nothing is shared with it"
                .into(),
        ));
    }
    let policy = state.policy_for(&tenant);
    let body = serde_json::to_value(ParentResponse { policy: &policy })
        .map_err(|e| Error::Internal(e.into()))?;
    Ok((StatusCode::OK, cors, Json(body)))
}

/// Whether `origin` is a website of `tenant`: registered for it, or, for the built-in tenant,
/// Duet's own origin or one of `DUET_ALLOWED_ORIGINS`.
fn site_of(state: &AppState, tenant: &TenantId, origin: &str) -> bool {
    let registered = state.service.directory.by_site(origin);
    if registered.iter().any(|r| &r.tenant == tenant) {
        return true;
    }
    *tenant == TenantId::default() && registered.is_empty() && state.settings.origin_allowed(origin)
}

async fn preflight(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<(StatusCode, HeaderMap)> {
    crate::web::api::site::preflight(&state, &headers, "POST")
}
