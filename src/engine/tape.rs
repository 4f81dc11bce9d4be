//! What a co-browse session's recording is fed from the relay path: the page changes of the
//! tab in front, both pointers (at most ten a second each), and the actions and annotations
//! that went to the customer, each stamped with when it was relayed. The engine only hands
//! entries to a bounded channel ([`TapeDeck`]); `recording::writer` keeps them. A full channel
//! costs the recording, never the relay: the tape marks a gap and starts again at the next
//! full snapshot, so a player can always rebuild the page from where the tape goes on.
//!
//! The end is taped only when the session's room closes ([`Tape::end`]); a tape dropped
//! without it (Duet stopping with the session live) tapes nothing more, so the file stops as
//! it would on a crash, and the resumed session's tape goes on after a gap.

use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::mpsc;

use super::clock::Timestamp;
use super::ids::TenantId;
use super::room::Frame;

/// Entries waiting for the writer at most; past this the recording has a gap. The writer takes
/// them every 100 ms (`recording::writer::WRITE_EVERY`): room for 1,000 sessions at the relay
/// bench's 30 entries a second, several times over; an entry is a few dozen bytes and a
/// reference to the frame the agents got anyway.
pub const TAPE_CHANNEL_ENTRIES: usize = 32_768;
/// The least time between two taped positions of one pointer, in milliseconds.
pub const POINTER_TAPE_MS: i64 = 100;

/// What one taped entry holds; the number is its byte in the recording file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum TapeKind {
    /// A binary page-changes frame, byte for byte as relayed (see `web::binary`).
    Page = 1,
    /// A `dom` text frame, as relayed (older scripts).
    PageText = 2,
    /// A pointer frame as relayed (binary, or a `pointer` text frame).
    Pointer = 3,
    /// A text frame that went to the customer: an agent's action or annotation.
    Message = 4,
    /// The recording misses something before the next entry; the payload says why.
    Gap = 5,
    /// The session's room closed: the recording is over. The payload is empty, or says what
    /// went missing after the last entry (a gap no full snapshot came after).
    End = 6,
}

impl TapeKind {
    /// The kind a recording file's byte stands for.
    pub fn from_byte(byte: u8) -> Option<Self> {
        Some(match byte {
            1 => Self::Page,
            2 => Self::PageText,
            3 => Self::Pointer,
            4 => Self::Message,
            5 => Self::Gap,
            6 => Self::End,
            _ => return None,
        })
    }
}

/// One entry on its way to the writer.
#[derive(Debug, Clone, PartialEq)]
pub struct Taped {
    /// Whose session it is.
    pub tenant: TenantId,
    /// The session's id.
    pub session: Arc<str>,
    /// When it was relayed.
    pub at: Timestamp,
    /// What it is.
    pub kind: TapeKind,
    /// The frame's bytes (or the gap's reason).
    pub payload: Bytes,
}

/// What the rooms send the recorder: an entry, or a request to say once everything sent before
/// it is written (a clean stop waits for that).
#[derive(Debug)]
pub enum ToRecorder {
    /// An entry to write.
    Entry(Taped),
    /// Answer once everything before this is written.
    Flush(tokio::sync::oneshot::Sender<()>),
}

/// Which tenants record, as the service decides (their policy).
pub type Wants = Arc<dyn Fn(&TenantId) -> bool + Send + Sync>;

/// Where the rooms of recorded sessions send their entries.
#[derive(Clone)]
pub struct TapeDeck {
    sender: mpsc::Sender<ToRecorder>,
    wants: Wants,
}

impl std::fmt::Debug for TapeDeck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TapeDeck { .. }")
    }
}

impl TapeDeck {
    /// A deck for the tenants `wants` names, and the receiving end for the writer.
    pub fn new(wants: Wants) -> (Self, mpsc::Receiver<ToRecorder>) {
        let (sender, receiver) = mpsc::channel(TAPE_CHANNEL_ENTRIES);
        (Self { sender, wants }, receiver)
    }

    /// Waits until everything taped so far is written (or the recorder is gone).
    pub async fn flush(&self) {
        let (done, written) = tokio::sync::oneshot::channel();
        if self.sender.send(ToRecorder::Flush(done)).await.is_ok() {
            let _ = written.await;
        }
    }

