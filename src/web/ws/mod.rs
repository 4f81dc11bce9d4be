//! The WebSocket endpoint `/api/ws`: the first frame says who the socket is, then a co-browse
//! or a screen-share connection serves it. What both share is in `wire`, `hello` and `gate`. In a
//! cluster, a socket for a session another node holds is carried to that node (`bridge`), which
//! serves it as any other (`hosted`, `socket`).

mod bridge;
mod budget;
mod cobrowse;
mod gate;
mod hello;
mod hosted;
mod notices;
mod roles;
mod share;
mod socket;
mod wire;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use axum::routing::get;

use crate::bus::{BusError, Purpose};
use crate::engine::{AttachError, Attachment, Clock, ConnId, Machine, Registry, Role};
use crate::service::Whereabouts;
use crate::web::protocol::close;
use crate::web::state::AppState;
use hello::{Hello, hang_up, read_hello};
pub use hosted::answer_calls;
use socket::Socket;

/// Read buffer per socket. tungstenite's default, 128 KiB, is zero-filled on every read attempt
/// and stays resident for the life of the socket (two per session): `benches/relay` measured
/// 281 KiB RSS per idle session and a third of the relay's CPU in `memset` with it. Bigger
/// messages still arrive whole; they take a few more reads.
pub const READ_BUFFER_BYTES: usize = 4 * 1024;

/// The WebSocket route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/ws", get(upgrade))
}

async fn upgrade(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ws: WebSocketUpgrade,
) -> Response {
    let limit = state.settings.max_message_bytes;
    ws.max_message_size(limit)
        .max_frame_size(limit)
        .read_buffer_size(READ_BUFFER_BYTES)
        .on_upgrade(move |socket| run(Socket::Local(socket), state, Some(peer)))
}

/// How many times a socket looks for the node that holds its session (a node found gone is
/// taken over, then it looks again).
const LOOKS: usize = 2;

/// Serves a socket: `peer` is the browser's address when the browser is connected here, `None`
/// when another node carries it over the bus.
async fn run(mut socket: Socket, state: AppState, peer: Option<SocketAddr>) {
    let (hello, text) = match read_hello(&mut socket, &state).await {
        Ok(read) => read,
        Err(reason) => return hang_up(socket, close::UNAUTHORIZED, reason).await,
    };
    let target = hello.target();
    for _ in 0..LOOKS {
        let node = match state.service.locate(target).await {
            Whereabouts::Here => return serve(socket, state, hello).await,
            Whereabouts::There(node) => node,
        };
        let (Some(peer), Some(cluster), Socket::Local(_)) = (peer, &state.service.cluster, &socket)
        else {
            // A node that carried it here thought it held here: the browser tries again.
            return hang_up(socket, close::MOVED, "the session moved; reconnecting").await;
        };
        let bus = cluster.bus.clone();
        let (id, address) = (target.id(), peer.to_string());
        match bus.call(&node, &id, Purpose::Socket, &address).await {
            Ok(link) => {
                let Socket::Local(browser) = socket else {
                    return;
                };
                return bridge::carry(browser, text, link, &bus).await;
            }
            Err(BusError::Gone(_)) => {
                state.service.take_over_from(target, node).await;
            }
            Err(error) => {
                tracing::warn!(error = %error, "could not reach the node holding a session");
                return hang_up(
                    socket,
                    close::MOVED,
                    "the session's node is busy; reconnecting",
                )
                .await;
            }
        }
    }
    hang_up(socket, close::MOVED, "the session is moving; reconnecting").await
}

/// Serves a socket whose session this node holds.
async fn serve(socket: Socket, state: AppState, hello: Hello) {
    match hello {
        Hello::Cobrowse(session, claims) => cobrowse::serve(socket, state, claims, session).await,
        Hello::Share(share, claims) => share::serve(socket, state, claims, share).await,
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
