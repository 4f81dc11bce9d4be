//! What a supervisor's page calls to review (#15): the tenant's recent co-browse sessions and how
//! each was recorded (`GET /api/supervisor/sessions`), and one recording in chunks as the player
//! plays it (`GET /api/supervisor/sessions/{id}/recording?from=`); live sessions are
//! `supervisor_live.rs`'s. Only a sign-in holding `Duet.Supervisor` of the session's tenant (or
//! an agent's, when the tenant lets agents replay) gets either; a chunk is JSON that is never cached
//! and never offered as a file, and opening a recording (the chunk from 0) is audited as
//! `recording.viewed` before anything of it is sent. The session's audit records
//! (`GET /api/supervisor/sessions/{id}/audit`) mark the player's timeline.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::engine::{Change, Event, SessionId, Subject, TapeKind, TenantId, Timestamp};
use crate::recording::{Entry, RecordingStatus, read_chunk, recording_path, status_of};
use crate::store::SubjectKind;
use crate::web::auth::Reviewer;
use crate::web::error::{ApiJson, ApiQuery, Error, Result};
use crate::web::state::AppState;

/// The most sessions one list holds, newest first.
pub const MAX_LISTED: u32 = 200;
/// About how many bytes of recording one chunk carries.
pub const CHUNK_BYTES: usize = 512 * 1024;

/// Routes of the supervisor's API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/supervisor/sessions", get(list))
        .route("/api/supervisor/sessions/{id}/recording", get(chunk))
        .route("/api/supervisor/sessions/{id}/audit", get(trail))
        .merge(super::supervisor_live::router())
}

/// One session as a supervisor's list shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionSummary {
    /// The nine-digit id.
    pub session_id: String,
    /// The Omnichannel conversation, when known.
    pub conversation: Option<String>,
    /// The agents who joined, in order.
    pub agents: Vec<String>,
    /// When the customer started it (RFC 3339, UTC).
    pub started_at: String,
    /// When it ended, once it has.
    pub ended_at: Option<String>,
    /// Why it ended, once it has.
    pub end_reason: Option<String>,
    /// Whether it is still going on.
    pub live: bool,
    /// Whether what agents saw was recorded, and how completely.
    pub recording: RecordingStatus,
}

/// The list, newest first.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionList {
    /// The sessions.
    pub sessions: Vec<SessionSummary>,
    /// Whether the caller may watch live ones (a supervisor; not an agent replaying).
    pub may_watch: bool,
}

/// `?q=`: only sessions whose id, conversation or an agent's name contains it (ASCII letters
/// in either case; the store narrows the list).
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    q: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    reviewer: Reviewer,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<ApiJson<SessionList>> {
    let since = state
        .service
        .clock
        .now()
        .minus(listed_for(&state))
        .unix_millis();
    let wanted = crate::store::SubjectQuery {
        tenant: reviewer.tenant.as_str().to_owned(),
        kind: SubjectKind::Session,
        live_or_ended_since: since,
        containing: query.q.unwrap_or_default(),
        limit: MAX_LISTED,
    };
    let rows = state
        .service
        .store
        .recent_subjects(&wanted)
        .await
        .map_err(store_down)?;
    let recordings = state.service.recordings.clone();
    // Each row's recording status is a small file read (a sidecar, or a scan of a live one).
    let sessions = tokio::task::spawn_blocking(move || {
        rows.into_iter()
            .map(|row| summary(recordings.as_deref(), row))
            .collect()
    })
    .await
    .map_err(|error| Error::Internal(error.into()))?;
    Ok(ApiJson(SessionList {
        sessions,
        may_watch: reviewer.supervises,
    }))
}

/// Sessions are listed for as long as their recordings are kept (90 days when kept forever).
fn listed_for(state: &AppState) -> std::time::Duration {
    state
        .service
        .recording_retention
        .unwrap_or(std::time::Duration::from_secs(90 * 24 * 3600))
}

fn summary(recordings: Option<&std::path::Path>, row: crate::store::SubjectRow) -> SessionSummary {
    let at = |millis: i64| Timestamp::from_unix_millis(millis).rfc3339();
    let recording = match recordings {
        Some(dir) => {
            let tenant = crate::engine::TenantId::new(row.tenant.clone());
            let path = recording_path(dir, &tenant, &row.id);
            status_of(&path, row.live).unwrap_or_else(|error| RecordingStatus::Partial {
                why: vec![error.to_string()],
            })
        }
        None => RecordingStatus::Absent,
    };
    SessionSummary {
        agents: row
            .parties
            .iter()
            .filter_map(|party| party.name.clone())
            .collect(),
        end_reason: row.doc["end_reason"].as_str().map(str::to_owned),
        started_at: at(row.created_at),
        ended_at: row.ended_at.map(at),
        live: row.live,
        conversation: row.conversation,
        session_id: row.id,
        recording,
    }
}

/// `?from=`: the byte offset the player has read up to (0, or the last chunk's `next`).
#[derive(Debug, Deserialize)]
pub struct ChunkQuery {
    #[serde(default)]
    from: u64,
}

/// One entry of a chunk.
#[derive(Debug, Serialize)]
pub struct ChunkEntry {
    /// When it was relayed (UTC milliseconds).
    pub at: i64,
    /// `page`, `page_text`, `pointer`, `message`, `gap` or `end`.
    pub kind: &'static str,
    /// Its bytes, base64.
    pub data: String,
}

