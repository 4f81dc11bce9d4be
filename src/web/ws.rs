//! The WebSocket endpoint: one task per connection owns the socket and `select!`s over the
//! socket, the session's queue and the pointer slot. Each message goes to a small function.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use tokio::time::Instant;

use super::protocol::{ClientMsg, ServerMsg, close};
use super::state::AppState;
use super::tokens::{Claims, TokenRole};
use crate::engine::{
    EndReason, Frame, Notice, Outbound, Registry, Role, SessionCell, SessionId,
    State as SessionState,
};

/// How long a new socket has to send its `hello`.
pub const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

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
    socket: WebSocket,
    state: AppState,
    session: SessionId,
    role: Role,
    conn: u64,
    cell: Arc<SessionCell>,
}

async fn run(mut socket: WebSocket, state: AppState) {
    let claims = match read_hello(&mut socket, &state).await {
        Ok(claims) => claims,
        Err(reason) => return hang_up(socket, close::UNAUTHORIZED, reason).await,
    };
    let Some(session) = claims.sid else { return };
    let role = match claims.agent() {
        Some(agent) => Role::Agent(agent),
        None => Role::Customer,
    };
    let attachment = match state.registry.attach(session, role.clone(), Instant::now()) {
        Ok(attachment) => attachment,
        Err(error) => return hang_up(socket, close::SESSION_ENDED, &error.to_string()).await,
    };
    let mut connection = Connection {
        socket,
        session,
        role,
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

async fn read_hello(socket: &mut WebSocket, state: &AppState) -> Result<Claims, &'static str> {
    let first = tokio::time::timeout(HELLO_TIMEOUT, socket.recv()).await;
    let Ok(Some(Ok(Message::Text(text)))) = first else {
        return Err("send {\"type\":\"hello\",\"token\":…} first");
    };
    let Ok(ClientMsg::Hello { token }) = ClientMsg::parse(&text) else {
        return Err("the first frame must be hello with the session token");
    };
    let claims = state
        .tokens
        .verify(&token)
        .map_err(|_| "the token is invalid or expired; start or join again")?;
    if !matches!(claims.role, TokenRole::Customer | TokenRole::SessionAgent) || claims.sid.is_none()
    {
        return Err("this token is not a session token; join the session first");
    }
    Ok(claims)
}

async fn hang_up(mut socket: WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: reason.chars().take(120).collect::<String>().into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

/// What the loop should do after handling one event.
enum Next {
    Continue,
    Close(u16, &'static str),
}

impl Connection {
    fn role_name(&self) -> &'static str {
        match self.role {
            Role::Customer => "customer",
            Role::Agent(_) => "agent",
        }
    }

    async fn serve(&mut self, mut inbox: crate::engine::Inbox) {
        let welcome = ServerMsg::Welcome {
            session_id: self.session,
            role: self.role_name(),
            policy: &self.state.settings.policy,
        };
        if self.send(welcome.encode()).await.is_err() {
            return;
        }
        loop {
            let next = tokio::select! {
                incoming = self.socket.recv() => self.on_socket(incoming).await,
                queued = inbox.queue.recv() => self.on_queue(queued).await,
                Ok(()) = inbox.pointer.changed() => {
                    let latest = inbox.pointer.borrow_and_update().clone();
                    self.on_pointer(latest).await
                }
            };
            if let Next::Close(code, reason) = next {
                let frame = CloseFrame {
                    code,
                    reason: reason.into(),
                };
                let _ = self.socket.send(Message::Close(Some(frame))).await;
                return;
            }
        }
    }

    async fn send(&mut self, text: String) -> Result<(), axum::Error> {
        self.socket.send(Message::Text(text.into())).await
    }

    async fn send_or_close(&mut self, text: String) -> Next {
        match self.send(text).await {
            Ok(()) => Next::Continue,
            Err(_) => Next::Close(close::PROTOCOL, "send failed"),
        }
    }

    async fn on_socket(&mut self, incoming: Option<Result<Message, axum::Error>>) -> Next {
        match incoming {
            Some(Ok(Message::Text(text))) => self.on_client_text(&text).await,
            Some(Ok(Message::Binary(_))) => {
                Next::Close(close::PROTOCOL, "Duet speaks JSON text frames")
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => Next::Continue,
            Some(Ok(Message::Close(_))) | None => Next::Close(1000, "bye"),
            Some(Err(_)) => {
                Next::Close(close::PROTOCOL, "the frame could not be read (too large?)")
            }
        }
    }

    async fn on_client_text(&mut self, text: &str) -> Next {
        let message = match ClientMsg::parse(text) {
            Ok(message) => message,
            Err(error) => return self.refuse(&error.to_string()).await,
        };
        match message {
            ClientMsg::Dom { full, events } => self.relay_dom(full, events).await,
            ClientMsg::Pointer { x, y } => self.relay_pointer(x, y).await,
            ClientMsg::End => self.end_session(),
            ClientMsg::Ping => self.send_or_close(ServerMsg::Pong.encode()).await,
            ClientMsg::Hello { .. } => self.refuse("already said hello on this connection").await,
        }
    }

    async fn refuse(&mut self, message: &str) -> Next {
        self.send_or_close(ServerMsg::Error { message }.encode())
            .await
    }

    async fn relay_dom(&mut self, full: bool, events: &serde_json::value::RawValue) -> Next {
        if self.role != Role::Customer {
            return self
                .refuse("only the customer's page sends page changes")
                .await;
        }
        let frame: Frame = Arc::from(ServerMsg::Dom { full, events }.encode());
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
                .refuse("pointer positions are numbers of CSS pixels")
                .await;
        }
        let frame: Frame = Arc::from(
            ServerMsg::Pointer {
                from: self.role_name(),
                x,
                y,
            }
            .encode(),
        );
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

    async fn on_queue(&mut self, queued: Option<Outbound>) -> Next {
        match queued {
            Some(Outbound::Frame(frame)) => self.send_or_close(frame.to_string()).await,
            Some(Outbound::Notice(notice)) => self.on_notice(notice).await,
            None if self.cell.session().is_live() => {
                Next::Close(close::TOO_SLOW, "fell behind; reconnect")
            }
            None => Next::Close(close::SESSION_ENDED, "the session has ended"),
        }
    }

    async fn on_notice(&mut self, notice: Notice) -> Next {
        match notice {
            Notice::SnapshotNeeded => self.send_or_close(ServerMsg::SnapshotNeeded.encode()).await,
            Notice::State {
                state,
                reason,
                control,
                agents_connected,
            } => {
                let message = describe(state, reason, agents_connected);
                let text = ServerMsg::State {
                    state,
                    reason,
                    message,
                    control,
                    agents: agents_connected,
                }
                .encode();
                match self.send_or_close(text).await {
                    Next::Continue if state == SessionState::Ended => {
                        Next::Close(close::SESSION_ENDED, "the session has ended")
                    }
                    next => next,
                }
            }
        }
    }

    async fn on_pointer(&mut self, latest: Option<Frame>) -> Next {
        match latest {
            Some(frame) => self.send_or_close(frame.to_string()).await,
            None => Next::Continue,
        }
    }
}

fn describe(state: SessionState, reason: Option<EndReason>, agents: usize) -> &'static str {
    match (state, reason) {
        (SessionState::Ended, Some(reason)) => reason.describe(),
        (SessionState::Ended, None) => "The session has ended.",
        (SessionState::Idle, _) => {
            "Waiting for the agent to join. Read the session id to your agent."
        }
        (SessionState::Active, _) if agents == 0 => {
            "The agent stepped away; they can come back shortly."
        }
        (SessionState::Active, _) => "The agent is viewing this page with you.",
    }
}
