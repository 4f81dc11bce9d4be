//! The screen-share JSON API: the agent starts a request and gets a security key; the customer
//! looks the key up (rate-limited) and gets a token for the share.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use serde::{Deserialize, Serialize};

use crate::engine::{Actor, ShareEnd, ShareError, ShareId};
use crate::web::auth::SignedIn;
use crate::web::error::{ApiJson, ApiQuery, Error, Result};
use crate::web::limits;
use crate::web::protocol::IceServer;
use crate::web::state::AppState;
use crate::web::tokens::TokenRole;

/// Routes of the screen-share API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/agent/screenshare", post(start_screenshare))
        .route("/api/screenshare/lookup", post(look_up_key))
        .route("/api/screenshare/{id}/end", post(end_share))
}

/// Body of the agent's start call.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartShare {
    /// The conversation the share belongs to; ending it ends the share.
    #[serde(default)]
    pub conversation_id: Option<String>,
}

/// What the agent reads to the customer, and the agent's token for the share.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartedShare {
    /// The share's id.
    pub share_id: ShareId,
    /// The security key to read to the customer.
    pub key: String,
    /// Seconds the customer has to accept.
    pub expires_in_secs: u64,
    /// The agent's token for the share's WebSocket.
    pub token: String,
    /// A URL that ends the share when posted to, for the app tab's `sendBeacon` on close.
    pub end_beacon_url: String,
    /// For the agent's `RTCPeerConnection`; empty on loopback.
    pub ice_servers: Vec<IceServer>,
}

async fn start_screenshare(
    State(state): State<AppState>,
    SignedIn(claims): SignedIn,
    ApiJson(body): ApiJson<StartShare>,
) -> Result<ApiJson<StartedShare>> {
    let agent = claims
        .agent()
        .ok_or_else(|| Error::Unauthorized("sign in as an agent first".into()))?;
    let name = claims
        .name
        .clone()
        .unwrap_or_else(|| "Your agent".to_owned());
    let conversation = body.conversation_id.filter(|c| !c.trim().is_empty());
    let tenant = claims.tenant();
    let ice_servers = state.ice_servers_for(&tenant);
    let started = state
        .service
        .shares
        .create(
            tenant,
            &agent,
            &name,
            conversation,
            state.service.clock.now(),
        )
        .await
        .map_err(share_error)?;
    tracing::info!(share.id = %started.id, agent.id = %agent, "agent requested a screen share");
    let token = state
        .tokens
        .share(started.id, TokenRole::ShareAgent, &agent.0, Some(&name));
    let expires_in_secs = state.settings.screenshare_accept_secs;
    let end_beacon_url = format!(
        "{}/api/screenshare/{}/end?token={token}",
        state.settings.public_origin, started.id
    );
    Ok(ApiJson(StartedShare {
        share_id: started.id,
        key: started.key,
        expires_in_secs,
        token,
        end_beacon_url,
        ice_servers,
    }))
}

/// Body of the customer's key lookup.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyLookup {
    /// The key as the customer typed it.
    pub key: String,
}

/// Who asks, and the customer's token for the share.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FoundShare {
    /// The share's id.
    pub share_id: ShareId,
    /// The agent who asks to see the screen.
    pub agent_name: String,
    /// The customer's token for the share's WebSocket.
    pub token: String,
    /// For the customer's `RTCPeerConnection`; empty on loopback.
    pub ice_servers: Vec<IceServer>,
}

async fn look_up_key(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<KeyLookup>,
) -> Result<ApiJson<FoundShare>> {
    let address = limits::address(peer);
    let checks = [(&state.limits.key_lookups, address.as_str())];
    limits::attempt(&checks, "too many tries; check the key with your agent").await?;
    let share = state
        .service
        .shares
        .use_key(&body.key, state.service.clock.now())
        .await
        .map_err(share_error)?;
    let token = state
        .tokens
        .share(share.id(), TokenRole::ShareCustomer, "customer", None);
    Ok(ApiJson(FoundShare {
        share_id: share.id(),
        agent_name: share.agent_name().to_owned(),
        token,
        ice_servers: state.ice_servers_for(crate::engine::Machine::tenant(&share)),
    }))
}

/// `?token=` for `navigator.sendBeacon`, which cannot set headers.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// Ends the share for the side whose token it is (the app tab's beacon, or a Stop that must not wait).
async fn end_share(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<TokenQuery>,
) -> Result<StatusCode> {
    let id: ShareId = id
        .parse()
        .map_err(|e: crate::engine::ids::BadShareId| Error::BadRequest(e.to_string()))?;
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let token = bearer.or(query.token.as_deref()).ok_or_else(|| {
        Error::Unauthorized(
            "ending a screen share needs its token, as a Bearer token or ?token=".into(),
        )
    })?;
    let claims = state
        .tokens
        .verify(token)
        .ok()
        .filter(|claims| claims.share == Some(id))
        .ok_or_else(|| Error::Unauthorized("that token is not for this screen share".into()))?;
    let (reason, by) = match claims.role {
        TokenRole::ShareAgent => {
            let name = claims.name.as_deref().unwrap_or("an agent");
            let agent = crate::engine::AgentId(claims.sub.clone());
            (ShareEnd::AgentStopped, Actor::agent(&agent, name))
        }
        TokenRole::ShareCustomer => (ShareEnd::CustomerStopped, Actor::customer()),
        _ => {
            return Err(Error::Unauthorized(
                "that token is not for a screen share".into(),
            ));
        }
    };
    if state
        .service
        .shares
        .end(id, reason, by, state.service.clock.now())
        .await
    {
        tracing::info!(share.id = %id, reason = ?reason, "screen share ended by request");
    }
    Ok(StatusCode::NO_CONTENT)
}

fn share_error(error: ShareError) -> Error {
    match error {
        ShareError::AgentBusy => Error::Conflict(error.to_string()),
        ShareError::UnknownKey => Error::NotFound(error.to_string()),
        ShareError::KeyInUse | ShareError::SharerConnected => Error::Conflict(error.to_string()),
        ShareError::Ended => Error::Gone(error.to_string()),
        ShareError::WrongState => Error::Conflict(error.to_string()),
        ShareError::Unrecorded(refused) => refused.into(),
    }
}
