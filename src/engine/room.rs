//! The people connected to one session and the lanes (`lane.rs`) that carry frames to each of
//! them: a queue bounded in frames and bytes for page changes and notices, and a latest-wins
//! slot for pointers. A connection can be *held*: an agent waiting for the customer's consent
//! hears notices but no page content, pointer or signal, and sends none.

use std::sync::Arc;

use super::actor::{AgentId, Role};
use super::ids::ConnId;
use super::lane::{Inbox, Lane};
use super::notice::Notice;
use super::tape::Tape;
use crate::engine::clock::Timestamp;
use bytes::Bytes;

mod tabs;

/// An already-encoded frame, relayed without being parsed again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A JSON text frame.
    Text(Arc<str>),
    /// A binary frame (the customer's compressed page changes), byte for byte as it came.
    Binary(Bytes),
}

impl From<String> for Frame {
    fn from(text: String) -> Self {
        Frame::Text(Arc::from(text))
    }
}

/// One item on a participant's queue.
#[derive(Debug, Clone, PartialEq)]
pub enum Outbound {
    /// A relayed frame, already encoded.
    Frame(Frame),
    /// Something the engine says.
    Notice(Notice),
}

#[derive(Debug)]
struct Peer {
    conn: ConnId,
    role: Role,
    lane: Lane,
    needs_full_snapshot: bool,
    /// Waiting for the customer's consent: notices only.
    held: bool,
}

impl Peer {
    fn is_viewer(&self) -> bool {
        matches!(self.role, Role::Agent(_)) && !self.held
    }

    /// Gets the page: an agent who may see it, or a watching supervisor.
    fn sees_page(&self) -> bool {
        matches!(self.role, Role::Agent(_) | Role::Supervisor(_)) && !self.held
    }
}

/// Everyone connected to one session or share. Once closed (it ended), it takes no one.
///
/// The customer may have several tabs of the site connected; one of them is *in front*: the
/// page agents see, the only one whose page changes and pointer are relayed, and the one
/// agents' actions and annotations go to (`tabs.rs`).
#[derive(Debug, Default)]
pub struct Room {
    peers: Vec<Peer>,
    /// The customer tab agents see.
    front: Option<ConnId>,
    /// The recording, when the session is recorded (`tape.rs`); it ends when the room closes.
    tape: Option<Tape>,
    closed: bool,
}

impl Room {
    /// Adds a connection, `held` when it may only hear notices. A customer tab is put in front
    /// when no other is connected (a reload, or the first tab); another waits until it says it
    /// is in front ([`Room::bring_to_front`]).
    pub fn attach(&mut self, role: Role, held: bool) -> Inbox {
        let conn = ConnId::next();
        if role == Role::Customer && self.front.is_none() {
            self.front = Some(conn);
        }
        let (lane, inbox) = Lane::open(conn);
        let needs_full_snapshot = matches!(role, Role::Agent(_) | Role::Supervisor(_));
        self.peers.push(Peer {
            conn,
            role,
            lane,
            needs_full_snapshot,
            held,
        });
        inbox
    }

    /// Removes a connection; returns its role when it was still attached. When it was the tab
    /// in front, the customer's most recent other tab takes its place.
    pub fn detach(&mut self, conn: ConnId) -> Option<Role> {
        let index = self.peers.iter().position(|peer| peer.conn == conn)?;
        let role = self.peers.remove(index).role;
        if self.front == Some(conn) {
            self.front_closed();
        }
        Some(role)
    }

    /// The role of an attached connection.
    pub fn role_of(&self, conn: ConnId) -> Option<&Role> {
        self.peers
            .iter()
            .find(|peer| peer.conn == conn)
            .map(|peer| &peer.role)
    }

    /// How many agent connections that may see the page are attached.
    pub fn agents_connected(&self) -> usize {
        self.peers.iter().filter(|peer| peer.is_viewer()).count()
    }

    /// How many agent connections that may see the page would remain without `conn`.
    pub fn agents_connected_besides(&self, conn: ConnId) -> usize {
        self.peers
            .iter()
            .filter(|peer| peer.is_viewer() && peer.conn != conn)
            .count()
    }

    /// The agents whose connections may see the page, once each, in the order they connected.
    pub fn viewing_agents(&self) -> Vec<AgentId> {
        let mut agents: Vec<AgentId> = Vec::new();
        for peer in self.peers.iter().filter(|peer| peer.is_viewer()) {
            if let Role::Agent(agent) = &peer.role
                && !agents.contains(agent)
            {
                agents.push(agent.clone());
            }
        }
        agents
    }

    /// The supervisors whose connections watch now, once each, in the order they connected.
    pub fn watching_supervisors(&self) -> Vec<AgentId> {
        let mut watching: Vec<AgentId> = Vec::new();
        for peer in &self.peers {
            if let Role::Supervisor(id) = &peer.role
                && !watching.contains(id)
            {
                watching.push(id.clone());
            }
        }
        watching
    }

    /// Lets a held agent's (or supervisor's) connections see the page from the next full
    /// snapshot on.
    pub fn release(&mut self, role: &Role) {
        for peer in self.peers.iter_mut().filter(|peer| peer.role == *role) {
            peer.held = false;
            peer.needs_full_snapshot = true;
        }
    }

    fn is_held(&self, conn: ConnId) -> bool {
        self.peers.iter().any(|peer| peer.conn == conn && peer.held)
    }

    /// Whether the customer's page is connected.
    pub fn customer_connected(&self) -> bool {
        self.peers.iter().any(|peer| peer.role == Role::Customer)
    }

