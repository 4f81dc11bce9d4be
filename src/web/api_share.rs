//! The screen-share JSON API: the agent starts a request and gets a security key; the customer
//! looks the key up (rate-limited) and gets a token for the share.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::routing::post;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use super::auth::SignedIn;
use super::error::{ApiJson, Error, Result};
use super::state::AppState;
use super::tokens::TokenRole;
use crate::engine::{RetryAfter, SessionId, ShareError};

/// Routes of the screen-share API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/agent/screenshare", post(start_screenshare))
        .route("/api/screenshare/lookup", post(look_up_key))
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
    pub share_id: SessionId,
    /// The security key to read to the customer.
    pub key: String,
    /// Seconds the customer has to accept.
    pub expires_in_secs: u64,
    /// The agent's token for the share's WebSocket.
    pub token: String,
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
    let started = state
        .shares
        .create(&agent, &name, conversation, Instant::now())
        .map_err(share_error)?;
    tracing::info!(share.id = %started.id, agent.id = %agent, "agent requested a screen share");
    let token = state
        .tokens
        .share(started.id, TokenRole::ShareAgent, &agent.0, Some(&name));
    let expires_in_secs = state.settings.screenshare_accept_secs;
    Ok(ApiJson(StartedShare {
        share_id: started.id,
        key: started.key,
        expires_in_secs,
        token,
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
    pub share_id: SessionId,
    /// The agent who asks to see the screen.
    pub agent_name: String,
    /// The customer's token for the share's WebSocket.
    pub token: String,
}

async fn look_up_key(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<KeyLookup>,
) -> Result<ApiJson<FoundShare>> {
    state
        .join_limits
        .per_address
        .attempt(&format!("key:{}", peer.ip()), Instant::now())
        .map_err(|RetryAfter(wait)| {
            Error::TooManyRequests(format!(
                "too many tries; wait {} seconds, then check the key with your agent",
                wait.as_secs().max(1)
            ))
        })?;
    let share = state.shares.find_by_key(&body.key).map_err(share_error)?;
    let token = state
        .tokens
        .share(share.id, TokenRole::ShareCustomer, "customer", None);
    Ok(ApiJson(FoundShare {
        share_id: share.id,
        agent_name: share.agent_name,
        token,
    }))
}

fn share_error(error: ShareError) -> Error {
    match error {
        ShareError::AgentBusy => Error::Conflict(error.to_string()),
        ShareError::UnknownKey => Error::NotFound(error.to_string()),
        ShareError::Ended => Error::Gone(error.to_string()),
        ShareError::WrongState => Error::Conflict(error.to_string()),
    }
}
