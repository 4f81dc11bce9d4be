//! The WebSocket endpoint: one task per connection owns the socket and `select!`s over the
//! socket, the session's queue and the pointer slot. Each message goes to a small function.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use tokio::time::Instant;

use crate::web::binary::{BinaryFrame, PointerFrom, binary_frame, pointer_frame};
use crate::web::protocol::{ClientMsg, ServerMsg, close};
use crate::web::state::AppState;
use crate::web::tokens::TokenRole;
use super::hello::{hang_up, read_hello};
use super::notices as notices;
use super::roles as roles;
use super::wire::{Incoming, Next, Wire, sort};
use crate::engine::{
    EndReason, Frame, Notice, Outbound, Registry, Role, SessionCell, SessionId, Sharer,
    State as SessionState,
};

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

/// One participant's connection, attached to a session.
struct Connection {
    wire: Wire,
    state: AppState,
    session: SessionId,
    role: Role,
    agent_name: String,
    conn: u64,
    cell: Arc<SessionCell>,
}

async fn run(mut socket: WebSocket, state: AppState) {
    let claims = match read_hello(&mut socket, &state).await {
        Ok(claims) => claims,
        Err(reason) => return hang_up(socket, close::UNAUTHORIZED, reason).await,
    };
    let Some(session) = claims.sid else { return };
    if matches!(
        claims.role,
        TokenRole::ShareCustomer | TokenRole::ShareAgent
    ) {
        return super::share::serve(socket, state, claims, session).await;
    }
    let role = match claims.agent() {
        Some(agent) => Role::Agent(agent),
        None => Role::Customer,
    };
    let attachment = match state.registry.attach(session, role.clone(), Instant::now()) {
        Ok(attachment) => attachment,
        Err(error) => return hang_up(socket, close::SESSION_ENDED, &error.to_string()).await,
    };
    let mut connection = Connection {
        wire: Wire::new(socket),
        session,
        role,
        agent_name: claims
            .name
            .clone()
            .unwrap_or_else(|| "Your agent".to_owned()),
        conn: attachment.inbox.conn,
        cell: attachment.cell,
        state: state.clone(),
    };
    let guard = DetachGuard {
        registry: state.registry.clone(),
        session,
        conn: connection.conn,
    };
    connection.serve(attachment.inbox).await;
    drop(guard);
}

/// Detaches the connection from its session however the task ends.
struct DetachGuard {
    registry: Arc<Registry>,
    session: SessionId,
    conn: u64,
}

impl Drop for DetachGuard {
    fn drop(&mut self) {
        self.registry
            .detach(self.session, self.conn, Instant::now());
    }
}