    /// How many connections `role` has attached.
    pub fn connections_of(&self, role: &Role) -> usize {
        self.peers.iter().filter(|peer| peer.role == *role).count()
    }

    /// Whether the session or share is over: relaying stops and nobody may attach.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Relays a batch of page changes from the customer tab `from` to every agent, and asks that
    /// tab for a fresh snapshot when an agent fell behind. A tab that is not in front is not
    /// relayed (it was just sent to the back and had not heard yet).
    ///
    /// An agent that is waiting for a full snapshot skips partial batches (they would not apply);
    /// an agent whose queue is full is marked to wait for the next full snapshot.
    pub fn relay_page(&mut self, from: ConnId, frame: &Frame, full_snapshot: bool, at: Timestamp) {
        if self.front != Some(from) {
            return;
        }
        if self.agents_connected() > 0
            && let Some(tape) = &mut self.tape
        {
            tape.page(at, frame, full_snapshot);
        }
        if self.relay_to_agents(frame, full_snapshot) {
            self.notify_front(Notice::SnapshotNeeded);
        }
    }

    /// Records the session from now on (its first full snapshot), on `tape`.
    pub fn record_on(&mut self, tape: Tape) {
        self.tape = Some(tape);
    }

    /// The recording misses what happens until the next full snapshot, for `reason`.
    pub fn tape_gap(&mut self, reason: &'static str) {
        if let Some(tape) = &mut self.tape {
            tape.gap(reason);
        }
    }

    fn relay_to_agents(&mut self, frame: &Frame, full_snapshot: bool) -> bool {
        let mut snapshot_needed = false;
        for peer in self.peers.iter_mut().filter(|p| p.sees_page()) {
            if peer.needs_full_snapshot && !full_snapshot {
                continue;
            }
            match peer.lane.offer(Outbound::Frame(frame.clone())) {
                Ok(()) => peer.needs_full_snapshot = false,
                Err(_) => {
                    crate::metrics::resync();
                    peer.needs_full_snapshot = true;
                    snapshot_needed = true;
                }
            }
        }
        snapshot_needed
    }

    /// Makes every agent skip page changes until the next full snapshot (the page reloaded).
    pub fn expect_full_snapshot(&mut self) {
        for peer in self
            .peers
            .iter_mut()
            .filter(|p| matches!(p.role, Role::Agent(_) | Role::Supervisor(_)))
        {
            peer.needs_full_snapshot = true;
        }
    }

    /// Whether any agent still waits for a full snapshot.
    pub fn any_agent_needs_snapshot(&self) -> bool {
        self.peers.iter().any(|p| p.needs_full_snapshot)
    }

    /// Sends a frame to every connection except `from`, on the queue (for messages that must
    /// not be lost); a held connection neither sends nor receives.
    pub fn send_to_others(&mut self, from: ConnId, frame: &Frame) {
        if self.is_held(from) {
            return;
        }
        self.notify_where(
            |peer| peer.conn != from && !peer.held,
            Outbound::Frame(frame.clone()),
        );
    }

    /// Puts a pointer position in every other connection's latest-wins slot (held ones aside;
    /// nothing from or to a customer tab that is not in front).
    pub fn point(&mut self, from: ConnId, frame: &Frame, at: Timestamp) {
        if self.is_held(from) || self.is_back_tab(from) {
            return;
        }
        let customer = self.role_of(from) == Some(&Role::Customer);
        if let Some(tape) = &mut self.tape {
            tape.pointer(at, frame, customer);
        }
        let front = self.front;
        let to = |p: &&Peer| {
            p.conn != from && !p.held && (p.role != Role::Customer || Some(p.conn) == front)
        };
        for peer in self.peers.iter().filter(to) {
            peer.lane.point(frame);
        }
    }

    /// Tells every connection something; a connection that cannot take it is dropped, so it reconnects.
    pub fn notify_all(&mut self, notice: Notice) {
        self.notify_where(|_| true, Outbound::Notice(notice));
    }

    /// Sends a frame (an action, an annotation) to the customer tab in front only, on the queue.
    pub fn send_to_front(&mut self, frame: &Frame, at: Timestamp) {
        if let Some(tape) = &mut self.tape {
            tape.message(at, frame);
        }
        let front = self.front;
        self.notify_where(
            |peer| Some(peer.conn) == front,
            Outbound::Frame(frame.clone()),
        );
    }

    /// Tells one agent's connections something.
    pub fn notify_agent(&mut self, agent: &AgentId, notice: Notice) {
        let wanted = Role::Agent(agent.clone());
        self.notify_where(|peer| peer.role == wanted, Outbound::Notice(notice));
    }

    /// Tells every connection of `role` something.
    pub fn notify_role(&mut self, role: &Role, notice: Notice) {
        self.notify_where(|peer| peer.role == *role, Outbound::Notice(notice));
    }

    /// Tells every tab of the customer something.
    pub fn notify_customer(&mut self, notice: Notice) {
        self.notify_where(|peer| peer.role == Role::Customer, Outbound::Notice(notice));
    }

    fn notify_where(&mut self, wanted: impl Fn(&Peer) -> bool, item: Outbound) {
        self.peers
            .retain(|peer| !wanted(peer) || peer.lane.offer(item.clone()).is_ok());
    }

    /// Drops every connection for good (their tasks see the queue close and hang up) and ends
    /// the recording, the session having ended at `at`.
    pub fn close(&mut self, at: Timestamp) {
        self.peers.clear();
        self.front = None;
        if let Some(tape) = self.tape.take() {
            tape.end(at);
        }
        self.closed = true;
    }
}

#[cfg(test)]
mod tests;
