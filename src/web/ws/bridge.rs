//! A browser's socket on this node for a session another node holds: the hello and every frame
//! after it go over a bus link to that node, which serves the connection; what it sends comes
//! back the same way. Frames pass through as bytes, never parsed. A gap on the link, a far node
//! that is gone, or a browser that stopped reading close the socket with a code that makes the
//! browser reconnect (for a fresh snapshot).

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::StreamExt;

use super::socket::{message, piece};
use super::wire::WRITE_TIMEOUT;
use crate::bus::{Broken, Bus, Link, Piece};
use crate::web::protocol::close;

/// Carries `socket`, whose `hello` was read, over `link` until either end closes.
pub(super) async fn carry(mut socket: WebSocket, hello: Utf8Bytes, link: Link, bus: &Bus) {
    let Link {
        mut sender,
        mut receiver,
        peer,
    } = link;
    if sender.send(&Piece::Text(hello.into())).await.is_err() {
        return refuse(socket, close::MOVED, "the bus failed; reconnecting").await;
    }
    let gone = bus.gone(&peer);
    tokio::pin!(gone);
    loop {
        tokio::select! {
            from_browser = socket.next() => {
                let message = match from_browser {
                    Some(Ok(message)) => message,
                    Some(Err(_)) | None => Message::Close(None),
                };
                let closing = matches!(message, Message::Close(_));
                if let Some(piece) = piece(message)
                    && (sender.send(&piece).await.is_err() || closing)
                {
                    return;
                }
            }
            from_node = receiver.recv() => match from_node {
                Some(Ok(piece)) => {
                    let message = message(piece);
                    let closing = matches!(message, Message::Close(_));
                    match tokio::time::timeout(WRITE_TIMEOUT, socket.send(message)).await {
                        Ok(Ok(())) if !closing => {}
                        Ok(Ok(())) | Ok(Err(_)) => return,
                        Err(_) => {
                            let _ = sender.send(&Piece::Close(1000, String::new())).await;
                            return refuse(socket, close::TOO_SLOW, "fell behind; reconnect").await;
                        }
                    }
                }
                Some(Err(Broken::Gap { .. } | Broken::Malformed)) => {
                    let _ = sender.send(&Piece::Close(1000, String::new())).await;
                    return refuse(socket, close::TOO_SLOW, "frames were lost; reconnect").await;
                }
                None => return refuse(socket, close::MOVED, "reconnect").await,
            },
            () = &mut gone => {
                return refuse(socket, close::MOVED, "the node holding the session stopped; reconnect").await;
            }
        }
    }
}

async fn refuse(mut socket: WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let sent = socket.send(Message::Close(Some(frame)));
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), sent).await;
}
