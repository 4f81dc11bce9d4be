//! The frames the load sends, in Duet's wire protocol, each carrying its send time, and the
//! cheap reading of that time on the receiving side (no JSON parse on the hot path).

/// Size of one `dom` batch frame, as the issue asks.
pub const DOM_BYTES: usize = 1024;
/// Size of the full snapshot sent once per session (and on every `snapshot_needed`).
pub const FULL_BYTES: usize = 16 * 1024;

/// What a received frame was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A partial `dom` batch, with its send time in microseconds.
    Dom(u64),
    /// A `dom` batch that starts with a full snapshot.
    Full,
    /// A pointer move, with its send time in microseconds.
    Pointer(u64),
    /// Anything else (welcome, state, pong).
    Other,
}

fn padded(head: String, tail: &str, size: usize) -> String {
    let pad = size.saturating_sub(head.len() + tail.len());
    let mut text = head;
    text.extend(std::iter::repeat_n('x', pad));
    text.push_str(tail);
    text
}

/// A 1 KiB batch of one rrweb mutation event; `timestamp` is the send time in microseconds.
pub fn dom(sent_us: u64, seq: u64) -> String {
    let head = format!(
        r#"{{"type":"dom","full":false,"events":[{{"type":3,"timestamp":{sent_us},"data":{{"source":0,"texts":[{{"id":{seq},"value":""#
    );
    padded(head, r#""}]}}]}"#, DOM_BYTES)
}

/// A 16 KiB full snapshot batch (Meta + FullSnapshot).
pub fn full(sent_us: u64) -> String {
    let head = format!(
        r#"{{"type":"dom","full":true,"events":[{{"type":4,"timestamp":{sent_us},"data":{{"href":"http://127.0.0.1/bench","width":1280,"height":720}}}},{{"type":2,"timestamp":{sent_us},"data":{{"node":""#
    );
    padded(head, r#""}}]}"#, FULL_BYTES)
}

/// A pointer move; `x` carries the send time in microseconds (exact in an f64), `y` a counter.
pub fn pointer(sent_us: u64, seq: u64) -> String {
    format!(r#"{{"type":"pointer","x":{sent_us},"y":{seq}}}"#)
}

/// Reads what a frame is and when it was sent, from Duet's frames and from the bare relay's
/// (which forwards the client's frames unchanged).
pub fn parse(text: &str) -> Kind {
    if text.starts_with(r#"{"type":"dom","full":true"#) {
        Kind::Full
    } else if text.starts_with(r#"{"type":"dom""#) {
        number_after(text, r#""timestamp":"#).map_or(Kind::Other, Kind::Dom)
    } else if text.starts_with(r#"{"type":"pointer""#) {
        number_after(text, r#""x":"#).map_or(Kind::Other, Kind::Pointer)
    } else {
        Kind::Other
    }
}

fn number_after(text: &str, key: &str) -> Option<u64> {
    let start = text.find(key)? + key.len();
    let digits: &str = text[start..].split([',', '}']).next()?;
    // Duet re-encodes x as an f64 (`12.0` or `12`); both parse.
    digits.parse::<f64>().ok().map(|v| v as u64)
}

/// Whether a frame from Duet asks the customer for a fresh full snapshot.
pub fn is_snapshot_needed(text: &str) -> bool {
    text.starts_with(r#"{"type":"snapshot_needed""#)
}
