//! One connection's lanes: a queue for page changes and notices, bounded in frames and in bytes
//! so a reader that falls behind can pin only so much memory, and a latest-wins slot for
//! pointers, so a pointer never waits behind a large batch.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use tokio::sync::{mpsc, watch};

use super::ids::ConnId;
use super::room::{Frame, Outbound};

/// How many frames may wait for one reader before it is resynced or dropped.
pub const QUEUE_FRAMES: usize = 256;
/// How many bytes may wait for one reader. A reader that never reads used to pin 256 frames of
/// up to 8 MiB each (60 × 8 MiB took a server from 134 to 502 MiB); now a full snapshot fits,
/// twice, and no more.
pub const QUEUE_BYTES: usize = 16 * 1024 * 1024;
/// What a notice counts for (they are small and few).
const NOTICE_BYTES: usize = 256;

/// The sending side, kept in the room.
#[derive(Debug)]
pub(super) struct Lane {
    /// Each item with when it was pushed, for the relay latency (`crate::metrics`).
    queue: mpsc::Sender<(Outbound, Instant)>,
    queued: Arc<AtomicUsize>,
    pointer: watch::Sender<Option<Frame>>,
}

/// The queue is full, in frames or in bytes, or its reader is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Full;

impl Lane {
    /// A lane and the inbox its connection task reads.
    pub(super) fn open(conn: ConnId) -> (Self, Inbox) {
        let (queue_tx, queue_rx) = mpsc::channel(QUEUE_FRAMES);
        let (pointer_tx, pointer_rx) = watch::channel(None);
        let queued = Arc::new(AtomicUsize::new(0));
        let lane = Self {
            queue: queue_tx,
            queued: queued.clone(),
            pointer: pointer_tx,
        };
        let inbox = Inbox {
            conn,
            queue: Queue {
                items: queue_rx,
                queued,
                pushed_at: None,
            },
            pointer: pointer_rx,
        };
        (lane, inbox)
    }

    /// Queues `item` unless that would pass the bound in frames or bytes; an item larger than
    /// the whole byte bound still goes into an empty queue.
    pub(super) fn offer(&self, item: Outbound) -> Result<(), Full> {
        let weight = weight(&item);
        let before = self.queued.fetch_add(weight, Ordering::AcqRel);
        if before > 0 && before + weight > QUEUE_BYTES {
            self.queued.fetch_sub(weight, Ordering::AcqRel);
            return Err(Full);
        }
        crate::metrics::queued(QUEUE_FRAMES - self.queue.capacity());
        self.queue.try_send((item, Instant::now())).map_err(|_| {
            self.queued.fetch_sub(weight, Ordering::AcqRel);
            Full
        })
    }

    /// Replaces the pointer waiting in the slot.
    pub(super) fn point(&self, frame: &Frame) {
        self.pointer.send_replace(Some(frame.clone()));
    }
}

/// The receiving ends a connection task reads from.
#[derive(Debug)]
pub struct Inbox {
    /// This connection's number.
    pub conn: ConnId,
    /// Page changes and notices, in order.
    pub queue: Queue,
    /// The other side's latest pointer.
    pub pointer: watch::Receiver<Option<Frame>>,
}

/// The receiving end of a lane's queue, which keeps the byte count honest as items leave.
#[derive(Debug)]
pub struct Queue {
    items: mpsc::Receiver<(Outbound, Instant)>,
    queued: Arc<AtomicUsize>,
    pushed_at: Option<Instant>,
}

impl Queue {
    /// The next page change or notice, in order; `None` once the room dropped this connection.
    /// Cancel-safe: an item is only taken when this resolves.
    pub async fn recv(&mut self) -> Option<Outbound> {
        let (item, pushed_at) = self.items.recv().await?;
        self.taken(item, pushed_at)
    }

    /// The next item if one waits now.
    pub fn try_recv(&mut self) -> Option<Outbound> {
        let (item, pushed_at) = self.items.try_recv().ok()?;
        self.taken(item, pushed_at)
    }

    fn taken(&mut self, item: Outbound, pushed_at: Instant) -> Option<Outbound> {
        self.queued.fetch_sub(weight(&item), Ordering::AcqRel);
        self.pushed_at = Some(pushed_at);
        Some(item)
    }

    /// When the item taken last was pushed (for the relay latency, once it is written).
    pub fn pushed_at(&self) -> Option<Instant> {
        self.pushed_at
    }

    /// Whether nothing waits in the queue.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Bytes waiting in the queue.
    pub fn queued_bytes(&self) -> usize {
        self.queued.load(Ordering::Acquire)
    }
}

fn weight(item: &Outbound) -> usize {
    match item {
        Outbound::Frame(Frame::Text(text)) => text.len(),
        Outbound::Frame(Frame::Binary(bytes)) => bytes.len(),
        Outbound::Notice(_) => NOTICE_BYTES,
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn frame_of(bytes: usize) -> Outbound {
        Outbound::Frame(Frame::Binary(Bytes::from(vec![0; bytes])))
    }

    #[test]
    fn a_lane_holds_no_more_bytes_than_its_bound_however_few_the_frames() {
        let (lane, mut inbox) = Lane::open(ConnId::next());
        let eight_mib = 8 * 1024 * 1024;
        assert_eq!(lane.offer(frame_of(eight_mib)), Ok(()));
        assert_eq!(lane.offer(frame_of(eight_mib)), Ok(()));
        assert_eq!(lane.offer(frame_of(eight_mib)), Err(Full));
        assert_eq!(inbox.queue.queued_bytes(), QUEUE_BYTES);

        inbox.queue.try_recv().unwrap();
        assert_eq!(inbox.queue.queued_bytes(), eight_mib);
        assert_eq!(
            lane.offer(frame_of(eight_mib)),
            Ok(()),
            "room again once read"
        );
    }

    #[test]
    fn a_frame_larger_than_the_bound_still_goes_into_an_empty_lane() {
        let (lane, mut inbox) = Lane::open(ConnId::next());
        assert_eq!(lane.offer(frame_of(QUEUE_BYTES + 1)), Ok(()));
        assert_eq!(lane.offer(frame_of(1)), Err(Full));
        inbox.queue.try_recv().unwrap();
        assert_eq!(inbox.queue.queued_bytes(), 0);
    }

    #[test]
    fn a_lane_holds_no_more_frames_than_its_bound_however_small() {
        let (lane, _inbox) = Lane::open(ConnId::next());
        for _ in 0..QUEUE_FRAMES {
            assert_eq!(lane.offer(frame_of(1)), Ok(()));
        }
        assert_eq!(lane.offer(frame_of(1)), Err(Full));
    }
}
