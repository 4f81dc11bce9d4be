//! The agent's JSON API: development sign-in, the pending session of a conversation, joining by
//! id, and ending a conversation (which ends everything linked to it).

use axum::Router;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use crate::engine::session::PairingKey;
use crate::engine::sink::record_tenant_change;
use crate::engine::{Actor, Change, JoinError, Scope, SessionId, TenantId};
use crate::web::auth::{Reader, SignedIn};
use crate::web::error::{ApiJson, ApiQuery, Error, Result};
use crate::web::limits;
use crate::web::signin::SignInError;
use crate::web::state::AppState;

/// Routes of the agent's API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/agent/signin", post(sign_in))
        .route("/api/agent/pending", get(find_pending_session))
        .route("/api/agent/sessions/{id}/join", post(join_session))
        .route("/api/conversations/{id}/end", post(end_conversation))
}

/// Body of the development sign-in.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    /// The name the agent typed.
    pub name: String,
    /// The app roles to act with (`Duet.Agent`, `Duet.Supervisor`, `Duet.Admin`): taken only
    /// while Duet listens on loopback, for the demo and tests. Absent: an agent without roles.
    #[serde(default)]
    pub roles: Option<Vec<String>>,
}

/// A signed-in agent's token.
#[derive(Debug, Serialize)]
pub struct SignInResponse {
    /// Bearer token for the agent API.
    pub token: String,
    /// The agent's name as Duet will show it.
    pub name: String,
}

async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<SignInRequest>,
) -> Result<ApiJson<SignInResponse>> {
    let address = limits::address(peer);
    let checks = [(&state.limits.sign_ins, address.as_str())];
    limits::attempt(&checks, "too many sign-ins from this address").await?;
    let agent = state
        .signin
        .sign_in(&body.name, body.roles.as_deref())
        .map_err(|e| match e {
            SignInError::Disabled
            | SignInError::ReplacedByEntra
            | SignInError::RolesOffLoopback => Error::Forbidden(e.to_string()),
            SignInError::BadName | SignInError::UnknownRole(_) => Error::BadRequest(e.to_string()),
        })?;
    let signed_in = Change::AgentSignedIn {
        method: "development",
    };
    let actor = Actor::agent(&agent.id, &agent.name);
    let now = state.service.clock.now();
    record_tenant_change(
        &*state.service.sink,
        &state.service.tenant_id,
        actor,
        signed_in,
        now,
    )
    .await?;
    tracing::info!(agent.id = %agent.id, "agent signed in (development sign-in)");
    Ok(ApiJson(SignInResponse {
        token: state.tokens.agent_with_roles(
            &agent.id,
            &agent.name,
            agent.roles,
            &TenantId::default(),
        ),
        name: agent.name,
    }))
}

/// `?conversation=` and/or `?pairing=` of the pending-session lookup.
#[derive(Debug, Deserialize)]
pub struct PendingQuery {
    conversation: Option<String>,
    pairing: Option<String>,
}

/// A session id.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRef {
    /// The nine digits.
    pub session_id: SessionId,
}

async fn find_pending_session(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    SignedIn(claims): SignedIn,
    ApiQuery(query): ApiQuery<PendingQuery>,
) -> Result<ApiJson<SessionRef>> {
    let (limits, address) = (&state.limits, limits::address(peer));
    let checks = [
        (&limits.pending_per_agent, claims.sub.as_str()),
        (&limits.pending_per_address, address.as_str()),
    ];
    limits::attempt(
        &checks,
        "too many lookups; join with the code the customer reads out",
    )
    .await?;
    let (sessions, tenant) = (&state.service.sessions, claims.tenant());
    let mut found = None;
    if let Some(secret) = query.pairing.as_deref().filter(|s| !s.is_empty()) {
        let key =
            PairingKey::from_secret(secret).map_err(|bad| Error::BadRequest(bad.to_string()))?;
        found = sessions.pending_for_pairing(&tenant, &key).await;
    }
    if let (None, Some(conversation)) = (found, query.conversation.as_deref()) {
        found = sessions
            .pending_for_conversation(&tenant, conversation)
            .await;
    }
    if query.pairing.is_none() && query.conversation.is_none() {
        return Err(Error::BadRequest(
            "say which conversation (?conversation=) or pairing key (?pairing=) to look for".into(),
        ));
    }
    found
        .map(|session_id| ApiJson(SessionRef { session_id }))
        .ok_or_else(|| {
            Error::NotFound(
                "the customer has not started co-browse in this conversation yet".into(),
            )
        })
}

/// Answer of a successful join.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinResponse {
    /// The session joined.
    pub session_id: SessionId,
    /// False when another agent holds the session: the customer is asked, and the console
    /// sees nothing of the page until they allow it.
    pub admitted: bool,
    /// The agent's handle in this session: `state.control_holder` names it when they have control.
    pub handle: String,
    /// The agent's session token, for the WebSocket.
    pub token: String,
    /// A URL that ends the session when posted to, for the app tab's `sendBeacon` on close.
    pub end_beacon_url: String,
}