    /// A tape for session `session` of `tenant`, unless the tenant does not record.
    pub fn tape(&self, tenant: &TenantId, session: &str) -> Option<Tape> {
        (self.wants)(tenant).then(|| Tape {
            sender: self.sender.clone(),
            tenant: tenant.clone(),
            session: Arc::from(session),
            started: false,
            gap: None,
            pointer_at: [i64::MIN; 2],
            last_at: None,
        })
    }
}

/// One session's recording, held by its room.
#[derive(Debug)]
pub struct Tape {
    sender: mpsc::Sender<ToRecorder>,
    tenant: TenantId,
    session: Arc<str>,
    /// A full snapshot was taped since the start or the last gap.
    started: bool,
    /// Why entries were lost, until the next full snapshot says so in the recording.
    gap: Option<&'static str>,
    /// When each pointer (customer, agent) was last taped.
    pointer_at: [i64; 2],
    /// When the last entry was taped (the end is stamped with it), if any was.
    last_at: Option<Timestamp>,
}

impl Tape {
    /// Page changes relayed to agents; partial ones wait for a full snapshot first.
    pub fn page(&mut self, at: Timestamp, frame: &Frame, full: bool) {
        if full {
            if let Some(reason) = self.gap.take() {
                self.put(at, TapeKind::Gap, Bytes::from_static(reason.as_bytes()));
            }
            self.started = self.gap.is_none();
        }
        if !self.started {
            return;
        }
        let kind = match frame {
            Frame::Binary(_) => TapeKind::Page,
            Frame::Text(_) => TapeKind::PageText,
        };
        self.put(at, kind, bytes_of(frame));
    }

    /// A pointer position, at most every [`POINTER_TAPE_MS`] per pointer.
    pub fn pointer(&mut self, at: Timestamp, frame: &Frame, customer: bool) {
        let last = &mut self.pointer_at[usize::from(!customer)];
        if !self.started || at.unix_millis().saturating_sub(*last) < POINTER_TAPE_MS {
            return;
        }
        *last = at.unix_millis();
        self.put(at, TapeKind::Pointer, bytes_of(frame));
    }

    /// An action or annotation that went to the customer.
    pub fn message(&mut self, at: Timestamp, frame: &Frame) {
        if self.started {
            self.put(at, TapeKind::Message, bytes_of(frame));
        }
    }

    /// Something was missed (Duet stopped, say): the recording says so at the next full snapshot.
    pub fn gap(&mut self, reason: &'static str) {
        self.gap.get_or_insert(reason);
        self.started = false;
    }

    /// The session's room closed at `at`: tapes the end, stamped with the last entry's time (or
    /// `at` when this tape taped nothing), carrying the reason of a gap still waiting for a
    /// full snapshot, since what it lost is lost for good.
    pub fn end(self, at: Timestamp) {
        let payload = self
            .gap
            .map_or_else(Bytes::new, |reason| Bytes::from_static(reason.as_bytes()));
        let _ = self.sender.try_send(ToRecorder::Entry(Taped {
            tenant: self.tenant.clone(),
            session: self.session.clone(),
            at: self.last_at.unwrap_or(at),
            kind: TapeKind::End,
            payload,
        }));
    }

    fn put(&mut self, at: Timestamp, kind: TapeKind, payload: Bytes) {
        self.last_at = Some(at);
        let entry = Taped {
            tenant: self.tenant.clone(),
            session: self.session.clone(),
            at,
            kind,
            payload,
        };
        if self.sender.try_send(ToRecorder::Entry(entry)).is_err() {
            self.gap("the recorder fell behind");
        }
    }
}

