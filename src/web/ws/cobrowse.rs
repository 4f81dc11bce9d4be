//! A co-browse connection: one task owns the socket and `select!`s over the socket, the
//! session's queue and the pointer slot. Each message goes to a small function.

use std::sync::Arc;

use super::attach;
use super::budget::{OVER_ANNOTATION_BUDGET, OVER_BUDGET, SignalBudget};
use super::hello::hang_up;
use super::notices;
use super::roles;
use super::socket::Socket;
use super::wire::{Incoming, Next, Wire, sort};
use crate::assets::mirror_prefix;
use crate::engine::{
    Cell, ConnId, Consent, EndReason, Frame, Notice, Outbound, Role, Session, SessionId, Sharer,
    State as SessionState, Timestamp, agent_handle,
};
use crate::web::binary::{BinaryFrame, PointerFrom, binary_frame, pointer_frame};
use crate::web::protocol::{ClientMsg, ServerMsg, close};
use crate::web::state::AppState;
use crate::web::tokens::Claims;

/// One participant's connection, attached to a session.
struct Connection {
    wire: Wire,
    state: AppState,
    session: SessionId,
    role: Role,
    /// The agent's name as their sign-in gave it.
    agent_name: String,
    conn: ConnId,
    cell: Arc<Cell<Session>>,
    signals: SignalBudget,
    annotations: SignalBudget,
}

/// Serves a socket that said hello with a co-browse session token.
pub(super) async fn serve(socket: Socket, state: AppState, claims: Claims, session: SessionId) {
    let role = match (claims.supervisor(), claims.agent()) {
        (Some(supervisor), _) => Role::Supervisor(supervisor),
        (None, Some(agent)) => Role::Agent(agent),
        (None, None) => Role::Customer,
    };
    let (attachment, _guard) =
        match attach(&state.service.sessions, state.service.clock, session, &role).await {
            Ok(attached) => attached,
            Err(error) => {
                return hang_up(socket, super::refusal_code(&error), &error.to_string()).await;
            }
        };
    let conn = attachment.inbox.conn;
    let mut connection = Connection {
        wire: Wire::new(socket, crate::metrics::Side::of(&role)),
        session,
        role,
        agent_name: claims.name.unwrap_or_else(|| "Your agent".to_owned()),
        conn,
        cell: attachment.cell,
        state,
        signals: SignalBudget::new(tokio::time::Instant::now()),
        annotations: SignalBudget::for_annotations(tokio::time::Instant::now()),
    };
    connection.serve(attachment.inbox).await;
}

