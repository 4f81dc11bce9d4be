//! The skeleton both kinds of registry share: every [`Cell`] of one kind of [`Machine`] by id,
//! the one-live-per-agent rule, attaching and detaching connections, ending (alone or by
//! conversation), the sweep that applies time limits, and picking up after a restart.
//! `cobrowse.rs` and `screenshare.rs` add what is particular to each kind.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use super::actor::{Actor, AgentId, Role};
use super::cell::{Cell, record};
use super::clock::Timestamp;
use super::event::Happened;
use super::ids::{ConnId, TenantId};
use super::lane::Inbox;
use super::machine::{AttachError, Machine};
use super::session::{JoinError, MAX_WATCHED};
use super::sink::{EventSink, Unrecorded};
use super::tape::TapeDeck;
use crate::config::Timeouts;

/// Every session (or every share) this process holds.
pub struct Registry<M: Machine> {
    index: Mutex<Index<M>>,
    pub(super) sink: Arc<dyn EventSink>,
    pub(super) timeouts: Timeouts,
    /// Where recorded ones tape what agents see (co-browse sessions only).
    deck: Option<TapeDeck>,
}

impl<M: Machine> std::fmt::Debug for Registry<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").finish_non_exhaustive()
    }
}

pub(super) struct Index<M: Machine> {
    pub(super) cells: HashMap<M::Id, Arc<Cell<M>>>,
    /// Ids drawn but not yet recorded, so no one else draws them meanwhile.
    pub(super) reserved: HashSet<M::Id>,
    pub(super) live_by_agent: HashMap<AgentId, M::Id>,
}