async fn join_session(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    SignedIn(claims): SignedIn,
    Path(id): Path<String>,
) -> Result<ApiJson<JoinResponse>> {
    let joined = join(&state, peer, claims, &id).await;
    match &joined {
        Ok(joined) => crate::metrics::joined(joined.admitted),
        Err(refusal) => crate::metrics::join_refused(refusal.reason()),
    }
    joined.map(ApiJson)
}

async fn join(
    state: &AppState,
    peer: SocketAddr,
    claims: crate::web::tokens::Claims,
    id: &str,
) -> Result<JoinResponse> {
    limit_join_attempts(state, &claims.sub, peer).await?;
    let id: SessionId = id
        .trim()
        .parse()
        .map_err(|e: crate::engine::ids::BadSessionId| Error::BadRequest(e.to_string()))?;
    let agent = claims
        .agent()
        .ok_or_else(|| Error::Unauthorized("sign in as an agent first".into()))?;
    if !claims.may_join_sessions() {
        return Err(Error::Forbidden(
            "only agents join sessions: your administrator must assign you the Duet.Agent role in Entra ID → Enterprise applications → Duet → Users and groups, then sign in again".into(),
        ));
    }
    let name = claims.name.as_deref().unwrap_or("Your agent");
    let session = state
        .service
        .sessions
        .join(
            id,
            &claims.tenant(),
            &agent,
            name,
            state.service.clock.now(),
        )
        .await
        .map_err(join_error)?;
    let joined = joined_as(state, &session, &agent, claims.name.as_deref());
    if joined.admitted {
        tracing::info!(session.id = %id, agent.id = %agent, "agent joined");
    } else {
        tracing::info!(session.id = %id, agent.id = %agent, "agent asked the customer to join");
    }
    Ok(joined)
}

/// What `agent` gets once they joined `session` or asked to: their handle and socket token.
pub(crate) fn joined_as(
    state: &AppState,
    session: &crate::engine::Session,
    agent: &crate::engine::AgentId,
    name: Option<&str>,
) -> JoinResponse {
    let id = session.id();
    let token = state.tokens.session_agent(id, agent, name);
    let end_beacon_url = format!(
        "{}/api/sessions/{id}/end?token={token}",
        state.settings.public_origin
    );
    JoinResponse {
        session_id: id,
        admitted: session.has_agent(agent),
        handle: session.handle(agent),
        token,
        end_beacon_url,
    }
}

/// Counts the attempt against the agent and the address, whatever its outcome, so guessing ids
/// costs the same whether an id exists or not.
async fn limit_join_attempts(state: &AppState, agent: &str, peer: SocketAddr) -> Result<()> {
    let limits = &state.limits;
    let address = limits::address(peer);
    let checks = [
        (&limits.joins_per_agent, agent),
        (&limits.joins_per_address, address.as_str()),
    ];
    limits::attempt(
        &checks,
        "too many join attempts; check the nine digits with the customer",
    )
    .await
    .inspect_err(|_| tracing::warn!(agent.id = %agent, "join attempts rate-limited"))
}

/// The HTTP answer to a refused join, step-in or watch.
pub(crate) fn join_error(error: JoinError) -> Error {
    match error {
        JoinError::Ended(_) => Error::Gone(error.to_string()),
        JoinError::NotFound(_) => Error::NotFound(error.to_string()),
        JoinError::AgentBusy(_) | JoinError::WatchingEnough(_) => {
            Error::Conflict(error.to_string())
        }
        JoinError::TurnedAway(_) => Error::Forbidden(error.to_string()),
        JoinError::Unrecorded(refused) => refused.into(),
    }
}

/// The sessions a conversation's end closed.
#[derive(Debug, Serialize)]
pub struct EndedSessions {
    /// Their ids.
    pub ended: Vec<SessionId>,
    /// The screen shares it ended.
    pub screenshares: Vec<crate::engine::ShareId>,
}

/// Ends what belongs to the conversation: everything, with the administrator key; the
/// tenant's, with its chat platform's key; for an agent, only the sessions and shares that agent
/// is in, so no agent ends another agent's conversation.
async fn end_conversation(
    State(state): State<AppState>,
    reader: Reader,
    Path(conversation): Path<String>,
) -> Result<ApiJson<EndedSessions>> {
    let now = state.service.clock.now();
    let agent = match &reader {
        Reader::Agent(claims) => Some(
            claims
                .agent()
                .ok_or_else(|| Error::Unauthorized("sign in as an agent first".into()))?,
        ),
        Reader::Admin | Reader::ChatPlatform(_) => None,
    };
    let (scope, by) = match (&reader, &agent) {
        (Reader::Agent(claims), Some(agent)) => {
            let name = claims.name.as_deref().unwrap_or("an agent");
            (Scope::HeldBy(agent), Actor::agent(agent, name))
        }
        (Reader::ChatPlatform(tenant), _) => (Scope::Tenant(tenant), Actor::system()),
        _ => (Scope::Everything, Actor::admin()),
    };
    let service = &state.service;
    let ended = service
        .sessions
        .end_conversation(&conversation, scope, &by, now)
        .await;
    let screenshares = service
        .shares
        .end_conversation(&conversation, scope, &by, now)
        .await;
    tracing::info!(
        sessions = ended.len(),
        screenshares = screenshares.len(),
        "conversation ended; everything linked to it ended"
    );
    Ok(ApiJson(EndedSessions {
        ended,
        screenshares,
    }))
}