fn bytes_of(frame: &Frame) -> Bytes {
    match frame {
        Frame::Binary(bytes) => bytes.clone(),
        Frame::Text(text) => Bytes::copy_from_slice(text.as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The next entry the rooms sent, if any.
    fn recv(taped: &mut mpsc::Receiver<ToRecorder>) -> Result<Taped, ()> {
        match taped.try_recv() {
            Ok(ToRecorder::Entry(entry)) => Ok(entry),
            _ => Err(()),
        }
    }

    fn page(byte: u8) -> Frame {
        Frame::Binary(Bytes::from(vec![byte]))
    }

    fn at(millis: i64) -> Timestamp {
        Timestamp::from_unix_millis(millis)
    }

    #[test]
    fn a_full_channel_costs_a_gap_and_the_tape_goes_on_at_the_next_full_snapshot() {
        let (deck, mut taped) = TapeDeck::new(Arc::new(|_| true));
        let mut tape = deck.tape(&TenantId::default(), "123456789").unwrap();
        tape.page(at(1), &page(0), false);
        tape.page(at(2), &page(1), true);
        for n in 0..TAPE_CHANNEL_ENTRIES {
            tape.page(at(3 + n as i64), &page(0), false);
        }
        let mut kept = Vec::new();
        while let Ok(entry) = recv(&mut taped) {
            kept.push(entry);
        }
        assert_eq!(
            kept.len(),
            TAPE_CHANNEL_ENTRIES,
            "the first partial was not taped"
        );
        assert_eq!(&kept[0].payload[..], &[1]);

        tape.page(at(20_000), &page(0), false);
        tape.message(at(20_001), &page(9));
        assert!(recv(&mut taped).is_err(), "nothing until a full snapshot");
        tape.page(at(20_002), &page(1), true);
        let gap = recv(&mut taped).unwrap();
        assert_eq!(gap.kind, TapeKind::Gap);
        assert_eq!(&gap.payload[..], b"the recorder fell behind");
        assert_eq!(recv(&mut taped).unwrap().kind, TapeKind::Page);
    }

    #[test]
    fn pointers_are_taped_ten_times_a_second_at_most_each_and_the_end_when_the_room_closes() {
        let (deck, mut taped) = TapeDeck::new(Arc::new(|_| true));
        let mut tape = deck.tape(&TenantId::default(), "123456789").unwrap();
        tape.page(at(0), &page(1), true);
        for millis in (0..1_000).step_by(10) {
            tape.pointer(at(millis), &page(2), true);
            tape.pointer(at(millis), &page(3), false);
        }
        tape.end(at(5_000));
        let mut pointers = 0;
        let mut last = None;
        while let Ok(entry) = recv(&mut taped) {
            pointers += usize::from(entry.kind == TapeKind::Pointer);
            last = Some(entry.kind);
        }
        assert_eq!(pointers, 20);
        assert_eq!(last, Some(TapeKind::End));
    }

    #[test]
    fn a_tenant_that_does_not_record_gets_no_tape() {
        let (deck, _taped) = TapeDeck::new(Arc::new(|tenant| tenant.as_str() != "quiet"));
        assert!(deck.tape(&TenantId::new("quiet"), "1").is_none());
        assert!(deck.tape(&TenantId::new("loud"), "1").is_some());
    }

    #[test]
    fn a_tape_dropped_without_its_end_tapes_nothing_and_an_end_after_a_lost_gap_says_why() {
        let (deck, mut taped) = TapeDeck::new(Arc::new(|_| true));
        let mut tape = deck.tape(&TenantId::default(), "123456789").unwrap();
        tape.page(at(10), &page(1), true);
        drop(tape);
        assert_eq!(recv(&mut taped).unwrap().kind, TapeKind::Page);
        assert!(recv(&mut taped).is_err(), "Duet stopping is no end");

        let mut resumed = deck.tape(&TenantId::default(), "123456789").unwrap();
        resumed.gap("Duet stopped and started again");
        resumed.end(at(9_000));
        let end = recv(&mut taped).unwrap();
        assert_eq!(end.kind, TapeKind::End);
        assert_eq!(&end.payload[..], b"Duet stopped and started again");
        assert_eq!(
            end.at,
            at(9_000),
            "a tape that taped nothing ends when the room closed"
        );

        let mut whole = deck.tape(&TenantId::default(), "123456789").unwrap();
        whole.page(at(20), &page(1), true);
        whole.end(at(30_000));
        assert_eq!(recv(&mut taped).unwrap().kind, TapeKind::Page);
        let end = recv(&mut taped).unwrap();
        assert!(end.payload.is_empty());
        assert_eq!(end.at, at(20), "the end is stamped with the last entry");
    }
}