/// What a conversation's end may reach.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// Every tenant's (the administrator key).
    Everything,
    /// One tenant's (its chat platform's key).
    Tenant(&'a TenantId),
    /// Only what this agent is in.
    HeldBy(&'a AgentId),
}

/// What an attached connection gets.
#[derive(Debug)]
pub struct Attachment<M: Machine> {
    /// The session or share, to relay through without the registry's lock.
    pub cell: Arc<Cell<M>>,
    /// The lanes to read.
    pub inbox: Inbox,
}

impl<M: Machine> Registry<M> {
    /// An empty registry that records to `sink` and applies these time limits.
    pub fn new(sink: Arc<dyn EventSink>, timeouts: Timeouts) -> Self {
        let index = Index {
            cells: HashMap::new(),
            reserved: HashSet::new(),
            live_by_agent: HashMap::new(),
        };
        Self {
            index: Mutex::new(index),
            sink,
            timeouts,
            deck: None,
        }
    }

    /// Records what agents see of each one whose tenant `deck` wants, on that deck.
    pub fn with_tapes(mut self, deck: TapeDeck) -> Self {
        self.deck = Some(deck);
        self
    }

    /// Waits until everything recorded so far is written (a clean stop).
    pub async fn flush_recordings(&self) {
        if let Some(deck) = &self.deck {
            deck.flush().await;
        }
    }

    pub(super) fn index(&self) -> MutexGuard<'_, Index<M>> {
        self.index
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The session or share with this id, live or recently ended.
    pub fn get(&self, id: M::Id) -> Option<Arc<Cell<M>>> {
        self.index().cells.get(&id).cloned()
    }

    /// Every cell now, to look through without holding the registry's lock.
    pub(super) fn cells(&self) -> Vec<Arc<Cell<M>>> {
        self.index().cells.values().cloned().collect()
    }

    /// Records a new machine's creation, then holds it. Its id must have been reserved.
    pub(super) async fn insert(
        &self,
        machine: M,
        happened: Vec<Happened>,
        now: Timestamp,
    ) -> Result<Arc<Cell<M>>, Unrecorded> {
        let id = machine.id();
        let recorded = record(&*self.sink, &machine, &happened, now).await;
        let mut index = self.index();
        index.reserved.remove(&id);
        recorded?;
        if machine.is_live() {
            for agent in machine.agents() {
                index.live_by_agent.insert(agent, id);
            }
        }
        let cell = Arc::new(Cell::new(machine));
        let tape = self.deck.as_ref().filter(|_| cell.is_live());
        if let Some(tape) = tape.and_then(|deck| deck.tape(cell.tenant(), &id.to_string())) {
            cell.room().record_on(tape);
        }
        index.cells.insert(id, cell.clone());
        Ok(cell)
    }

    /// Attaches a connection of `role`: a party that had left is back (and recorded so).
    pub async fn attach(
        &self,
        id: M::Id,
        role: Role,
        now: Timestamp,
    ) -> Result<Attachment<M>, AttachError> {
        let cell = self.get(id).ok_or_else(|| M::not_found(id))?;
        if let Role::Supervisor(supervisor) = &role
            && self.watched_elsewhere(supervisor, id) >= MAX_WATCHED
        {
            return Err(AttachError::Occupied(
                JoinError::WatchingEnough(MAX_WATCHED).to_string(),
            ));
        }
        let inbox = cell
            .apply(
                &*self.sink,
                now,
                |machine, room| {
                    machine.admits(&role)?;
                    let first = room.connections_of(&role) == 0;
                    let happened = if first {
                        machine.arrived(&role, now)
                    } else {
                        Vec::new()
                    };
                    Ok::<_, AttachError>(((), happened))
                },
                |machine, room, ()| {
                    let inbox = room.attach(role.clone(), machine.holds(&role));
                    machine.announce(room);
                    machine.greet(inbox.conn, &role, room);
                    inbox
                },
            )
            .await?;
        Ok(Attachment { cell, inbox })
    }

    /// How many others than `id` `supervisor` has a connection watching now.
    pub(super) fn watched_elsewhere(&self, supervisor: &AgentId, id: M::Id) -> usize {
        self.cells()
            .iter()
            .filter(|cell| cell.id() != id)
            .filter(|cell| cell.room().watching_supervisors().contains(supervisor))
            .count()
    }

    /// Detaches a connection; when it was `role`'s last, the party has left.
    pub async fn detach(&self, id: M::Id, conn: ConnId, role: &Role, now: Timestamp) {
        let Some(cell) = self.get(id) else { return };
        let detached = cell.apply(
            &*self.sink,
            now,
            |machine, room| {
                let mine = usize::from(room.role_of(conn).is_some());
                let others = room.connections_of(role).saturating_sub(mine);
                let agents_left = room.agents_connected_besides(conn);
                let happened = if others == 0 && machine.is_live() {
                    machine.departed(role, agents_left, now)
                } else {
                    Vec::new()
                };
                Ok::<_, Unrecorded>(((), happened))
            },
            |machine, room, ()| {
                if room.detach(conn).is_some() && machine.is_live() {
                    machine.announce(room);
                }
                // An agent it no longer counts (a request to join withdrawn) holds nothing here.
                match role {
                    Role::Agent(agent) if !machine.agents().contains(agent) => Some(agent.clone()),
                    _ => None,
                }
            },
        );
        // Leaving never needs a record to take effect, so this cannot be refused.
        if let Ok(Some(agent)) = detached.await {
            self.unclaim(&agent, id);
        }
    }

    /// Ends it for good and tells everyone; false when it was unknown or already over.
    pub async fn end(&self, id: M::Id, reason: M::EndReason, by: Actor, now: Timestamp) -> bool {
        let Some(cell) = self.get(id) else {
            return false;
        };
        let ended = cell
            .apply(
                &*self.sink,
                now,
                |machine, _| {
                    let happened = machine.end(reason, by, now);
                    Ok::<_, Unrecorded>((!happened.is_empty(), happened))
                },
                |_, _, ended| ended,
            )
            .await
            .unwrap_or(false);
        if ended {
            self.release(id);
        }
        ended
    }

    /// Ends what is live, belongs to the conversation and lies within `scope` (`by` ended it);
    /// returns their ids.
    pub async fn end_conversation(
        &self,
        conversation: &str,
        scope: Scope<'_>,
        by: &Actor,
        now: Timestamp,
    ) -> Vec<M::Id> {
        let mut ended = Vec::new();
        for cell in self.cells().into_iter().filter(|cell| cell.is_live()) {
            let machine = cell.state().await;
            let within = match scope {
                Scope::Everything => true,
                Scope::Tenant(tenant) => machine.tenant() == tenant,
                Scope::HeldBy(agent) => machine.agents().contains(agent),
            };
            let linked = within && machine.conversation() == Some(conversation);
            let id = cell.id();
            if linked && self.end(id, M::INTERACTION_ENDED, by.clone(), now).await {
                ended.push(id);
            }
        }
        ended
    }

    /// Applies the time limits at `now`: ends what is due and forgets what ended long ago.
    /// Returns what ended.
    pub async fn sweep(&self, now: Timestamp) -> Vec<M::Id> {
        let mut ended = Vec::new();
        for cell in self.cells() {
            let outcome = cell.apply(
                &*self.sink,
                now,
                |machine, _| {
                    let was_live = machine.is_live();
                    let happened = machine.tick(now, &self.timeouts);
                    let ended = was_live && !machine.is_live();
                    Ok::<_, Unrecorded>(((ended, machine.ended_at()), happened))
                },
                |_, _, outcome| outcome,
            );
            let Ok((just_ended, ended_at)) = outcome.await else {
                continue;
            };
            if just_ended {
                self.release(cell.id());
                ended.push(cell.id());
            }
            if ended_at.is_some_and(|at| now.since(at) >= M::ENDED_RETENTION) {
                self.index().cells.remove(&cell.id());
            }
        }
        ended
    }

    /// Holds machines read back after a restart; live ones resume (recorded), and their time
    /// limits apply from the next sweep. `stopped_at` is when this node was last known to run.
    pub async fn restore(
        &self,
        machines: Vec<M>,
        stopped_at: Timestamp,
        clean: bool,
        now: Timestamp,
    ) -> Result<usize, Unrecorded> {
        let mut resumed = 0;
        for mut machine in machines {
            let happened = machine.resume(stopped_at, clean, now);
            resumed += usize::from(!happened.is_empty());
            let cell = self.insert(machine, happened, now).await?;
            cell.room().tape_gap("Duet stopped and started again");
        }
        Ok(resumed)
    }

    /// One transition of `cell` that `f` computes; recorded, applied, told.
    pub(super) async fn change<E: From<Unrecorded>>(
        &self,
        cell: &Cell<M>,
        now: Timestamp,
        f: impl FnOnce(&mut M) -> Result<Vec<Happened>, E>,
    ) -> Result<(), E> {
        cell.apply(
            &*self.sink,
            now,
            |machine, _| Ok(((), f(machine)?)),
            |_, _, ()| (),
        )
        .await
    }

    /// Forgets that `agent` is in `id` (turned away, or gave up asking).
    pub(super) fn unclaim(&self, agent: &AgentId, id: M::Id) {
        let mut index = self.index();
        if index.live_by_agent.get(agent) == Some(&id) {
            index.live_by_agent.remove(agent);
        }
    }

    /// Forgets which agents a just-ended id held.
    pub(super) fn release(&self, id: M::Id) {
        self.index().live_by_agent.retain(|_, held| *held != id);
    }

    /// How many are live now.
    pub fn live_count(&self) -> usize {
        self.index()
            .cells
            .values()
            .filter(|cell| cell.is_live())
            .count()
    }

    /// How many live ones are in each of `states`, named by `state_of` (read at scrape time).
    pub async fn live_by_state(
        &self,
        states: &[&'static str],
        state_of: impl Fn(&M) -> &'static str,
    ) -> Vec<(&'static str, usize)> {
        let mut counts: Vec<(&'static str, usize)> = states.iter().map(|s| (*s, 0)).collect();
        for cell in self.cells().into_iter().filter(|cell| cell.is_live()) {
            let state = cell.inspect(|machine, _| state_of(machine)).await;
            if let Some(slot) = counts.iter_mut().find(|(name, _)| *name == state) {
                slot.1 += 1;
            }
        }
        counts
    }

    /// The activity of each live one that moved since the last call: (tenant, id, last).
    pub fn unflushed_activity(&self) -> Vec<(TenantId, M::Id, Timestamp)> {
        let mut moved = Vec::new();
        for cell in self.cells().into_iter().filter(|cell| cell.is_live()) {
            if let Some(last) = cell.unflushed_activity() {
                moved.push((cell.tenant().clone(), cell.id(), last));
            }
        }
        moved
    }
}
