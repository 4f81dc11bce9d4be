//! The socket half both kinds of connection share: sending text, refusing a message, closing,
//! and sorting what arrives into a text frame or a reason to stop.

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::SinkExt;

use super::protocol::{ServerMsg, close};

/// What a connection's loop does after handling one event.
pub(super) enum Next {
    /// Keep serving.
    Continue,
    /// Close with this code and reason.
    Close(u16, &'static str),
}

/// A WebSocket that speaks Duet's JSON text frames.
pub(super) struct Wire {
    /// The socket; `recv` is called on it directly inside `select!`.
    pub(super) socket: WebSocket,
}

impl Wire {
    /// Sends one frame; a failed send closes the connection.
    pub(super) async fn send(&mut self, text: String) -> Next {
        match self.socket.send(Message::Text(text.into())).await {
            Ok(()) => Next::Continue,
            Err(_) => Next::Close(close::PROTOCOL, "send failed"),
        }
    }

    /// Buffers one frame without flushing, when more are about to follow.
    pub(super) async fn feed(&mut self, text: String) -> Next {
        match self.socket.feed(Message::Text(text.into())).await {
            Ok(()) => Next::Continue,
            Err(_) => Next::Close(close::PROTOCOL, "send failed"),
        }
    }

    /// Tells the sender why a message was refused, and keeps the connection.
    pub(super) async fn refuse(&mut self, message: &str) -> Next {
        self.send(ServerMsg::Error { message }.encode()).await
    }

    /// Sends a close frame.
    pub(super) async fn close(&mut self, code: u16, reason: &'static str) {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = self.socket.send(Message::Close(Some(frame))).await;
    }
}

/// A text frame to handle, or what to do instead.
pub(super) fn sort(incoming: Option<Result<Message, axum::Error>>) -> Result<Utf8Bytes, Next> {
    match incoming {
        Some(Ok(Message::Text(text))) => Ok(text),
        Some(Ok(Message::Binary(_))) => {
            Err(Next::Close(close::PROTOCOL, "Duet speaks JSON text frames"))
        }
        Some(Ok(Message::Ping(_) | Message::Pong(_))) => Err(Next::Continue),
        Some(Ok(Message::Close(_))) | None => Err(Next::Close(1000, "bye")),
        Some(Err(_)) => Err(Next::Close(
            close::PROTOCOL,
            "the frame could not be read (too large?)",
        )),
    }
}
