//! A reader that stops reading, tried as an attacker would: an agent's socket says hello and then
//! never reads while the customer's page sends large changes. The server must cut that
//! connection within seconds (4008 when the close frame still fits) instead of holding its
//! frames (the resync and the 4008 close are counted in `/metrics`), and ending the session must
//! not wait for the reader.

mod support;

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::Value;
use support::{App, Socket, spawn};
use tokio_tungstenite::tungstenite::Message;

/// Large enough that a few fill the kernel's buffers on loopback, small enough to be quick.
const FRAME_BYTES: usize = 1024 * 1024;
/// More than the queue's byte bound (16 MiB) and the kernel's buffers together.
const FRAMES: usize = 40;
/// How long the server may take to cut the reader: its write time-out (10 s) and some slack.
const CUT_WITHIN: Duration = Duration::from_secs(16);

/// A binary `dom` frame of `len` bytes that do not compress (the relay does not look inside).
fn dom_frame(full: bool, seed: u32, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let mut frame = Vec::with_capacity(len);
    frame.push(u8::from(full));
    while frame.len() < len {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        frame.extend_from_slice(&state.to_le_bytes());
    }
    frame
}

/// A customer, and an agent whose socket said hello and will never be read again.
async fn session_with_a_reader_that_never_reads(app: &App) -> (String, Socket, Socket) {
    let (id, customer_token) = app.start_session(Some("conv-slow")).await;
    let mut customer = app.socket(&customer_token).await;
    customer.next_of("welcome").await;
    let agent_token = app.sign_in("Mallory").await;
    let (_, joined) = app.join(&agent_token, &id).await;
    let agent = app.socket(joined["token"].as_str().unwrap()).await;
    customer.next_of("snapshot_needed").await;
    (id, customer, agent)
}

/// Sends a full snapshot and then page changes, far more than a non-reader can be sent.
async fn flood(customer: &mut Socket) {
    customer.send_binary(dom_frame(true, 1, FRAME_BYTES)).await;
    for seed in 2..FRAMES as u32 {
        customer
            .send_binary(dom_frame(false, seed, FRAME_BYTES))
            .await;
    }
}

/// Reads the customer's messages until a `state` says no agent is connected, or `within` passes.
async fn agents_gone(customer: &mut Socket, within: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let next = tokio::time::timeout_at(deadline, customer.ws.next()).await;
        let Ok(Some(Ok(message))) = next else {
            return false;
        };
        let Message::Text(text) = message else {
            continue;
        };
        let message: Value = serde_json::from_str(&text).unwrap();
        if message["type"] == "state" && message["agents"] == 0 {
            return true;
        }
    }
}

/// Drains a socket that was not read; returns its close code, if a close frame arrived.
async fn drain_close_code(socket: &mut Socket) -> Option<u16> {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), socket.ws.next()).await {
            Ok(Some(Ok(Message::Close(frame)))) => return frame.map(|frame| frame.code.into()),
            Ok(Some(Ok(_))) => continue,
            Ok(None | Some(Err(_))) => return None,
            Err(_) => panic!("the socket neither closed nor sent anything for 10 s"),
        }
    }
}

#[tokio::test]
async fn an_agent_socket_that_never_reads_is_cut_within_seconds_and_the_customer_sees_it_go() {
    let app = spawn().await;
    let (_id, mut customer, mut agent) = session_with_a_reader_that_never_reads(&app).await;

    flood(&mut customer).await;
    let flooded = Instant::now();

    assert!(
        agents_gone(&mut customer, CUT_WITHIN).await,
        "the server still held the agent who never reads {CUT_WITHIN:?} after the flood"
    );
    let cut_after = flooded.elapsed();
    assert!(cut_after < CUT_WITHIN, "cut after {cut_after:?}");
    let code = drain_close_code(&mut agent).await;
    assert!(
        matches!(code, None | Some(4008)),
        "a cut reader is told it fell behind (4008) or simply dropped, not {code:?}"
    );
    let (_, metrics) = app.get("/metrics", None).await;
    assert!(
        sample(&metrics, "duet_resyncs_total ") >= 1.0,
        "the resync is counted"
    );
    let too_slow = "duet_socket_closes_total{code=\"4008\"} ";
    assert!(
        sample(&metrics, too_slow) >= 1.0,
        "the 4008 close is counted"
    );
}

/// The value on the line of the metrics page that starts with `series`.
fn sample(page: &str, series: &str) -> f64 {
    page.lines()
        .find_map(|line| line.strip_prefix(series))
        .unwrap_or_else(|| panic!("no {series} in\n{page}"))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn ending_the_session_does_not_wait_for_a_reader_that_never_reads() {
    let app = spawn().await;
    let (_id, mut customer, mut agent) = session_with_a_reader_that_never_reads(&app).await;
    flood(&mut customer).await;

    customer.send(serde_json::json!({ "type": "end" })).await;
    tokio::time::sleep(CUT_WITHIN).await;

    // Had the server kept waiting for this reader, reading now would let it finish: every queued
    // frame, then the ended notice and a normal close (4000). A reader cut for being slow gets
    // 4008 or nothing.
    let code = drain_close_code(&mut agent).await;
    assert!(
        matches!(code, None | Some(4008)),
        "the server still held the reader {CUT_WITHIN:?} after the session ended (close {code:?})"
    );
}