impl Connection {
    fn role_name(&self) -> &'static str {
        self.role.kind()
    }

    fn now(&self) -> Timestamp {
        self.state.service.clock.now()
    }

    /// Who this connection's pointer frames say moved.
    fn pointer_from(&self) -> PointerFrom {
        match self.role {
            Role::Customer => PointerFrom::Customer,
            Role::Agent(_) | Role::Supervisor(_) => PointerFrom::Agent,
        }
    }

    async fn serve(&mut self, mut inbox: crate::engine::Inbox) {
        let (id, role) = (self.session.to_string(), self.role_name());
        let tenant = self.cell.state().await.tenant().clone();
        let policy = self.state.policy_for(&tenant);
        let ice_servers = self.state.ice_servers_for(&tenant);
        let settings = &self.state.settings;
        let rules = (&policy, ice_servers.as_slice());
        // Those who see the page load its assets through Duet (`crate::assets`).
        let key = self.state.service.token_key_bytes();
        let assets = (!matches!(self.role, Role::Customer))
            .then(|| mirror_prefix(key, &tenant, self.session));
        let welcome = self
            .wire
            .welcome(settings, rules, &id, role, assets.as_deref());
        if let Next::Close(..) = welcome.await {
            return;
        }
        let stopping = self.state.stopping.clone().cancelled_owned();
        tokio::pin!(stopping);
        loop {
            let next = tokio::select! {
                () = &mut stopping => Next::Close(close::MOVED, "Duet is stopping here; reconnecting"),
                incoming = self.wire.recv() => match sort(incoming) {
                    Ok(Incoming::Text(text)) => self.on_client_text(&text).await,
                    Ok(Incoming::Binary(bytes)) => self.on_client_binary(bytes).await,
                    Err(next) => next,
                },
                // While another frame waits (queue or pointer slot), a frame is only buffered.
                queued = inbox.queue.recv() => {
                    let pointer_waiting = inbox.pointer.has_changed().unwrap_or(false);
                    let more_waiting = !inbox.queue.is_empty() || pointer_waiting;
                    let next = self.on_queue(queued, more_waiting).await;
                    crate::metrics::written(inbox.queue.pushed_at());
                    next
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
        let now = self.now();
        let sessions = self.state.service.sessions.clone();
        match message {
            ClientMsg::Dom { full, events } => {
                self.relay_dom(Frame::from(ServerMsg::Dom { full, events }.encode()), full)
            }
            ClientMsg::Pointer { x, y } => self.relay_pointer(x, y).await,
            ClientMsg::End => self.end_session().await,
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
            ClientMsg::Signal { data } => self.relay_signal(data).await,
            ClientMsg::ShareStart => {
                let started = sessions.start_share(&self.cell, self.sharer(), now).await;
                self.report(started).await
            }
            ClientMsg::ShareStop => {
                sessions.stop_share(&self.cell, &self.sharer(), now).await;
                Next::Continue
            }
            ClientMsg::ShareRequest => {
                let Role::Agent(agent) = &self.role else {
                    return Next::Continue;
                };
                let asked = sessions
                    .request_customer_share(&self.cell, agent, now)
                    .await;
                self.report(asked).await
            }
            ClientMsg::ControlRequest => {
                let Role::Agent(agent) = &self.role else {
                    return Next::Continue;
                };
                let asked = sessions.request_control(&self.cell, agent, now).await;
                self.report(asked).await
            }
            ClientMsg::ControlAnswer { approved } => {
                let answered = sessions.answer_control(&self.cell, approved, now).await;
                self.report(answered).await
            }
            ClientMsg::ControlRevoke => {
                sessions.revoke_control(&self.cell, &self.role, now).await;
                Next::Continue
            }
            ClientMsg::JoinAnswer { agent, approved } => {
                let answered = sessions
                    .answer_join(&self.cell, &agent, approved, now)
                    .await;
                self.report(answered).await
            }
            ClientMsg::Annotate { annotation } => self.relay_annotation(&annotation).await,
            ClientMsg::Front => {
                let conn = self.conn;
                self.relayed(self.cell.relay(now, |room| room.bring_to_front(conn)))
            }
            ClientMsg::Action { action } => {
                let Role::Agent(agent) = &self.role else {
                    return Next::Continue;
                };
                let from = agent_handle(self.session, agent);
                let frame = Frame::from(
                    ServerMsg::Action {
                        from: &from,
                        action: &action,
                    }
                    .encode(),
                );
                let forwarded = sessions
                    .forward_action(&self.cell, &self.role, &frame, now)
                    .await;
                self.report(forwarded).await
            }
        }
    }

    fn sharer(&self) -> Sharer {
        match &self.role {
            Role::Customer => Sharer::Customer,
            Role::Agent(id) | Role::Supervisor(id) => Sharer::Agent {
                id: id.clone(),
                name: self.agent_name.clone(),
            },
        }
    }

    async fn relay_signal(&mut self, data: &serde_json::value::RawValue) -> Next {
        if !self.signals.spend(tokio::time::Instant::now()) {
            return self.wire.refuse(OVER_BUDGET).await;
        }
        let frame = Frame::from(ServerMsg::Signal { data }.encode());
        let conn = self.conn;
        if self
            .cell
            .relay(self.now(), |room| room.send_to_others(conn, &frame))
            .is_some()
        {
            Next::Continue
        } else {
            Next::Close(close::SESSION_ENDED, "the session has ended")
        }
    }

    /// An agent's annotation goes to the customer, held to the annotation budget.
    async fn relay_annotation(&mut self, annotation: &crate::web::protocol::Annotation) -> Next {
        let Role::Agent(agent) = &self.role else {
            return Next::Continue;
        };
        if !self.annotations.spend(tokio::time::Instant::now()) {
            return self.wire.refuse(OVER_ANNOTATION_BUDGET).await;
        }
        let from = agent_handle(self.session, agent);
        let frame = Frame::from(
            ServerMsg::Annotate {
                from: &from,
                annotation,
            }
            .encode(),
        );
        let sessions = self.state.service.sessions.clone();
        let forwarded = sessions
            .forward_annotation(&self.cell, &self.role, &frame, self.now())
            .await;
        self.report(forwarded).await
    }

    async fn report(&mut self, outcome: Result<(), crate::engine::ControlError>) -> Next {
        match outcome {
            Ok(()) => Next::Continue,
            Err(refusal) => self.wire.refuse(&refusal.to_string()).await,
        }
    }

    /// A binary frame ([`binary_frame`]): page changes (the customer's only, relayed byte for
    /// byte), or a pointer (an agent's may be a laser), relayed with its sender written in.
    async fn on_client_binary(&mut self, bytes: axum::body::Bytes) -> Next {
        let frame = match binary_frame(&bytes) {
            Ok(frame) => frame,
            Err(error) => return self.wire.refuse(&error.to_string()).await,
        };
        if let Err(refusal) = roles::permitted_binary(&self.role, &frame) {
            return self.wire.refuse(refusal).await;
        }
        match frame {
            BinaryFrame::Dom { full } => self.relay_dom(Frame::Binary(bytes), full),
            BinaryFrame::Pointer { x, y, laser } => self.point(Frame::Binary(pointer_frame(
                self.pointer_from(),
                x,
                y,
                laser,
            ))),
        }
    }

    /// Relays page changes, text or binary, from the customer's tab (others were refused
    /// before); a tab that is not in front is not relayed.
    fn relay_dom(&mut self, frame: Frame, full: bool) -> Next {
        let (conn, now) = (self.conn, self.now());
        let relayed = self
            .cell
            .relay(self.now(), |room| room.relay_page(conn, &frame, full, now));
        self.relayed(relayed)
    }

    /// Goes on while the session is live; a relay into an ended session closes the socket.
    fn relayed<T>(&self, relayed: Option<T>) -> Next {
        match relayed {
            Some(_) => Next::Continue,
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
        let now = self.now();
        match self.cell.relay(now, |room| room.point(conn, &frame, now)) {
            Some(()) => Next::Continue,
            None => Next::Close(close::SESSION_ENDED, "the session has ended"),
        }
    }

    async fn end_session(&mut self) -> Next {
        let reason = match self.role {
            Role::Customer => EndReason::CustomerExit,
            Role::Agent(_) | Role::Supervisor(_) => EndReason::AgentExit,
        };
        let now = self.now();
        let sessions = &self.state.service.sessions;
        if sessions.end_by(self.session, &self.role, reason, now).await {
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
            None if self.cell.is_live() => Next::Close(close::TOO_SLOW, "fell behind; reconnect"),
            None => Next::Close(close::SESSION_ENDED, "the session has ended"),
        }
    }

    async fn on_notice(&mut self, notice: Notice) -> Next {
        let ends = match notice {
            Notice::State {
                state: SessionState::Ended,
                ..
            } => Some((close::SESSION_ENDED, "the session has ended")),
            Notice::Consent(Consent::Denied) => {
                Some((close::NOT_ALLOWED, "the customer did not let you join"))
            }
            _ => None,
        };
        let Some(text) = notices::encode(notice, &self.state.settings, self.role == Role::Customer)
        else {
            return Next::Continue;
        };
        match (self.wire.send(text).await, ends) {
            (Next::Continue, Some((code, reason))) => Next::Close(code, reason),
            (next, _) => next,
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
