//! The frames the load sends, as Duet's customer script sends them (binary `dom` and pointer
//! frames, `src/web/binary.rs`), each traceable to its send time, and the cheap reading of that
//! time on the receiving side. Duet relays `dom` frames byte for byte, and the bare relay
//! forwards everything unchanged, so the send time rides inside the frame.

use std::sync::atomic::{AtomicU64, Ordering};

/// Size of one `dom` batch frame, as the issue asks.
pub const DOM_BYTES: usize = 1024;
/// Size of the full snapshot sent once per session (and on every `snapshot_needed`).
pub const FULL_BYTES: usize = 16 * 1024;
/// Byte 0 of a binary frame: a full snapshot, a partial batch, a pointer.
const FULL: u8 = 1;
const PARTIAL: u8 = 0;
const POINTER: u8 = 2;
/// Pointer send times a session remembers (a pointer is read long before its slot comes round).
const POINTER_SLOTS: usize = 4096;

/// What a received frame was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A partial `dom` batch, with its send time in microseconds.
    Dom(u64),
    /// A `dom` batch that starts with a full snapshot.
    Full,
    /// A pointer move, with its sequence number (six bytes leave no room for a time).
    Pointer(u32),
    /// Anything else.
    Other,
}

/// A 1 KiB binary `dom` frame: flags, then the send time in microseconds and a counter.
pub fn dom(sent_us: u64, seq: u64) -> Vec<u8> {
    stamped(PARTIAL, sent_us, seq, DOM_BYTES)
}

/// A 16 KiB binary `dom` frame that starts a full snapshot.
pub fn full(sent_us: u64) -> Vec<u8> {
    stamped(FULL, sent_us, 0, FULL_BYTES)
}

fn stamped(flags: u8, sent_us: u64, seq: u64, size: usize) -> Vec<u8> {
    let mut frame = Vec::with_capacity(size);
    frame.push(flags);
    frame.extend_from_slice(&sent_us.to_le_bytes());
    frame.extend_from_slice(&seq.to_le_bytes());
    frame.resize(size, b'x');
    frame
}

/// A six-byte pointer frame whose x and y carry the sequence number.
pub fn pointer(seq: u32) -> Vec<u8> {
    let [a, b, c, d] = seq.to_le_bytes();
    vec![POINTER, 0, a, b, c, d]
}

/// Reads what a binary frame is, from Duet's frames and from the bare relay's.
pub fn parse(frame: &[u8]) -> Kind {
    match frame {
        [POINTER, _, a, b, c, d] => Kind::Pointer(u32::from_le_bytes([*a, *b, *c, *d])),
        [FULL, ..] => Kind::Full,
        [PARTIAL, rest @ ..] if rest.len() >= 8 => {
            let mut time = [0u8; 8];
            time.copy_from_slice(&rest[..8]);
            Kind::Dom(u64::from_le_bytes(time))
        }
        _ => Kind::Other,
    }
}

/// Whether a text frame from Duet asks the customer for a fresh full snapshot.
pub fn is_snapshot_needed(text: &str) -> bool {
    text.starts_with(r#"{"type":"snapshot_needed""#)
}

/// One session's pointer send times by sequence number, written by the publisher and read by
/// the subscriber.
pub struct PointerClock(Vec<AtomicU64>);

impl Default for PointerClock {
    fn default() -> Self {
        Self((0..POINTER_SLOTS).map(|_| AtomicU64::new(0)).collect())
    }
}

impl PointerClock {
    /// Notes when pointer `seq` was sent.
    pub fn sent(&self, seq: u32, sent_us: u64) {
        self.0[seq as usize % POINTER_SLOTS].store(sent_us, Ordering::Relaxed);
    }

    /// When pointer `seq` was sent.
    pub fn sent_at(&self, seq: u32) -> u64 {
        self.0[seq as usize % POINTER_SLOTS].load(Ordering::Relaxed)
    }
}
