//! Fuzzing the frames a browser sends, at two depths: the client frame parser and the binary
//! frame reader take random, structured and mutated input and never panic; and random frames
//! sent by both sides of a live session never break the server, which answers each socket
//! either with a reply or with one of Duet's close codes, never by dropping it.
//!
//! The test command runs `DUET_FUZZ_CASES` inputs (2,000 by default) per property;
//! `scripts/fuzz.sh` runs a million in release mode (14 s on the 2-core CI machine kind, none
//! failing, when this was written).

mod support;

use std::time::Duration;

use duet::web::binary::binary_frame;
use duet::web::protocol::ClientMsg;
use futures_util::{SinkExt, StreamExt};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::{Value, json};
use support::spawn;
use tokio_tungstenite::tungstenite::Message;

/// Inputs per property: `DUET_FUZZ_CASES`, else 2,000.
fn cases() -> u32 {
    std::env::var("DUET_FUZZ_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(2_000)
}

/// Every `type` a client may send, and a few it may not.
const TYPES: [&str; 20] = [
    "hello",
    "dom",
    "pointer",
    "end",
    "ping",
    "control_request",
    "control_answer",
    "control_revoke",
    "join_answer",
    "action",
    "share_accept",
    "share_connected",
    "share_start",
    "share_stop",
    "share_request",
    "signal",
    "welcome",
    "",
    "DOM",
    "action\u{0}",
];

/// Field names the envelope knows, and some it does not.
const FIELDS: [&str; 14] = [
    "token",
    "full",
    "events",
    "x",
    "y",
    "approved",
    "agent",
    "action",
    "data",
    "kind",
    "id",
    "value",
    "key",
    "__proto__",
];

/// Valid frames to mutate.
const VALID: [&str; 8] = [
    r#"{"type":"hello","token":"eyJ0eXAiOiJKV1QifQ.e30.c2ln"}"#,
    r#"{"type":"dom","full":true,"events":[{"type":4,"data":{}}]}"#,
    r#"{"type":"pointer","x":12.5,"y":300}"#,
    r#"{"type":"control_answer","approved":true}"#,
    r#"{"type":"join_answer","agent":"3f2a9c01b7de","approved":false}"#,
    r#"{"type":"action","action":{"kind":"input","id":7,"value":"x"}}"#,
    r#"{"type":"action","action":{"kind":"key","x":1,"y":2,"key":"Enter"}}"#,
    r#"{"type":"signal","data":{"candidate":null}}"#,
];

/// Any JSON value, a few levels deep, with the extremes a parser trips on.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            Just(u64::MAX.to_string()),
            Just("1e400".to_owned()),
            ".{0,40}".prop_map(String::from)
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(prop::sample::select(FIELDS.to_vec()), inner, 0..5)
                .prop_map(|map| {
                    Value::Object(map.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                }),
        ]
    })
}

/// An envelope with a known or odd `type` and random known or unknown fields.
fn envelope() -> impl Strategy<Value = String> {
    (
        prop::sample::select(TYPES.to_vec()),
        prop::collection::btree_map(prop::sample::select(FIELDS.to_vec()), json_value(), 0..5),
    )
        .prop_map(|(kind, fields)| {
            let mut object: serde_json::Map<String, Value> =
                fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            object.insert("type".to_owned(), Value::from(kind));
            Value::Object(object).to_string()
        })
}

/// A valid frame with bytes flipped, cut, or repeated.
fn mutated() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(VALID.to_vec()),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        any::<prop::sample::Index>(),
        0usize..3,
    )
        .prop_map(|(valid, flips, cut, repeat)| {
            let mut bytes = valid.as_bytes().to_vec();
            for (at, byte) in flips {
                let index = at.index(bytes.len());
                bytes[index] = byte;
            }
            bytes.truncate(cut.index(bytes.len() + 1).max(1));
            let once = bytes.clone();
            for _ in 0..repeat {
                bytes.extend_from_slice(&once);
            }
            bytes
        })
}

/// Any text frame a browser could send.
fn text_frame() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,200}".prop_map(String::from),
        envelope(),
        mutated().prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
    ]
}

