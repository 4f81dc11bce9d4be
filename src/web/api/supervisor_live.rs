//! What a supervisor's page calls for a live session (#15): watch it read-only
//! (`POST /api/supervisor/sessions/{id}/watch`: a token for its socket, recorded as
//! `session.watched`, or, when the tenant's policy wants the customer's consent, a request the
//! customer answers first) and step in as an agent
//! (`POST /api/supervisor/sessions/{id}/step-in`: always asks the customer; the answer is an
//! agent's join, for the console). Only a sign-in holding `Duet.Supervisor` of the session's
//! tenant gets either; one supervisor watches at most four sessions at once.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::post;
use serde::Serialize;

use super::agent::{JoinResponse, join_error, joined_as};
use super::supervisor::mine;
use crate::engine::{AgentId, Watch};
use crate::web::auth::Supervisor;
use crate::web::error::{ApiJson, Error, Result};
use crate::web::state::AppState;

/// Routes for live sessions.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/supervisor/sessions/{id}/watch", post(watch))
        .route("/api/supervisor/sessions/{id}/step-in", post(step_in))
}

/// What watching a live session takes: a token for its socket, which sends nothing.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Watching {
    /// The session's id.
    pub session_id: String,
    /// The token for `/api/ws` (read-only).
    pub token: String,
    /// False while the customer is asked (the tenant's policy): the socket hears only that it
    /// waits until they allow it.
    pub admitted: bool,
}

async fn watch(
    State(state): State<AppState>,
    supervisor: Supervisor,
    Path(id): Path<String>,
) -> Result<ApiJson<Watching>> {
    let id = mine(&state, &supervisor.tenant, &id).await?;
    let (person, name) = person(&supervisor)?;
    let needs_consent = state.policy_for(&supervisor.tenant).watch_needs_consent;
    let watch = state
        .service
        .sessions
        .watch(
            id,
            &supervisor.tenant,
            (&person, &name),
            needs_consent,
            state.service.clock.now(),
        )
        .await
        .map_err(join_error)?;
    let token = state.tokens.session_supervisor(id, &person, &name);
    Ok(ApiJson(Watching {
        session_id: id.to_string(),
        token,
        admitted: watch == Watch::Watching,
    }))
}

async fn step_in(
    State(state): State<AppState>,
    supervisor: Supervisor,
    Path(id): Path<String>,
) -> Result<ApiJson<JoinResponse>> {
    let id = mine(&state, &supervisor.tenant, &id).await?;
    let (person, name) = person(&supervisor)?;
    let session = state
        .service
        .sessions
        .step_in(
            id,
            &supervisor.tenant,
            (&person, &name),
            state.service.clock.now(),
        )
        .await
        .map_err(join_error)?;
    tracing::info!(session.id = %id, agent.id = %person, "supervisor asked the customer to step in");
    Ok(ApiJson(joined_as(&state, &session, &person, Some(&name))))
}

/// The supervisor's own id and name (the administrator key has none).
fn person(supervisor: &Supervisor) -> Result<(AgentId, String)> {
    let id = supervisor
        .actor
        .id
        .clone()
        .map(AgentId)
        .ok_or_else(|| Error::Forbidden("this needs a supervisor's own sign-in".into()))?;
    Ok((id, supervisor.actor.name.clone().unwrap_or_default()))
}
