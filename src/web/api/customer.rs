//! The customer's JSON API: start a session (from the tenant's allowed origins only) and end it.
//! Also the end call the app tab's beacon uses, which carries its token in the query.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;

use crate::web::limits;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::config::PolicySettings;
use crate::engine::session::{PairingKey, Rendezvous};
use crate::engine::{EndReason, Role, SessionId};
use crate::web::api::site::{allowed_site, session_tenant};
use crate::web::error::{ApiQuery, Error, Result};
use crate::web::state::AppState;

/// Routes of the customer's API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/sessions", post(create_session).options(preflight))
        .route(
            "/api/sessions/{id}/end",
            post(end_session).options(preflight),
        )
}

/// Body of `POST /api/sessions`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartRequest {
    /// The Omnichannel conversation the customer is in, when the site knows it.
    #[serde(default)]
    pub conversation_id: Option<String>,
    /// The tenant the script tag names (`data-tenant`), for a site several tenants share.
    #[serde(default)]
    pub tenant: Option<String>,
    /// The pairing key the script put into the chat's context (`DuetPairingKey`), so the
    /// agent's app tab finds this session without a code.
    #[serde(default)]
    pub pairing_key: Option<String>,
}

/// Answer of `POST /api/sessions`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartResponse<'a> {
    /// The nine digits the customer reads out.
    pub session_id: SessionId,
    /// The customer's session token.
    pub token: String,
    /// The tenant policy the script applies before sending anything.
    pub policy: &'a PolicySettings,
}

async fn create_session(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<(StatusCode, HeaderMap, Json<serde_json::Value>)> {
    let request = parse_start(&body)?;
    let asked = request.tenant.as_deref().map(str::trim);
    let (cors, tenant) = session_tenant(&state, &headers, asked.filter(|t| !t.is_empty()))?;
    let address = limits::address(peer);
    let checks = [(&state.limits.sessions_per_address, address.as_str())];
    limits::attempt(&checks, "too many sessions started from this address").await?;
    let conversation = request
        .conversation_id
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if conversation.as_ref().is_some_and(|c| c.len() > 200) {
        return Err(Error::BadRequest(
            "conversationId is longer than 200 characters; pass the conversation's id".into(),
        ));
    }
    let pairing = request
        .pairing_key
        .as_deref()
        .map(PairingKey::from_secret)
        .transpose()
        .map_err(|bad| Error::BadRequest(bad.to_string()))?;
    let rendezvous = Rendezvous {
        conversation,
        pairing,
    };
    let id = state
        .service
        .sessions
        .create(tenant.clone(), rendezvous, state.service.clock.now())
        .await?;
    tracing::info!(session.id = %id, tenant = %tenant, "customer started a co-browse session");
    let policy = state.policy_for(&tenant);
    let response = StartResponse {
        session_id: id,
        token: state.tokens.customer(id),
        policy: &policy,
    };
    let body = serde_json::to_value(response).map_err(|e| Error::Internal(e.into()))?;
    Ok((StatusCode::CREATED, cors, Json(body)))
}

/// An empty body starts a session with no conversation; otherwise it must be a `StartRequest`.
fn parse_start(body: &[u8]) -> Result<StartRequest> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(StartRequest::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        Error::BadRequest(format!(
            "the body must be JSON like {{\"conversationId\":\"…\"}}: {e}"
        ))
    })
}

/// `?token=` for callers that cannot set headers (`navigator.sendBeacon`).
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

async fn end_session(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<TokenQuery>,
) -> Result<(StatusCode, HeaderMap)> {
    let cors = allowed_site(&state, &headers)?;
    let id: SessionId = id
        .parse()
        .map_err(|e: crate::engine::ids::BadSessionId| Error::BadRequest(e.to_string()))?;
    let token = header_token(&headers)
        .or(query.token.as_deref())
        .ok_or_else(|| {
            Error::Unauthorized(
                "ending a session needs its token, as a Bearer token or ?token=".into(),
            )
        })?;
    let claims = state
        .tokens
        .verify_session(token, id)
        .map_err(|e| Error::Unauthorized(e.to_string()))?;
    let (reason, role) = match claims.agent() {
        None => (EndReason::CustomerExit, Role::Customer),
        Some(agent) => (EndReason::AgentExit, Role::Agent(agent)),
    };
    let now = state.service.clock.now();
    if state.service.sessions.end_by(id, &role, reason, now).await {
        tracing::info!(session.id = %id, reason = ?reason, "session ended by request");
    }
    Ok((StatusCode::NO_CONTENT, cors))
}

async fn preflight(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<(StatusCode, HeaderMap)> {
    crate::web::api::site::preflight(&state, &headers, "POST")
}

fn header_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::trim)
}