/// Any binary frame: random bytes, pointer-shaped, dom-shaped.
fn binary() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        prop::collection::vec(any::<u8>(), 6..=6).prop_map(|mut bytes| {
            bytes[0] = 2;
            bytes
        }),
        (0u8..4, prop::collection::vec(any::<u8>(), 0..32)).prop_map(|(flags, rest)| {
            let mut bytes = vec![flags];
            bytes.extend(rest);
            bytes
        }),
    ]
}

proptest! {
    // A failure prints its input; nothing is written next to the sources.
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_client_frame_parser_never_panics_and_refuses_with_a_sentence(text in text_frame()) {
        if let Err(refusal) = ClientMsg::parse(&text) {
            prop_assert!(!refusal.to_string().is_empty());
        }
    }

    #[test]
    fn the_binary_frame_reader_never_panics_and_reads_pointers_exactly(bytes in binary()) {
        match binary_frame(&bytes) {
            Ok(duet::web::binary::BinaryFrame::Pointer { x, y, laser }) => {
                prop_assert_eq!(bytes.len(), 6);
                prop_assert_eq!(laser, bytes[0] == 6);
                prop_assert_eq!(x, i16::from_le_bytes([bytes[2], bytes[3]]));
                prop_assert_eq!(y, i16::from_le_bytes([bytes[4], bytes[5]]));
            }
            Ok(_) => prop_assert!(bytes.len() >= 2),
            Err(refusal) => prop_assert!(!refusal.to_string().is_empty()),
        }
    }
}

/// Random frames from both sides of a live session: afterwards each socket still answers a
/// ping, or was closed with one of Duet's codes, and the server still serves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_frames_from_both_sides_of_a_live_session_never_break_the_server() {
    let frames = (cases() / 4).clamp(200, 20_000) as usize;
    let app = spawn().await;
    let (id, customer_token) = app.start_session(Some("conv-fuzz")).await;
    let mut customer = app.socket(&customer_token).await;
    let ann = app.sign_in("Ann").await;
    let (_, joined) = app.join(&ann, &id).await;
    let mut agent = app.socket(joined["token"].as_str().unwrap()).await;

    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let texts = prop::collection::vec(text_frame(), frames);
    let binaries = prop::collection::vec(binary(), frames / 4);
    let texts = texts.new_tree(&mut runner).unwrap().current();
    let binaries = binaries.new_tree(&mut runner).unwrap().current();

    for (n, text) in texts.iter().enumerate() {
        // No `end`: the point is to keep the session alive under fire.
        if text.contains("\"end\"") {
            continue;
        }
        let socket = if n % 2 == 0 {
            &mut customer
        } else {
            &mut agent
        };
        if socket.ws.send(Message::text(text.clone())).await.is_err() {
            break;
        }
        if let Some(bytes) = binaries.get(n / 4).filter(|_| n % 4 == 0) {
            let _ = socket.ws.send(Message::binary(bytes.clone())).await;
        }
    }

    for (who, socket) in [("customer", &mut customer), ("agent", &mut agent)] {
        let _ = socket
            .ws
            .send(Message::text(json!({"type": "ping"}).to_string()))
            .await;
        let outcome = loop {
            match tokio::time::timeout(Duration::from_secs(10), socket.ws.next()).await {
                Ok(Some(Ok(Message::Text(text)))) if text.contains("\"pong\"") => break "pong",
                Ok(Some(Ok(Message::Close(Some(frame))))) => {
                    let code = u16::from(frame.code);
                    assert!((4000..4100).contains(&code), "{who} closed with {code}");
                    break "closed by Duet";
                }
                Ok(Some(Ok(_))) => continue,
                Ok(other) => panic!("{who}'s socket dropped without a close frame: {other:?}"),
                Err(_) => panic!("{who} got no answer within 10 s"),
            }
        };
        assert!(["pong", "closed by Duet"].contains(&outcome));
    }
    let (status, _) = app.get("/healthz", None).await;
    assert_eq!(status, 200);
}