impl Connection {
    fn role_name(&self) -> &'static str {
        match self.role {
            Role::Customer => "customer",
            Role::Agent(_) => "agent",
        }
    }

    /// Who this connection's pointer frames say moved.
    fn pointer_from(&self) -> PointerFrom {
        match self.role {
            Role::Customer => PointerFrom::Customer,
            Role::Agent(_) => PointerFrom::Agent,
        }
    }

    async fn serve(&mut self, mut inbox: crate::engine::Inbox) {
        let role = self.role_name();
        if let Next::Close(..) = self
            .wire
            .welcome(&self.state.settings, self.session, role)
            .await
        {
            return;
        }
        loop {
            let next = tokio::select! {
                incoming = self.wire.recv() => match sort(incoming) {
                    Ok(Incoming::Text(text)) => self.on_client_text(&text).await,
                    Ok(Incoming::Binary(bytes)) => self.on_client_binary(bytes).await,
                    Err(next) => next,
                },
                // While another frame waits (in the queue or the pointer slot), a frame is only
                // buffered: the last one flushes them all in one write.
                queued = inbox.queue.recv() => {
                    let pointer_waiting = inbox.pointer.has_changed().unwrap_or(false);
                    let more_waiting = !inbox.queue.is_empty() || pointer_waiting;
                    self.on_queue(queued, more_waiting).await
                }
                Ok(()) = inbox.pointer.changed() => {
                    let latest = inbox.pointer.borrow_and_update().clone();
                    self.on_pointer(latest, !inbox.queue.is_empty()).await
                }
            };
            if let Next::Close(code, reason) = next {
                self.wire.close(code, reason).await;
                return;
            }
        }
    }

    async fn on_client_text(&mut self, text: &str) -> Next {
        let message = match ClientMsg::parse(text) {
            Ok(message) => message,
            Err(error) => return self.wire.refuse(&error.to_string()).await,
        };
        if let Err(refusal) = roles::permitted(&self.role, &message) {
            return self.wire.refuse(refusal).await;
        }
        let now = Instant::now();
        match message {
            ClientMsg::Dom { full, events } => {
                self.relay_dom(Frame::from(ServerMsg::Dom { full, events }.encode()), full)
            }
            ClientMsg::Pointer { x, y } => self.relay_pointer(x, y).await,
            ClientMsg::End => self.end_session(),
            ClientMsg::Ping => self.wire.send(ServerMsg::Pong.encode()).await,
            ClientMsg::Hello { .. } => {
                self.wire
                    .refuse("already said hello on this connection")
                    .await
            }
            ClientMsg::ShareAccept | ClientMsg::ShareConnected => {
                self.wire
                    .refuse("screen-share messages go on the screen share's own connection")
                    .await
            }
            ClientMsg::Signal { data } => self.relay_signal(data),
            ClientMsg::ShareStart => {
                let started = self.cell.start_share(self.sharer(), now);
                self.report(started).await
            }
            ClientMsg::ShareStop => {
                self.cell.stop_share(&self.sharer(), now);
                Next::Continue
            }
            ClientMsg::ShareRequest => {
                let Role::Agent(agent) = &self.role else {
                    return Next::Continue;
                };
                let asked = self.cell.request_customer_share(agent, &self.agent_name);
                self.report(asked).await
            }
            ClientMsg::ControlRequest => {
                let Role::Agent(agent) = &self.role else {
                    return Next::Continue;
                };
                let asked = self.cell.request_control(agent, &self.agent_name, now);
                self.report(asked).await
            }
            ClientMsg::ControlAnswer { approved } => {
                let answered = self.cell.answer_control(approved, now);
                self.report(answered).await
            }
            ClientMsg::ControlRevoke => {
                self.cell.revoke_control(now);
                Next::Continue
            }
            ClientMsg::Action { action } => {
                let frame = Frame::from(ServerMsg::Action { action: &action }.encode());
                let forwarded = self.cell.forward_action(self.conn, &frame, now);
                self.report(forwarded).await
            }
        }
    }

    fn sharer(&self) -> Sharer {
        match &self.role {
            Role::Customer => Sharer::Customer,
            Role::Agent(id) => Sharer::Agent {
                id: id.clone(),
                name: self.agent_name.clone(),
            },
        }
    }

    fn relay_signal(&mut self, data: &serde_json::value::RawValue) -> Next {
        let frame = Frame::from(ServerMsg::Signal { data }.encode());
        if self.cell.relay_signal(self.conn, &frame) {
            Next::Continue
        } else {
            Next::Close(close::SESSION_ENDED, "the session has ended")
        }
    }

    async fn report(&mut self, outcome: Result<(), crate::engine::ControlError>) -> Next {
        match outcome {
            Ok(()) => Next::Continue,
            Err(refusal) => self.wire.refuse(&refusal.to_string()).await,
        }
    }

    /// A binary frame (see [`binary_frame`]): page changes, the customer's only and relayed byte
    /// for byte, or a pointer, relayed in binary with its sender written in.
    async fn on_client_binary(&mut self, bytes: axum::body::Bytes) -> Next {
        match binary_frame(&bytes) {
            Ok(BinaryFrame::Dom { full }) if self.role == Role::Customer => {
                self.relay_dom(Frame::Binary(bytes), full)
            }
            Ok(BinaryFrame::Dom { .. }) => {
                self.wire
                    .refuse("only the customer's page sends page changes (binary frames)")
                    .await
            }
            Ok(BinaryFrame::Pointer { x, y }) => {
                self.point(Frame::Binary(pointer_frame(self.pointer_from(), x, y)))
            }
            Err(error) => self.wire.refuse(&error.to_string()).await,
        }
    }

    /// Relays page changes, text or binary, from the customer (others were refused before).
    fn relay_dom(&mut self, frame: Frame, full: bool) -> Next {
        let relayed = self.cell.with_room(Instant::now(), |room| {
            if room.relay_to_agents(&frame, full) {
                room.notify_customer(Notice::SnapshotNeeded);
            }
        });
        match relayed {
            Some(()) => Next::Continue,
            None => Next::Close(close::SESSION_ENDED, "the session has ended"),
        }
    }

    async fn relay_pointer(&mut self, x: f64, y: f64) -> Next {
        if !x.is_finite() || !y.is_finite() {
            return self
                .wire
                .refuse("pointer positions are numbers of CSS pixels")
                .await;
        }
        let frame = Frame::from(
            ServerMsg::Pointer {
                from: self.role_name(),
                x,
                y,
            }
            .encode(),
        );
        self.point(frame)
    }

    /// Puts a pointer frame in the others' latest-wins slots.
    fn point(&mut self, frame: Frame) -> Next {
        let conn = self.conn;
        match self
            .cell
            .with_room(Instant::now(), |room| room.point(conn, &frame))
        {
            Some(()) => Next::Continue,
            None => Next::Close(close::SESSION_ENDED, "the session has ended"),
        }
    }

    fn end_session(&mut self) -> Next {
        let reason = match self.role {
            Role::Customer => EndReason::CustomerExit,
            Role::Agent(_) => EndReason::AgentExit,
        };
        if self
            .state
            .registry
            .end(self.session, reason, Instant::now())
        {
            tracing::info!(session.id = %self.session, reason = ?reason, "session ended from a connection");
        }
        // The queue now holds the ended notice; the loop sends it and then closes.
        Next::Continue
    }

    /// Relays one queued item; while more wait, frames are buffered and flushed with the last one.
    async fn on_queue(&mut self, queued: Option<Outbound>, more_waiting: bool) -> Next {
        match queued {
            Some(Outbound::Frame(frame)) if more_waiting => self.wire.feed_frame(frame).await,
            Some(Outbound::Frame(frame)) => self.wire.send_frame(frame).await,
            Some(Outbound::Notice(notice)) => self.on_notice(notice).await,
            None if self.cell.session().is_live() => {
                Next::Close(close::TOO_SLOW, "fell behind; reconnect")
            }
            None => Next::Close(close::SESSION_ENDED, "the session has ended"),
        }
    }

    async fn on_notice(&mut self, notice: Notice) -> Next {
        let ends = matches!(
            notice,
            Notice::State {
                state: SessionState::Ended,
                ..
            }
        );
        let Some(text) = notices::encode(notice, &self.state.settings, self.role == Role::Customer)
        else {
            return Next::Continue;
        };
        match self.wire.send(text).await {
            Next::Continue if ends => Next::Close(close::SESSION_ENDED, "the session has ended"),
            next => next,
        }
    }

    /// Relays the latest pointer; buffered without a flush when queued frames follow.
    async fn on_pointer(&mut self, latest: Option<Frame>, more_waiting: bool) -> Next {
        match latest {
            Some(frame) if more_waiting => self.wire.feed_frame(frame).await,
            Some(frame) => self.wire.send_frame(frame).await,
            // A frame may have been buffered for this one: write it now.
            None => self.wire.flush().await,
        }
    }
}
