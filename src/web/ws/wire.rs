//! The socket half both kinds of connection share: sending frames, refusing a message, closing,
//! and sorting what arrives into a text or binary frame or a reason to stop.

use axum::body::Bytes;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures_util::SinkExt;

use super::gate::{GatedRecv, ReadGate};
use super::socket::Socket;

use crate::config::PolicySettings;
use crate::engine::Frame;
use crate::metrics::{self, Side};
use crate::web::protocol::{IceServer, ServerMsg, close};
use crate::web::state::Settings;

/// How long one write may wait for its reader before the connection is closed as too slow.
/// A reader that stops reading fills the kernel's buffers, then each write waits for ever while
/// the task holds the socket, its buffered frames and its session queue: measured before this
/// bound, 60 frames of 8 MiB to a reader that never read took the server from 134 to 502 MiB
/// and held it 30 s after the session ended. Ten seconds lets an agent on 8 Mbit/s take the
/// largest allowed frame (8 MiB) and frees a stuck connection soon after.
pub(super) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the close frame may wait: a reader that is not reading will not read it either.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

/// What a connection's loop does after handling one event.
pub(super) enum Next {
    /// Keep serving.
    Continue,
    /// Close with this code and reason.
    Close(u16, &'static str),
}

/// A frame that arrived, to handle.
pub(super) enum Incoming {
    /// A JSON envelope.
    Text(Utf8Bytes),
    /// The customer's compressed page changes (see `protocol`'s binary `dom` frame).
    Binary(Bytes),
}

/// A WebSocket that speaks Duet's JSON text frames and relays binary frames.
pub(super) struct Wire {
    socket: Socket,
    gate: Arc<ReadGate>,
    /// Whose socket this is, for the relayed-frame counters.
    to: Side,
}

impl Wire {
    /// Wraps a socket that has said hello, of the customer or an agent (`to`).
    pub(super) fn new(socket: Socket, to: Side) -> Self {
        Self {
            socket,
            gate: ReadGate::new(),
            to,
        }
    }

    /// The next frame from the client, for `select!`: read only once the socket woke.
    pub(super) fn recv(&mut self) -> GatedRecv<'_> {
        GatedRecv {
            socket: &mut self.socket,
            gate: &self.gate,
        }
    }

    /// Sends one frame; a failed send closes the connection.
    pub(super) async fn send(&mut self, text: String) -> Next {
        written(self.socket.send(Message::Text(text.into()))).await
    }

    /// Sends one relayed frame, text or binary, as it was encoded.
    pub(super) async fn send_frame(&mut self, frame: Frame) -> Next {
        metrics::relayed(self.to, &frame);
        written(self.socket.send(message(frame))).await
    }

    /// Buffers one relayed frame without flushing, when more are about to follow.
    pub(super) async fn feed_frame(&mut self, frame: Frame) -> Next {
        metrics::relayed(self.to, &frame);
        written(self.socket.feed(message(frame))).await
    }

    /// Writes out what `feed_frame` buffered.
    pub(super) async fn flush(&mut self) -> Next {
        written(self.socket.flush()).await
    }

    /// Sends the `welcome` every socket starts with: who it is, the policy, ICE servers, limits.
    /// `policy` and `ice_servers` are the tenant's; `page_assets` is the mirror's asset prefix, for
    /// those who see the page.
    pub(super) async fn welcome(
        &mut self,
        settings: &Settings,
        (policy, ice_servers): (&PolicySettings, &[IceServer]),
        id: &str,
        role: &str,
        page_assets: Option<&str>,
    ) -> Next {
        let welcome = ServerMsg::Welcome {
            session_id: id,
            role,
            policy,
            ice_servers,
            max_message_bytes: settings.max_message_bytes,
            page_assets,
        };
        self.send(welcome.encode()).await
    }

    /// Tells the sender why a message was refused, and keeps the connection.
    pub(super) async fn refuse(&mut self, message: &str) -> Next {
        self.send(ServerMsg::Error { message }.encode()).await
    }

    /// Sends a close frame.
    pub(super) async fn close(&mut self, code: u16, reason: &'static str) {
        metrics::closed(code);
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let sent = self.socket.send(Message::Close(Some(frame)));
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, sent).await;
    }
}

/// The outcome of one write, which may wait at most `WRITE_TIMEOUT` for the reader.
async fn written(write: impl Future<Output = Result<(), axum::Error>>) -> Next {
    match tokio::time::timeout(WRITE_TIMEOUT, write).await {
        Ok(Ok(())) => Next::Continue,
        Ok(Err(_)) => Next::Close(close::PROTOCOL, "send failed"),
        Err(_) => Next::Close(close::TOO_SLOW, "fell behind; reconnect"),
    }
}

fn message(frame: Frame) -> Message {
    match frame {
        Frame::Text(text) => Message::Text(text.as_ref().into()),
        Frame::Binary(bytes) => Message::Binary(bytes),
    }
}

/// A frame to handle, or what to do instead.
pub(super) fn sort(incoming: Option<Result<Message, axum::Error>>) -> Result<Incoming, Next> {
    match incoming {
        Some(Ok(Message::Text(text))) => Ok(Incoming::Text(text)),
        Some(Ok(Message::Binary(bytes))) => Ok(Incoming::Binary(bytes)),
        Some(Ok(Message::Ping(_) | Message::Pong(_))) => Err(Next::Continue),
        Some(Ok(Message::Close(_))) | None => Err(Next::Close(1000, "bye")),
        Some(Err(_)) => Err(Next::Close(
            close::PROTOCOL,
            "the frame could not be read (too large?)",
        )),
    }
}
