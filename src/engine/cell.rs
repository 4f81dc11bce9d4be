//! One session or share behind its locks: the state machine behind an async lock that serialises
//! its transitions, and beside it the [`Room`] of its connections behind a short lock that the
//! relay path takes alone. A transition is computed on a copy, recorded, then applied and told:
//! nobody hears of a change the sink refused, and everyone hears of changes in order.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::clock::{Activity, Timestamp};
use super::event::{Event, Happened};
use super::ids::TenantId;
use super::machine::Machine;
use super::room::Room;
use super::sink::{EventSink, Unrecorded};

/// One state machine and the connections to it.
#[derive(Debug)]
pub struct Cell<M: Machine> {
    id: M::Id,
    tenant: TenantId,
    machine: tokio::sync::Mutex<M>,
    room: Mutex<Room>,
    activity: Activity,
    flushed_activity: AtomicI64,
}

impl<M: Machine> Cell<M> {
    /// Holds `machine`; its room is closed from the start when it has already ended.
    pub(super) fn new(machine: M) -> Self {
        let mut room = Room::default();
        if !machine.is_live() {
            room.close(machine.activity().last());
        }
        let activity = machine.activity();
        Self {
            id: machine.id(),
            tenant: machine.tenant().clone(),
            flushed_activity: AtomicI64::new(activity.last().unix_millis()),
            activity,
            machine: tokio::sync::Mutex::new(machine),
            room: Mutex::new(room),
        }
    }

    /// Its id.
    pub fn id(&self) -> M::Id {
        self.id
    }

    /// Whose it is.
    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }

    /// A copy of its state now.
    pub async fn state(&self) -> M {
        self.machine.lock().await.clone()
    }

    /// Runs `f` on the state and the room together, changing no state (to check and forward).
    pub async fn inspect<U>(&self, f: impl FnOnce(&M, &mut Room) -> U) -> U {
        let machine = self.machine.lock().await;
        let mut room = self.room();
        f(&machine, &mut room)
    }

    /// Whether it is still going (its room closes when it ends).
    pub fn is_live(&self) -> bool {
        !self.room().is_closed()
    }

    pub(super) fn room(&self) -> MutexGuard<'_, Room> {
        self.room
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the room to relay a frame, marking activity; `None` once it has ended.
    pub fn relay<T>(&self, now: Timestamp, f: impl FnOnce(&mut Room) -> T) -> Option<T> {
        let mut room = self.room();
        if room.is_closed() {
            return None;
        }
        self.activity.touch(now);
        Some(f(&mut room))
    }

    /// The last activity when it moved since the previous call (for the store's heartbeat).
    pub(super) fn unflushed_activity(&self) -> Option<Timestamp> {
        let last = self.activity.last();
        let before = self
            .flushed_activity
            .swap(last.unix_millis(), Ordering::Relaxed);
        (last.unix_millis() > before).then_some(last)
    }

    /// One transition: `change` computes it on a copy (reading the room), the sink records what
    /// happened, then the copy becomes the state, `then` runs on the room, and everyone is told.
    /// A change that needs recording is refused when the sink cannot record it.
    pub(super) async fn apply<T, U, E>(
        &self,
        sink: &dyn EventSink,
        now: Timestamp,
        change: impl FnOnce(&mut M, &Room) -> Result<(T, Vec<Happened>), E>,
        then: impl FnOnce(&M, &mut Room, T) -> U,
    ) -> Result<U, E>
    where
        E: From<Unrecorded>,
    {
        let mut machine = self.machine.lock().await;
        let mut next = machine.clone();
        let (value, happened) = {
            let room = self.room();
            change(&mut next, &room)?
        };
        record(sink, &next, &happened, now).await?;
        *machine = next;
        let mut room = self.room();
        let outcome = then(&machine, &mut room, value);
        machine.tell(&happened, &mut room);
        if !machine.is_live() {
            room.close(now);
        }
        Ok(outcome)
    }
}

/// Sends what happened to the sink and waits; a refusal matters only for changes that need it.
pub(super) async fn record<M: Machine>(
    sink: &dyn EventSink,
    machine: &M,
    happened: &[Happened],
    now: Timestamp,
) -> Result<(), Unrecorded> {
    if happened.is_empty() {
        return Ok(());
    }
    let events = happened
        .iter()
        .map(|h| Event {
            at: now,
            tenant: machine.tenant().clone(),
            subject: machine.subject(),
            actor: h.actor.clone(),
            change: h.change.clone(),
            after: Some(machine.snapshot()),
        })
        .collect();
    match sink.emit(events).await {
        Err(refused) if happened.iter().any(|h| h.change.needs_record()) => Err(refused),
        _ => Ok(()),
    }
}
