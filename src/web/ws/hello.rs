//! The `hello` every socket starts with: read it, with its token, within a time limit, or hang up
//! with a reason.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};

use crate::engine::{SessionId, ShareId};
use crate::web::protocol::ClientMsg;
use crate::web::state::AppState;
use crate::web::tokens::{Claims, TokenRole};

/// How long a new socket has to send its `hello`.
pub(super) const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// What a socket is for, by the token of its `hello`.
pub(super) enum Hello {
    /// A co-browse session's customer or agent.
    Cobrowse(SessionId, Claims),
    /// A screen share's customer or agent.
    Share(ShareId, Claims),
}

/// Reads the first frame, which must be `hello` with a session or screen-share token.
pub(super) async fn read_hello(
    socket: &mut WebSocket,
    state: &AppState,
) -> Result<Hello, &'static str> {
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
pub(super) async fn hang_up(mut socket: WebSocket, code: u16, reason: &str) {
    crate::metrics::closed(code);
    let frame = CloseFrame {
        code,
        reason: reason.chars().take(120).collect::<String>().into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}
