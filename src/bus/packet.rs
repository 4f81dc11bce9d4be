//! One piece of a link's traffic as NATS messages: each message is a 10-byte header (kind, whether
//! it ends its piece, sequence number) and up to a chunk of the piece's bytes, so a piece larger
//! than the server's payload limit is split and joined; a missing sequence number is a gap.

use bytes::{BufMut, Bytes, BytesMut};

/// Header bytes before each chunk.
pub const HEADER: usize = 10;

/// What travels over a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A text frame (JSON).
    Text(Bytes),
    /// A binary frame.
    Binary(Bytes),
    /// The far end closed, with a WebSocket close code and reason.
    Close(u16, String),
}

impl Piece {
    fn kind(&self) -> u8 {
        match self {
            Self::Text(_) => 0,
            Self::Binary(_) => 1,
            Self::Close(..) => 2,
        }
    }

    fn body(&self) -> Bytes {
        match self {
            Self::Text(bytes) | Self::Binary(bytes) => bytes.clone(),
            Self::Close(code, reason) => {
                let mut body = BytesMut::with_capacity(2 + reason.len());
                body.put_u16(*code);
                body.put_slice(reason.as_bytes());
                body.freeze()
            }
        }
    }
}

/// Numbers and splits the pieces one side sends.
#[derive(Debug)]
pub struct Splitter {
    next: u64,
    chunk: usize,
}

impl Splitter {
    /// Splits into messages of at most `max_payload` bytes, header included.
    pub fn new(max_payload: usize) -> Self {
        Self {
            next: 0,
            chunk: max_payload.saturating_sub(HEADER).max(1),
        }
    }

    /// The messages that carry `piece`, in order (at least one).
    pub fn split(&mut self, piece: &Piece) -> Vec<Bytes> {
        let body = piece.body();
        let mut messages = Vec::with_capacity(body.len() / self.chunk + 1);
        let mut offset = 0;
        loop {
            let end = (offset + self.chunk).min(body.len());
            let last = end == body.len();
            let mut message = BytesMut::with_capacity(HEADER + end - offset);
            message.put_u8(piece.kind());
            message.put_u8(u8::from(last));
            message.put_u64(self.next);
            message.put_slice(&body[offset..end]);
            self.next += 1;
            messages.push(message.freeze());
            if last {
                return messages;
            }
            offset = end;
        }
    }
}

/// Why a link cannot be read on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Broken {
    /// A message went missing (the bus dropped it, or the far end restarted its numbering).
    #[error("message {expected} of the link went missing (got {got})")]
    Gap {
        /// The sequence number that was due.
        expected: u64,
        /// The one that came.
        got: u64,
    },
    /// A message that is not a link message.
    #[error("a link message was malformed")]
    Malformed,
}

/// Joins the messages one side receives back into pieces, checking their numbers.
#[derive(Debug, Default)]
pub struct Joiner {
    next: u64,
    kind: Option<u8>,
    parts: BytesMut,
}

impl Joiner {
    /// Takes one message: a whole piece when it ends one, `None` while a piece is incomplete.
    pub fn take(&mut self, message: &[u8]) -> Result<Option<Piece>, Broken> {
        if message.len() < HEADER {
            return Err(Broken::Malformed);
        }
        let (kind, last) = (message[0], message[1] == 1);
        let seq = u64::from_be_bytes(
            message[2..HEADER]
                .try_into()
                .map_err(|_| Broken::Malformed)?,
        );
        if seq != self.next {
            return Err(Broken::Gap {
                expected: self.next,
                got: seq,
            });
        }
        self.next += 1;
        if self.kind.is_some_and(|started| started != kind) {
            return Err(Broken::Malformed);
        }
        self.kind = Some(kind);
        let chunk = &message[HEADER..];
        if !last {
            self.parts.extend_from_slice(chunk);
            return Ok(None);
        }
        self.kind = None;
        let body = if self.parts.is_empty() {
            Bytes::copy_from_slice(chunk)
        } else {
            self.parts.extend_from_slice(chunk);
            self.parts.split().freeze()
        };
        piece(kind, body).map(Some)
    }
}

fn piece(kind: u8, body: Bytes) -> Result<Piece, Broken> {
    match kind {
        0 => Ok(Piece::Text(body)),
        1 => Ok(Piece::Binary(body)),
        2 if body.len() >= 2 => {
            let code = u16::from_be_bytes([body[0], body[1]]);
            let reason = String::from_utf8_lossy(&body[2..]).into_owned();
            Ok(Piece::Close(code, reason))
        }
        _ => Err(Broken::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn carry(splitter: &mut Splitter, joiner: &mut Joiner, piece: &Piece) -> Option<Piece> {
        let mut out = None;
        for message in splitter.split(piece) {
            out = joiner.take(&message).expect("in order");
        }
        out
    }

    #[test]
    fn a_piece_larger_than_the_payload_limit_is_split_and_joined_whole() {
        let (mut splitter, mut joiner) = (Splitter::new(64), Joiner::default());
        let big = Piece::Binary(Bytes::from(
            (0..1000u32).map(|i| i as u8).collect::<Vec<_>>(),
        ));
        let messages = Splitter::new(64).split(&big).len();
        assert_eq!(messages, 1000usize.div_ceil(64 - HEADER));
        assert_eq!(carry(&mut splitter, &mut joiner, &big), Some(big));
        let small = Piece::Text(Bytes::from_static(b"{}"));
        assert_eq!(carry(&mut splitter, &mut joiner, &small), Some(small));
        let empty = Piece::Text(Bytes::new());
        assert_eq!(carry(&mut splitter, &mut joiner, &empty), Some(empty));
        let close = Piece::Close(4008, "fell behind".into());
        assert_eq!(carry(&mut splitter, &mut joiner, &close), Some(close));
    }

    #[test]
    fn a_missing_message_is_a_gap() {
        let (mut splitter, mut joiner) = (Splitter::new(1024), Joiner::default());
        let first = splitter.split(&Piece::Text(Bytes::from_static(b"1")));
        let _lost = splitter.split(&Piece::Text(Bytes::from_static(b"2")));
        let third = splitter.split(&Piece::Text(Bytes::from_static(b"3")));
        assert!(joiner.take(&first[0]).unwrap().is_some());
        assert_eq!(
            joiner.take(&third[0]),
            Err(Broken::Gap {
                expected: 1,
                got: 2
            })
        );
    }

    #[test]
    fn garbage_is_refused_not_a_panic() {
        let mut joiner = Joiner::default();
        assert_eq!(joiner.take(b"short"), Err(Broken::Malformed));
        let mut bad_kind = vec![9, 1];
        bad_kind.extend_from_slice(&0u64.to_be_bytes());
        assert_eq!(joiner.take(&bad_kind), Err(Broken::Malformed));
    }
}
