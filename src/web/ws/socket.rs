//! The socket a connection is served over: a browser's WebSocket on this node, or one held by
//! another node of the cluster that reaches this one, the node holding the session, over a bus
//! link (`bridge.rs` there, `hosted.rs` here). Either way the connection reads and writes
//! WebSocket messages; the linked one carries them as the bus's pieces, byte for byte.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::{Sink, Stream};
use tokio::sync::mpsc;
use tokio_util::sync::PollSender;

use crate::bus::{Broken, Link, Piece};
use crate::web::protocol::close;

/// Messages queued each way between a linked socket and its link.
const LINKED_QUEUE: usize = 64;

/// A connection's socket.
// One per connection, and the local socket is the relay's hot path: no box to follow per frame.
#[expect(clippy::large_enum_variant)]
pub(super) enum Socket {
    /// A browser's WebSocket on this node.
    Local(WebSocket),
    /// A browser's WebSocket on another node, over a bus link.
    Linked(Linked),
}

/// The far end of a bus link, as a stream and sink of WebSocket messages.
pub(super) struct Linked {
    incoming: mpsc::Receiver<Message>,
    outgoing: PollSender<Message>,
}

impl Linked {
    /// Serves `link` as a socket: two tasks move its pieces, and stop when the far node is gone.
    pub(super) fn new(link: Link, bus: std::sync::Arc<crate::bus::Bus>) -> Self {
        let (to_connection, incoming) = mpsc::channel(LINKED_QUEUE);
        let (outgoing, mut from_connection) = mpsc::channel::<Message>(LINKED_QUEUE);
        let Link {
            mut sender,
            mut receiver,
            peer,
        } = link;
        tokio::spawn(async move {
            let gone = bus.gone(&peer);
            tokio::pin!(gone);
            loop {
                let piece = tokio::select! {
                    piece = receiver.recv() => piece,
                    () = &mut gone => None,
                };
                let message = match piece {
                    Some(Ok(piece)) => message(piece),
                    // A lost message: the connection ends and the browser reconnects for a
                    // fresh snapshot, as one that fell behind does.
                    Some(Err(Broken::Gap { .. } | Broken::Malformed)) | None => {
                        Message::Close(None)
                    }
                };
                let closing = matches!(message, Message::Close(_));
                if to_connection.send(message).await.is_err() || closing {
                    return;
                }
            }
        });
        tokio::spawn(async move {
            while let Some(message) = from_connection.recv().await {
                let Some(piece) = piece(message) else {
                    continue;
                };
                let closing = matches!(piece, Piece::Close(..));
                if sender.send(&piece).await.is_err() || closing {
                    return;
                }
            }
            let _ = sender.send(&Piece::Close(1000, String::new())).await;
        });
        Self {
            incoming,
            outgoing: PollSender::new(outgoing),
        }
    }
}

/// A piece as the WebSocket message it carries.
pub(super) fn message(piece: Piece) -> Message {
    match piece {
        Piece::Text(bytes) => match Utf8Bytes::try_from(bytes) {
            Ok(text) => Message::Text(text),
            Err(_) => Message::Close(Some(CloseFrame {
                code: close::PROTOCOL,
                reason: "a text frame was not UTF-8".into(),
            })),
        },
        Piece::Binary(bytes) => Message::Binary(bytes),
        Piece::Close(code, reason) => Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })),
    }
}

/// A WebSocket message as a piece; pings and pongs stay on their own hop.
pub(super) fn piece(message: Message) -> Option<Piece> {
    match message {
        Message::Text(text) => Some(Piece::Text(Bytes::from(text))),
        Message::Binary(bytes) => Some(Piece::Binary(bytes)),
        Message::Close(frame) => {
            let (code, reason) = frame.map_or((1000, String::new()), |frame| {
                (frame.code, frame.reason.to_string())
            });
            Some(Piece::Close(code, reason))
        }
        Message::Ping(_) | Message::Pong(_) => None,
    }
}

impl Stream for Socket {
    type Item = Result<Message, axum::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.get_mut() {
            Self::Local(socket) => Pin::new(socket).poll_next(cx),
            Self::Linked(linked) => linked.incoming.poll_recv(cx).map(|next| next.map(Ok)),
        }
    }
}

fn unlinked<E: std::fmt::Display>(error: E) -> axum::Error {
    axum::Error::new(std::io::Error::other(error.to_string()))
}

impl Sink<Message> for Socket {
    type Error = axum::Error;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        match self.get_mut() {
            Self::Local(socket) => Pin::new(socket).poll_ready(cx),
            Self::Linked(linked) => linked.outgoing.poll_reserve(cx).map_err(unlinked),
        }
    }

    fn start_send(self: Pin<&mut Self>, item: Message) -> Result<(), Self::Error> {
        match self.get_mut() {
            Self::Local(socket) => Pin::new(socket).start_send(item),
            Self::Linked(linked) => linked.outgoing.send_item(item).map_err(unlinked),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        match self.get_mut() {
            Self::Local(socket) => Pin::new(socket).poll_flush(cx),
            Self::Linked(_) => Poll::Ready(Ok(())),
        }
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        match self.get_mut() {
            Self::Local(socket) => Pin::new(socket).poll_close(cx),
            Self::Linked(linked) => {
                linked.outgoing.close();
                Poll::Ready(Ok(()))
            }
        }
    }
}
