//! The `hello` every socket starts with: read it, with its token, within a time limit, or hang up
//! with a reason.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};

use crate::web::protocol::ClientMsg;
use crate::web::state::AppState;
use crate::web::tokens::{Claims, TokenRole};

/// How long a new socket has to send its `hello`.
pub(super) const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads the first frame, which must be `hello` with a session or screen-share token.
pub(super) async fn read_hello(
    socket: &mut WebSocket,
    state: &AppState,
) -> Result<Claims, &'static str> {
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
    let session_role = matches!(
        claims.role,
        TokenRole::Customer
            | TokenRole::SessionAgent
            | TokenRole::ShareCustomer
            | TokenRole::ShareAgent
    );
    if !session_role || claims.sid.is_none() {
        return Err("this token is not a session token; join the session first");
    }
    Ok(claims)
}

/// Closes the socket with a code from [`close`] and a short reason.
pub(super) async fn hang_up(mut socket: WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: reason.chars().take(120).collect::<String>().into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}
