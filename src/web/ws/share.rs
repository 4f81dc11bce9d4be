//! The screen-share side of the WebSocket: the customer accepts, both sides exchange WebRTC
//! signalling through Duet, the agent reports the first frame, and either side ends it.

use std::sync::Arc;

use axum::extract::ws::WebSocket;
use tokio::time::Instant;

use crate::web::protocol::{ClientMsg, ServerMsg, close};
use crate::web::state::AppState;
use crate::web::tokens::{Claims, TokenRole};
use super::hello::hang_up;
use super::wire::{Incoming, Next, Wire, sort};
use crate::engine::screenshare::{ShareCell, ShareNotice};
use crate::engine::{
    AgentId, Frame, Inbox, Notice, Outbound, Role, SessionId, ShareEnd, ShareError, ShareState,
};

/// One side of a screen share.
struct ShareConnection {
    wire: Wire,
    state: AppState,
    share: SessionId,
    customer: bool,
    conn: u64,
    cell: Arc<ShareCell>,
    agent_name: String,
}

/// Serves a socket that said hello with a screen-share token.
pub(super) async fn serve(socket: WebSocket, state: AppState, claims: Claims, share: SessionId) {
    let customer = claims.role == TokenRole::ShareCustomer;
    let role = if customer {
        Role::Customer
    } else {
        Role::Agent(AgentId(claims.sub.clone()))
    };
    let (cell, inbox) = match state.shares.attach(share, role) {
        Ok(attached) => attached,
        Err(error) => return hang_up(socket, close::SESSION_ENDED, &error.to_string()).await,
    };
    let agent_name = cell.share().agent_name;
    let conn = inbox.conn;
    let mut connection = ShareConnection {
        wire: Wire::new(socket),
        state: state.clone(),
        share,
        customer,
        conn,
        cell,
        agent_name,
    };
    connection.run(inbox).await;
    state.shares.detach(share, conn);
}

impl ShareConnection {
    async fn run(&mut self, mut inbox: Inbox) {
        let role = if self.customer { "customer" } else { "agent" };
        if let Next::Close(..) = self
            .wire
            .welcome(&self.state.settings, self.share, role)
            .await
        {
            return;
        }
        loop {
            let next = tokio::select! {
                incoming = self.wire.recv() => match sort(incoming) {
                    Ok(Incoming::Text(text)) => self.on_client_text(&text).await,
                    Ok(Incoming::Binary(_)) => {
                        Next::Close(close::PROTOCOL, "a screen share speaks JSON text frames")
                    }
                    Err(next) => next,
                },
                queued = inbox.queue.recv() => self.on_queue(queued).await,
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
        match message {
            ClientMsg::ShareAccept if self.customer => {
                let accepted = self.state.shares.accept(self.share);
                self.report(accepted).await
            }
            ClientMsg::ShareConnected if !self.customer => {
                let live = self.cell.mark_live();
                self.report(live).await
            }
            ClientMsg::Signal { data } => self.relay_signal(data),
            ClientMsg::End => {
                let reason = if self.customer {
                    ShareEnd::CustomerStopped
                } else {
                    ShareEnd::AgentStopped
                };
                self.state.shares.end(self.share, reason, Instant::now());
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

    fn relay_signal(&mut self, data: &serde_json::value::RawValue) -> Next {
        let frame = Frame::from(ServerMsg::Signal { data }.encode());
        let conn = self.conn;
        match self
            .cell
            .with_room(|room| room.send_to_others(conn, &frame))
        {
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
