//! The `hello` every socket starts with: read it, with its token, within a time limit, or hang up
//! with a reason.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures_util::{SinkExt, StreamExt};

use super::socket::Socket;

use crate::engine::{SessionId, ShareId};
use crate::service::Target;
use crate::web::protocol::ClientMsg;
use crate::web::state::AppState;
use crate::web::tokens::{Claims, TokenRole};

/// How long a new socket has to send its `hello`.
pub(super) const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// What a socket is for, by the token of its `hello`.
#[derive(Debug)]
pub(super) enum Hello {
    /// A co-browse session's customer or agent.
    Cobrowse(SessionId, Claims),
    /// A screen share's customer or agent.
    Share(ShareId, Claims),
}

impl Hello {
    /// The session or share it is for.
    pub(super) fn target(&self) -> Target {
        match self {
            Self::Cobrowse(session, _) => Target::Session(*session),
            Self::Share(share, _) => Target::Share(*share),
        }
    }
}

/// Reads the first frame, which must be `hello` with a session or screen-share token; returns
/// it as read too (to hand on to the node that holds the session).
pub(super) async fn read_hello(
    socket: &mut Socket,
    state: &AppState,
) -> Result<(Hello, Utf8Bytes), &'static str> {
    let first = tokio::time::timeout(HELLO_TIMEOUT, socket.next()).await;
    let Ok(Some(Ok(Message::Text(text)))) = first else {
        return Err("send {\"type\":\"hello\",\"token\":…} first");
    };
    let Ok(ClientMsg::Hello { token }) = ClientMsg::parse(&text) else {
        return Err("the first frame must be hello with the session token");
    };
    read_token(&token, state).map(|hello| (hello, text.clone()))
}

fn read_token(token: &str, state: &AppState) -> Result<Hello, &'static str> {
    let claims = state
        .tokens
        .verify(token)
        .map_err(|_| "the token is invalid or expired; start or join again")?;
    match (claims.role, claims.sid, claims.share) {
        (
            TokenRole::Customer | TokenRole::SessionAgent | TokenRole::SessionSupervisor,
            Some(session),
            _,
        ) => Ok(Hello::Cobrowse(session, claims)),
        (TokenRole::ShareCustomer | TokenRole::ShareAgent, _, Some(share)) => {
            Ok(Hello::Share(share, claims))
        }
        _ => Err("this token is not a session token; join the session first"),
    }
}

/// Closes the socket with a code from [`close`] and a short reason.
pub(super) async fn hang_up(mut socket: Socket, code: u16, reason: &str) {
    crate::metrics::closed(code);
    let frame = CloseFrame {
        code,
        reason: reason.chars().take(120).collect::<String>().into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}
