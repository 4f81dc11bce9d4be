//! The WebSocket endpoint `/api/ws`: the first frame says who the socket is, then a co-browse
//! or a screen-share connection serves it. What both share is in `wire`, `hello` and `gate`.

mod budget;
mod cobrowse;
mod gate;
mod hello;
mod notices;
mod roles;
mod share;
mod wire;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;

use crate::engine::{AttachError, Attachment, Clock, ConnId, Machine, Registry, Role};
use crate::web::protocol::close;
use crate::web::state::AppState;
use hello::{Hello, hang_up, read_hello};

/// Read buffer per socket. tungstenite's default, 128 KiB, is zero-filled on every read attempt
/// and stays resident for the life of the socket (two per session): `benches/relay` measured
/// 281 KiB RSS per idle session and a third of the relay's CPU in `memset` with it. Bigger
/// messages still arrive whole; they take a few more reads.
pub const READ_BUFFER_BYTES: usize = 4 * 1024;

/// The WebSocket route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/ws", get(upgrade))
}

async fn upgrade(State(state): State<AppState>, ws: WebSocketUpgrade) -> Response {
    let limit = state.settings.max_message_bytes;
    ws.max_message_size(limit)
        .max_frame_size(limit)
        .read_buffer_size(READ_BUFFER_BYTES)
        .on_upgrade(move |socket| run(socket, state))
}

async fn run(mut socket: WebSocket, state: AppState) {
    match read_hello(&mut socket, &state).await {
        Ok(Hello::Cobrowse(session, claims)) => {
            cobrowse::serve(socket, state, claims, session).await
        }
        Ok(Hello::Share(share, claims)) => share::serve(socket, state, claims, share).await,
        Err(reason) => hang_up(socket, close::UNAUTHORIZED, reason).await,
    }
}

/// Attaches `role` to `id`, with a guard that detaches it however the connection's task ends.
async fn attach<M: Machine>(
    registry: &Arc<Registry<M>>,
    clock: Clock,
    id: M::Id,
    role: &Role,
) -> Result<(Attachment<M>, DetachGuard<M>), AttachError> {
    let attachment = registry.attach(id, role.clone(), clock.now()).await?;
    let guard = DetachGuard {
        registry: registry.clone(),
        clock,
        id,
        conn: attachment.inbox.conn,
        role: role.clone(),
    };
    Ok((attachment, guard))
}

/// The close code for a connection its session or share would not take.
fn refusal_code(error: &AttachError) -> u16 {
    match error {
        AttachError::Occupied(_) => close::OCCUPIED,
        AttachError::NotAllowed(_) => close::NOT_ALLOWED,
        _ => close::SESSION_ENDED,
    }
}

/// Detaches a connection from its session or share however its task ends: the party has left
/// when this was its last connection.
struct DetachGuard<M: Machine> {
    registry: Arc<Registry<M>>,
    clock: Clock,
    id: M::Id,
    conn: ConnId,
    role: Role,
}

impl<M: Machine> Drop for DetachGuard<M> {
    fn drop(&mut self) {
        let registry = self.registry.clone();
        let (id, conn, role) = (self.id, self.conn, self.role.clone());
        let now = self.clock.now();
        // Leaving may be recorded, which is async; a task of its own runs it, whatever ended
        // this one. When the runtime itself is going away, so is everything a detach would tell.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { registry.detach(id, conn, &role, now).await });
        }
    }
}
