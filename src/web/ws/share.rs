//! The screen-share side of the WebSocket: the customer accepts, both sides exchange WebRTC
//! signalling through Duet, the agent reports the first frame, and either side ends it.

use std::sync::Arc;

use super::attach;
use super::budget::{OVER_BUDGET, SignalBudget};
use super::hello::hang_up;
use super::socket::Socket;
use super::wire::{Incoming, Next, Wire, sort};
use crate::engine::Machine as _;
use crate::engine::{
    AgentId, Cell, ConnId, Frame, Inbox, Notice, Outbound, Role, Share, ShareEnd, ShareError,
    ShareId, ShareNotice, ShareState,
};
use crate::web::protocol::{ClientMsg, ServerMsg, close};
use crate::web::state::AppState;
use crate::web::tokens::{Claims, TokenRole};

/// One side of a screen share.
struct ShareConnection {
    wire: Wire,
    state: AppState,
    share: ShareId,
    role: Role,
    conn: ConnId,
    cell: Arc<Cell<Share>>,
    agent_name: String,
    signals: SignalBudget,
}

/// Serves a socket that said hello with a screen-share token.
pub(super) async fn serve(socket: Socket, state: AppState, claims: Claims, share: ShareId) {
    let role = if claims.role == TokenRole::ShareCustomer {
        Role::Customer
    } else {
        Role::Agent(AgentId(claims.sub.clone()))
    };
    let (attachment, _guard) =
        match attach(&state.service.shares, state.service.clock, share, &role).await {
            Ok(attached) => attached,
            Err(error) => {
                return hang_up(socket, super::refusal_code(&error), &error.to_string()).await;
            }
        };
    let agent_name = attachment.cell.state().await.agent_name().to_owned();
    let conn = attachment.inbox.conn;
    let mut connection = ShareConnection {
        wire: Wire::new(socket, crate::metrics::Side::of(&role)),
        state,
        share,
        role,
        conn,
        cell: attachment.cell,
        agent_name,
        signals: SignalBudget::new(tokio::time::Instant::now()),
    };
    connection.run(attachment.inbox).await;
}

impl ShareConnection {
    async fn run(&mut self, mut inbox: Inbox) {
        let welcome = (self.share.to_string(), self.role.kind());
        let tenant = self.cell.state().await.tenant().clone();
        let policy = self.state.policy_for(&tenant);
        let ice_servers = self.state.ice_servers_for(&tenant);
        let rules = (&policy, ice_servers.as_slice());
        if let Next::Close(..) = self
            .wire
            .welcome(&self.state.settings, rules, &welcome.0, welcome.1, None)
            .await
        {
            return;
        }
        let stopping = self.state.stopping.clone().cancelled_owned();
        tokio::pin!(stopping);
        loop {
            let next = tokio::select! {
                () = &mut stopping => Next::Close(close::MOVED, "Duet is stopping here; reconnecting"),
                incoming = self.wire.recv() => match sort(incoming) {
                    Ok(Incoming::Text(text)) => self.on_client_text(&text).await,
                    Ok(Incoming::Binary(_)) => {
                        Next::Close(close::PROTOCOL, "a screen share speaks JSON text frames")
                    }
                    Err(next) => next,
                },
                queued = inbox.queue.recv() => {
                    let next = self.on_queue(queued).await;
                    crate::metrics::written(inbox.queue.pushed_at());
                    next
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
        let customer = self.role == Role::Customer;
        let now = self.state.service.clock.now();
        let shares = self.state.service.shares.clone();
        match message {
            ClientMsg::ShareAccept if customer => {
                let accepted = shares.accept(&self.cell, now).await;
                self.report(accepted).await
            }
            ClientMsg::ShareConnected if !customer => {
                let live = shares.mark_live(&self.cell, now).await;
                self.report(live).await
            }
            ClientMsg::Signal { data } => self.relay_signal(data).await,
            ClientMsg::End => {
                let reason = if customer {
                    ShareEnd::CustomerStopped
                } else {
                    ShareEnd::AgentStopped
                };
                let by = self.cell.state().await.actor(&self.role);
                shares.end(self.share, reason, by, now).await;
                Next::Continue
            }
            ClientMsg::Ping => self.wire.send(ServerMsg::Pong.encode()).await,
            _ => {
                self.wire
                    .refuse("that message is not part of a screen share, or not yours to send")
                    .await
            }
        }
    }

    async fn report(&mut self, outcome: Result<(), ShareError>) -> Next {
        match outcome {
            Ok(()) => Next::Continue,
            Err(error) => self.wire.refuse(&error.to_string()).await,
        }
    }

    async fn relay_signal(&mut self, data: &serde_json::value::RawValue) -> Next {
        if !self.signals.spend(tokio::time::Instant::now()) {
            return self.wire.refuse(OVER_BUDGET).await;
        }
        let frame = Frame::from(ServerMsg::Signal { data }.encode());
        let conn = self.conn;
        match self.cell.relay(self.state.service.clock.now(), |room| {
            room.send_to_others(conn, &frame)
        }) {
            Some(()) => Next::Continue,
            None => Next::Close(close::SESSION_ENDED, "the screen share has ended"),
        }
    }

    async fn on_queue(&mut self, queued: Option<Outbound>) -> Next {
        match queued {
            Some(Outbound::Frame(frame)) => self.wire.send_frame(frame).await,
            Some(Outbound::Notice(Notice::Share(notice))) => self.on_share_notice(notice).await,
            Some(Outbound::Notice(_)) => Next::Continue,
            None => Next::Close(close::SESSION_ENDED, "the screen share has ended"),
        }
    }

    async fn on_share_notice(&mut self, notice: ShareNotice) -> Next {
        let message = describe(notice.state, notice.reason);
        let text = ServerMsg::ShareState {
            state: notice.state,
            reason: notice.reason,
            message,
            agent_name: &self.agent_name.clone(),
        }
        .encode();
        match self.wire.send(text).await {
            Next::Continue if notice.state == ShareState::Ended => {
                Next::Close(close::SESSION_ENDED, "the screen share has ended")
            }
            next => next,
        }
    }
}

fn describe(state: ShareState, reason: Option<ShareEnd>) -> &'static str {
    match (state, reason) {
        (ShareState::Ended, Some(reason)) => reason.describe(),
        (ShareState::Ended, None) => "The screen share has ended.",
        (ShareState::Pending, _) => "Waiting for the customer to enter the key and accept.",
        (ShareState::Accepted, _) => "The customer accepted and is choosing what to share.",
        (ShareState::Live, _) => "The customer's screen is being shared with the agent.",
    }
}
