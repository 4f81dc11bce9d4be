//! Part 5, bytes on the wire: a scripted minute of UI churn (a 25-row list re-rendered with
//! text, attribute and node changes, 200 rrweb mutation events in 40 renders), measured as raw
//! rrweb JSON, as Duet's binary `dom` frames today (one deflate stream per connection), as the
//! older `dom` text frames, and with deflate per frame and over the stream.

use flate2::{Compress, Compression, FlushCompress};
use serde::Serialize;
use serde_json::{Value, json};

const RENDERS: u64 = 40;
const EVENTS_PER_RENDER: u64 = 5;
const ROWS: u64 = 25;
const RENDER_GAP_MS: u64 = 1500;
const WORDS: [&str; 12] = [
    "Basic",
    "Premium",
    "Family",
    "Roaming",
    "Fibre",
    "Mobile",
    "Bundle",
    "Unlimited",
    "Student",
    "Business",
    "Travel",
    "Saver",
];

/// Bytes per minute of the scripted churn, each way it could be sent.
#[derive(Debug, Clone, Serialize)]
pub struct WireStats {
    pub events: u64,
    pub frames: u64,
    pub rrweb_json_per_event: u64,
    /// Binary `dom` frames: flags byte + the connection's deflate stream, sync-flushed per batch.
    pub duet_today: u64,
    /// `dom` JSON text frames, uncompressed (what the script sent before, still accepted).
    pub duet_text_frames: u64,
    pub duet_deflate_per_frame: u64,
    pub duet_deflate_stream: u64,
    pub rrweb_deflate_stream: u64,
}

/// A tiny deterministic generator (xorshift64), so every run sends the same stream.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn row_node(rng: &mut Rng, id: u64, row: u64) -> Value {
    let name = WORDS[rng.below(WORDS.len() as u64) as usize];
    let price = format!("{}.{:02}", 5 + rng.below(95), rng.below(100));
    json!({"parentId": 40, "nextId": null, "node": {"type": 2, "tagName": "li",
        "attributes": {"class": "row", "data-row": row.to_string()}, "childNodes": [
            {"type": 3, "textContent": format!("{name} plan {row} — €{price}/month"), "id": id + 1}],
        "id": id}})
}

/// One render's events: the list re-keyed (every 4th render), texts, attributes, input, style.
fn render(rng: &mut Rng, render: u64, next_id: &mut u64) -> Vec<Value> {
    let at = 1_700_000_000_000 + render * RENDER_GAP_MS;
    let mutation =
        |data: Value, offset: u64| json!({"type": 3, "data": data, "timestamp": at + offset});
    let base = 1000 + (render / 4) * ROWS * 2;
    let rekey =
        if render % 4 == 0 {
            let removes: Vec<Value> = (0..ROWS)
                .map(|r| json!({"parentId": 40, "id": base - ROWS * 2 + r * 2}))
                .collect();
            let adds: Vec<Value> = (0..ROWS).map(|r| row_node(rng, base + r * 2, r)).collect();
            *next_id = base + ROWS * 2;
            json!({"source": 0, "texts": [], "attributes": [], "removes": removes, "adds": adds})
        } else {
            let texts: Vec<Value> = (0..6).map(|_| {
            let row = rng.below(ROWS);
            json!({"id": base + row * 2 + 1, "value": format!("{} plan {row} — €{}.{:02}/month",
                WORDS[rng.below(12) as usize], 5 + rng.below(95), rng.below(100))})
        }).collect();
            json!({"source": 0, "texts": texts, "attributes": [], "removes": [], "adds": []})
        };
    let selected = base + rng.below(ROWS) * 2;
    vec![
        mutation(rekey, 0),
        mutation(
            json!({"source": 0, "texts": [], "removes": [], "adds": [], "attributes": [
            {"id": selected, "attributes": {"class": "row selected", "aria-selected": "true"}}]}),
            3,
        ),
        mutation(
            json!({"source": 5, "text": format!("{}", rng.below(100_000)), "isChecked": false, "id": 31}),
            9,
        ),
        mutation(
            json!({"source": 13, "id": 12, "styles": {"transform": format!("translateY({}px)", rng.below(400))}}),
            12,
        ),
        mutation(
            json!({"source": 3, "id": 1, "x": 0, "y": rng.below(3000)}),
            16,
        ),
    ]
}

/// WebSocket header bytes of a client-to-server frame (masked) carrying `len` payload bytes.
fn framed(len: usize) -> u64 {
    let header = match len {
        0..=125 => 2,
        126..=65_535 => 4,
        _ => 10,
    };
    (len + header + 4) as u64
}

/// permessage-deflate: one deflater for the whole connection when `context` is kept, a sync
/// flush per message, and the trailing 00 00 ff ff dropped (RFC 7692).
fn deflated(messages: &[String], context: bool) -> u64 {
    let mut shared = Compress::new(Compression::default(), false);
    let mut total = 0;
    for message in messages {
        let mut fresh = Compress::new(Compression::default(), false);
        let deflater = if context { &mut shared } else { &mut fresh };
        let mut out = Vec::with_capacity(message.len() * 2 + 1024);
        deflater
            .compress_vec(message.as_bytes(), &mut out, FlushCompress::Sync)
            .expect("deflate into a large enough buffer");
        assert!(
            out.ends_with(&[0, 0, 0xff, 0xff]),
            "a sync flush ends the message"
        );
        total += framed(out.len() - 4);
    }
    total
}

/// Duet's binary `dom` frames (`binary_frame` in src/web/binary.rs): one raw deflate stream
/// for the connection, started at the last full snapshot (not counted here: the minute is all
/// incremental batches), a sync flush per batch with its `00 00 ff ff` left out, a flags byte.
fn binary_dom_frames(batches: &[String]) -> u64 {
    let mut stream = Compress::new(Compression::default(), false);
    let mut total = 0;
    for events in batches {
        let mut out = Vec::with_capacity(events.len() * 2 + 1024);
        stream
            .compress_vec(events.as_bytes(), &mut out, FlushCompress::Sync)
            .expect("deflate into a large enough buffer");
        assert!(
            out.ends_with(&[0, 0, 0xff, 0xff]),
            "a sync flush ends the batch"
        );
        total += framed(1 + out.len() - 4);
    }
    total
}

/// Builds the scripted minute and measures it.
pub fn measure() -> WireStats {
    let mut rng = Rng(0x5eed_cafe_f00d);
    let mut next_id = 1000;
    let renders: Vec<Vec<Value>> = (0..RENDERS)
        .map(|r| render(&mut rng, r, &mut next_id))
        .collect();
    let per_event: Vec<String> = renders.iter().flatten().map(Value::to_string).collect();
    let frames: Vec<String> = renders
        .iter()
        .map(|events| json!({"type": "dom", "full": false, "events": events}).to_string())
        .collect();
    let batches: Vec<String> = renders
        .iter()
        .map(|events| Value::from(events.clone()).to_string())
        .collect();
    let plain = |messages: &[String]| messages.iter().map(|m| framed(m.len())).sum();
    WireStats {
        events: RENDERS * EVENTS_PER_RENDER,
        frames: frames.len() as u64,
        rrweb_json_per_event: plain(&per_event),
        duet_today: binary_dom_frames(&batches),
        duet_text_frames: plain(&frames),
        duet_deflate_per_frame: deflated(&frames, false),
        duet_deflate_stream: deflated(&frames, true),
        rrweb_deflate_stream: deflated(&per_event, true),
    }
}
