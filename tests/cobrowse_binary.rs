//! Binary `dom` frames over real WebSockets: the customer's compressed page changes reach the
//! agent byte for byte, under the same full-snapshot rule as text batches; nobody else may send them.

mod support;

use duet::config::Config;
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
use serde_json::{Value, json};
use support::{App, Socket, spawn, spawn_with};

/// The tail every sync flush ends with; the wire leaves it out (RFC 7692).
const SYNC_TAIL: [u8; 4] = [0, 0, 0xff, 0xff];

/// The customer script's side: one deflate stream, restarted at every full batch.
struct Deflater(Compress);

impl Deflater {
    fn new() -> Self {
        Self(Compress::new(Compression::default(), false))
    }

    fn frame(&mut self, full: bool, events: &Value) -> Vec<u8> {
        if full {
            *self = Self::new();
        }
        let text = events.to_string();
        let mut out = Vec::with_capacity(text.len() + 64);
        self.0
            .compress_vec(text.as_bytes(), &mut out, FlushCompress::Sync)
            .unwrap();
        assert!(out.ends_with(&SYNC_TAIL));
        out.truncate(out.len() - SYNC_TAIL.len());
        out.insert(0, u8::from(full));
        out
    }
}

/// The console's side: inflates each frame's events against the stream so far.
fn inflate(stream: &mut Decompress, frame: &[u8]) -> Value {
    let mut input = frame[1..].to_vec();
    input.extend_from_slice(&SYNC_TAIL);
    let mut out = Vec::with_capacity(64 * 1024);
    stream
        .decompress_vec(&input, &mut out, FlushDecompress::Sync)
        .unwrap();
    serde_json::from_slice(&out).unwrap()
}

/// A customer and an agent in one session, the customer asked for a snapshot.
async fn session(app: &App) -> (Socket, Socket) {
    let (id, customer_token) = app.start_session(Some("conv-bin")).await;
    let mut customer = app.socket(&customer_token).await;
    customer.next_of("welcome").await;
    let agent_token = app.sign_in("Ann").await;
    let (_, joined) = app.join(&agent_token, &id).await;
    let mut agent = app.socket(joined["token"].as_str().unwrap()).await;
    agent.next_of("welcome").await;
    customer.next_of("snapshot_needed").await;
    (customer, agent)
}

#[tokio::test]
async fn a_full_binary_frame_reaches_the_agent_byte_identical_and_partials_before_it_are_skipped() {
    let app = spawn().await;
    let (mut customer, mut agent) = session(&app).await;
    let mut early = Deflater::new();
    let mut deflater = Deflater::new();
    let partial_first = early.frame(false, &json!([{"type": 3, "n": "dropped"}]));
    let full = deflater.frame(true, &json!([{"type": 4}, {"type": 2, "n": "snap"}]));
    let typed = deflater.frame(false, &json!([{"type": 3, "n": "typed"}]));

    customer.send_binary(partial_first).await;
    customer.send_binary(full.clone()).await;
    customer.send_binary(typed.clone()).await;

    let first = agent.next_binary().await;
    assert_eq!(
        first, full,
        "the first frame the agent gets is the full one, as sent"
    );
    let second = agent.next_binary().await;
    assert_eq!(second, typed);
    let mut inflater = Decompress::new(false);
    assert_eq!(inflate(&mut inflater, &first)[1]["n"], "snap");
    assert_eq!(inflate(&mut inflater, &second)[0]["n"], "typed");
}

#[tokio::test]
async fn an_agents_binary_frame_is_refused_and_reaches_nobody() {
    let app = spawn().await;
    let (mut customer, mut agent) = session(&app).await;

    agent.send_binary(vec![1, 0x4b, 0x04, 0x00]).await;

    let error = agent.next_of("error").await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("only the customer"),
        "{error}"
    );
    agent.send(json!({"type": "ping"})).await;
    agent.next_of("pong").await;
    customer.send(json!({"type": "ping"})).await;
    let next = customer
        .next()
        .await
        .expect("the customer's socket is open");
    assert_eq!(next["type"], "pong", "nothing reached the customer first");
}

#[tokio::test]
async fn a_binary_frame_with_reserved_flags_is_refused_and_one_over_the_limit_closes_the_socket() {
    let config = Config {
        max_message_bytes: 1024,
        ..Config::default()
    };
    let app = spawn_with(config).await;
    let (mut customer, _agent) = session(&app).await;

    customer.send_binary(vec![0b1000_0001, 0x03, 0x00]).await;
    let error = customer.next_of("error").await;
    assert!(
        error["message"].as_str().unwrap().contains("flag"),
        "{error}"
    );

    customer.send_binary(vec![1; 4096]).await;
    assert_eq!(customer.close_code().await, Some(4002));
}

#[tokio::test]
async fn binary_pointers_go_both_ways_with_the_sender_written_in_and_a_short_one_is_refused() {
    let app = spawn().await;
    let (mut customer, mut agent) = session(&app).await;

    // A browser sends sender 0 whoever it is; Duet writes in who it was.
    customer
        .send_binary(vec![2, 0, 0x2c, 0x01, 0x10, 0x00])
        .await;
    assert_eq!(
        agent.next_binary().await,
        vec![2, 0, 0x2c, 0x01, 0x10, 0x00]
    );
    agent.send_binary(vec![2, 0, 0xff, 0xff, 0x05, 0x00]).await;
    assert_eq!(
        customer.next_binary().await,
        vec![2, 1, 0xff, 0xff, 0x05, 0x00]
    );

    agent.send_binary(vec![2, 0, 1, 0]).await;
    let error = agent.next_of("error").await;
    assert!(
        error["message"].as_str().unwrap().contains("6 bytes"),
        "{error}"
    );
}