/// One chunk of a recording.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChunkBody {
    /// The entries, in order.
    pub entries: Vec<ChunkEntry>,
    /// The offset to ask for next.
    pub next: u64,
    /// Nothing more is recorded yet.
    pub at_end: bool,
    /// Where the player's mirror loads the page's assets (`/page-assets/{session}/{key}`).
    pub page_assets: String,
}

async fn chunk(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ChunkQuery>,
) -> Result<Response> {
    let id = mine(&state, &reviewer.tenant, &id).await?;
    let Some(dir) = &state.service.recordings else {
        return Err(Error::NotFound(
            "this Duet keeps no recordings (DUET_DATABASE_URL=none)".into(),
        ));
    };
    let path = recording_path(dir, &reviewer.tenant, &id.to_string());
    if !path.exists() {
        return Err(Error::NotFound(format!(
            "session {id} has no recording: its organisation does not record, or no agent saw the page"
        )));
    }
    if query.from == 0 {
        viewed(&state, &reviewer, id).await?;
    }
    let read = tokio::task::spawn_blocking(move || read_chunk(&path, query.from, CHUNK_BYTES))
        .await
        .map_err(|error| Error::Internal(error.into()))?
        .map_err(|error| Error::Internal(error.into()))?;
    let body = ChunkBody {
        entries: read.entries.iter().map(chunk_entry).collect(),
        next: read.next,
        at_end: read.at_end,
        page_assets: crate::assets::mirror_prefix(
            state.service.token_key_bytes(),
            &reviewer.tenant,
            id,
        ),
    };
    let mut response = ApiJson(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// One audit record of the session, as the player's timeline shows it.
#[derive(Debug, Serialize)]
pub struct TrailRecord {
    /// When (UTC milliseconds).
    pub at: i64,
    /// What happened (`session.joined`, `control.approved`, …).
    pub action: String,
    /// Who did it: their name, else their kind (`customer`, `system`).
    pub by: String,
    /// The facts of it, as the audit trail keeps them.
    pub detail: serde_json::Value,
}

/// The session's audit records, oldest first.
#[derive(Debug, Serialize)]
pub struct Trail {
    /// The records.
    pub records: Vec<TrailRecord>,
}

async fn trail(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path(id): Path<String>,
) -> Result<ApiJson<Trail>> {
    let id = mine(&state, &reviewer.tenant, &id).await?;
    let query = crate::store::AuditQuery {
        tenant: Some(reviewer.tenant.as_str().to_owned()),
        session: Some(id.to_string()),
        limit: 1_000,
        ..Default::default()
    };
    let rows = state
        .service
        .store
        .audit(&query)
        .await
        .map_err(store_down)?;
    let records = rows
        .into_iter()
        .map(|row| TrailRecord {
            at: Timestamp::parse_rfc3339(&row.at).map_or(0, Timestamp::unix_millis),
            action: row.action,
            by: row.actor.name.unwrap_or(row.actor.role),
            detail: row.detail,
        })
        .collect();
    Ok(ApiJson(Trail { records }))
}

/// The session `id`, when it is `tenant`'s; else what to do.
pub(super) async fn mine(state: &AppState, tenant: &TenantId, id: &str) -> Result<SessionId> {
    let id: SessionId = id
        .parse()
        .map_err(|_| Error::BadRequest("a session id is nine digits".into()))?;
    let live_here = state
        .service
        .sessions
        .get(id)
        .is_some_and(|cell| cell.tenant() == tenant);
    if live_here {
        return Ok(id);
    }
    let tenants = stored_tenants(state, id).await?;
    if tenants.is_empty() {
        return Err(Error::NotFound(format!("no session {id} is remembered")));
    }
    if !tenants.iter().any(|stored| stored == tenant.as_str()) {
        return Err(Error::Forbidden(
            "this session is not your organisation's: a supervisor sees only their own tenant's sessions".into(),
        ));
    }
    Ok(id)
}

/// The tenants the store remembers a session `id` of (live or ended): one, or none, or rarely
/// one for each tenant that drew the same id.
async fn stored_tenants(state: &AppState, id: SessionId) -> Result<Vec<String>> {
    let rows = state
        .service
        .store
        .subjects_with_id(SubjectKind::Session, &id.to_string())
        .await
        .map_err(store_down)?;
    Ok(rows.into_iter().map(|row| row.tenant).collect())
}

/// Audits the view before anything of the recording is sent.
async fn viewed(state: &AppState, reviewer: &Reviewer, id: SessionId) -> Result<()> {
    let event = Event {
        at: state.service.clock.now(),
        tenant: reviewer.tenant.clone(),
        subject: Subject::Session(id),
        actor: reviewer.actor.clone(),
        change: Change::RecordingViewed,
        after: None,
    };
    state.service.sink.emit(vec![event]).await.map_err(|_| {
        Error::Unavailable(
            "Duet could not record that you viewed this recording, so it is not shown; try again"
                .into(),
        )
    })
}

fn chunk_entry(entry: &Entry) -> ChunkEntry {
    ChunkEntry {
        at: entry.at.unix_millis(),
        kind: match entry.kind {
            TapeKind::Page => "page",
            TapeKind::PageText => "page_text",
            TapeKind::Pointer => "pointer",
            TapeKind::Message => "message",
            TapeKind::Gap => "gap",
            TapeKind::End => "end",
        },
        data: base64::engine::general_purpose::STANDARD.encode(&entry.payload),
    }
}

/// The store did not answer: say so, and that trying again is the next step.
pub(super) fn store_down(error: crate::store::StoreError) -> Error {
    Error::Unavailable(format!(
        "Duet's database did not answer ({error}); try again"
    ))
}
