//! The baseline: a bare tokio-tungstenite relay, one `broadcast` channel per room, TCP_NODELAY,
//! forwarding the publisher's text frames unchanged to the room's subscribers. It runs as its
//! own process (this binary with [`SERVE_ARG`]) so its CPU and memory are read like Duet's.
//! Its sockets use a 4 KiB read buffer ([`load::socket_config`]), not tungstenite's 128 KiB.

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

use crate::load::{self, Pair, Ws};

/// The argument that makes this binary serve the bare relay: `--serve-baseline <max secs>`.
pub const SERVE_ARG: &str = "--serve-baseline";
/// Frames a slow subscriber may fall behind by (the same bound as Duet's queue).
const ROOM_CAPACITY: usize = 256;

type Rooms = Arc<Mutex<HashMap<String, broadcast::Sender<Message>>>>;

/// Serves the bare relay on 127.0.0.1:0 for at most `max_secs`, printing where it listens.
pub fn serve(max_secs: u64) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        println!(
            "Baseline relay is listening on http://{}",
            listener.local_addr()?
        );
        std::io::stdout().flush()?;
        let rooms = Rooms::default();
        let limit = Duration::from_secs(max_secs);
        let _ = tokio::time::timeout(limit, accept(listener, rooms)).await;
        Ok(())
    })
}

async fn accept(listener: TcpListener, rooms: Rooms) {
    while let Ok((stream, _)) = listener.accept().await {
        let _ = stream.set_nodelay(true);
        tokio::spawn(handle(stream, rooms.clone()));
    }
}

// tungstenite's handshake callback fixes the error type (an HTTP response).
#[allow(clippy::result_large_err)]
async fn handle(stream: TcpStream, rooms: Rooms) {
    let mut path = String::new();
    let callback = |request: &Request, response: Response| {
        path = request.uri().path().to_owned();
        Ok(response)
    };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async_with_config(
        stream,
        callback,
        Some(load::socket_config()),
    )
    .await
    else {
        return;
    };
    let Some((role, room)) = path.trim_start_matches('/').split_once('/') else {
        return;
    };
    let sender = rooms
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .entry(room.to_owned())
        .or_insert_with(|| broadcast::channel(ROOM_CAPACITY).0)
        .clone();
    match role {
        "pub" => publish(ws, sender).await,
        _ => subscribe(ws, sender.subscribe()).await,
    }
}

async fn publish<S>(mut ws: tokio_tungstenite::WebSocketStream<S>, room: broadcast::Sender<Message>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    while let Some(Ok(message)) = ws.next().await {
        if message.is_text() || message.is_binary() {
            let _ = room.send(message);
        }
    }
}

async fn subscribe<S>(
    ws: tokio_tungstenite::WebSocketStream<S>,
    mut room: broadcast::Receiver<Message>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (mut sink, mut stream) = ws.split();
    loop {
        tokio::select! {
            relayed = room.recv() => match relayed {
                Ok(message) => if sink.send(message).await.is_err() { return },
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return,
            },
            incoming = stream.next() => if !matches!(incoming, Some(Ok(_))) { return },
        }
    }
}

/// Opens one room's subscriber, then its publisher.
pub async fn open_pair(addr: SocketAddr, room: usize) -> anyhow::Result<Pair> {
    let subscriber = connect(addr, &format!("sub/{room}")).await?;
    let publisher = connect(addr, &format!("pub/{room}")).await?;
    Ok(Pair {
        publisher,
        subscriber,
    })
}

async fn connect(addr: SocketAddr, path: &str) -> anyhow::Result<Ws> {
    let url = format!("ws://{addr}/{path}");
    let (ws, _) =
        tokio_tungstenite::connect_async_with_config(url, Some(load::socket_config()), true)
            .await
            .with_context(|| format!("connecting to the bare relay at {addr}"))?;
    Ok(ws)
}
