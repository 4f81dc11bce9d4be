//! The customer's tabs: which one is in front (the page agents see), switching to another tab
//! or to the one left when the front tab closes, and the snapshot the tab in front then sends.
//! A tab sent to the back stops recording; the one brought forward starts afresh, so agents
//! always start the new page from a full snapshot and never mix two pages' changes.

use super::{Outbound, Room};
use crate::engine::actor::Role;
use crate::engine::ids::ConnId;
use crate::engine::notice::Notice;

impl Room {
    /// Whether `conn` is the customer tab agents see.
    pub fn is_front(&self, conn: ConnId) -> bool {
        self.front == Some(conn)
    }

    /// Whether `conn` is a customer tab that agents do not see now.
    pub(super) fn is_back_tab(&self, conn: ConnId) -> bool {
        !self.is_front(conn)
            && self
                .peers
                .iter()
                .any(|peer| peer.conn == conn && peer.role == Role::Customer)
    }

    /// How many tabs of the customer are connected.
    pub fn customer_tabs(&self) -> usize {
        self.connections_of(&Role::Customer)
    }

    /// The customer looks at tab `conn` now: it goes in front, the tab that was in front is
    /// told to stand by, agents hear that the customer switched, and the new tab is asked for
    /// a snapshot when anyone watches. False when nothing changed (already in front, or not a
    /// customer tab).
    pub fn bring_to_front(&mut self, conn: ConnId) -> bool {
        if self.is_front(conn) || !self.is_back_tab(conn) {
            return false;
        }
        if let Some(previous) = self.front.replace(conn) {
            self.notify_where(
                |peer| peer.conn == previous,
                Outbound::Notice(Notice::Standby),
            );
        }
        self.tell_agents_of_switch(false);
        self.request_snapshot();
        true
    }

    /// The tab in front went away: the most recently connected other tab takes its place.
    pub(super) fn front_closed(&mut self) {
        self.front = self
            .peers
            .iter()
            .rev()
            .find(|peer| peer.role == Role::Customer)
            .map(|peer| peer.conn);
        if self.front.is_some() {
            self.tell_agents_of_switch(true);
            self.request_snapshot();
        }
    }

    fn tell_agents_of_switch(&mut self, closed: bool) {
        let notice = Notice::TabSwitched {
            tabs: self.customer_tabs(),
            closed,
        };
        self.notify_where(|peer| peer.sees_page(), Outbound::Notice(notice));
    }

    /// When anyone watches (an agent or a supervisor), they wait for a full snapshot and the tab in front is asked for
    /// one (the page records only while someone watches; see `session::tell::greet`).
    pub fn request_snapshot(&mut self) {
        if self.peers.iter().any(|peer| peer.sees_page()) {
            self.expect_full_snapshot();
            self.notify_front(Notice::SnapshotNeeded);
        }
    }

    /// Tells the customer tab in front something.
    pub fn notify_front(&mut self, notice: Notice) {
        let front = self.front;
        self.notify_where(|peer| Some(peer.conn) == front, Outbound::Notice(notice));
    }
}

#[cfg(test)]
mod tests {
    use super::super::Frame;
    use super::*;
    use crate::engine::actor::AgentId;
    use crate::engine::lane::Inbox;

    fn frame(text: &str) -> Frame {
        Frame::from(text.to_owned())
    }

    fn at() -> crate::engine::clock::Timestamp {
        crate::engine::clock::Timestamp::from_unix_millis(1_000)
    }

    fn notices(inbox: &mut Inbox) -> Vec<Notice> {
        let mut seen = Vec::new();
        while let Some(item) = inbox.queue.try_recv() {
            if let Outbound::Notice(notice) = item {
                seen.push(notice);
            }
        }
        seen
    }

    fn watched_room() -> (Room, Inbox, Inbox) {
        let mut room = Room::default();
        let first = room.attach(Role::Customer, false);
        let agent = room.attach(Role::Agent(AgentId("a".into())), false);
        (room, first, agent)
    }

    #[test]
    fn a_second_tab_waits_in_the_back_until_the_customer_looks_at_it() {
        let (mut room, mut first, mut agent) = watched_room();
        let mut second = room.attach(Role::Customer, false);
        assert!(room.is_front(first.conn));
        assert_eq!(room.customer_tabs(), 2);

        room.relay_page(second.conn, &frame("second page"), true, at());
        room.point(second.conn, &frame("second pointer"), at());
        assert!(
            agent.queue.try_recv().is_none(),
            "a tab in the back is not relayed"
        );
        assert!(!agent.pointer.has_changed().unwrap());
        room.point(agent.conn, &frame("agent pointer"), at());
        assert!(first.pointer.has_changed().unwrap());
        assert!(!second.pointer.has_changed().unwrap(), "nor pointed at");

        assert!(room.bring_to_front(second.conn));
        assert_eq!(notices(&mut first), vec![Notice::Standby]);
        assert_eq!(notices(&mut second), vec![Notice::SnapshotNeeded]);
        assert_eq!(
            notices(&mut agent),
            vec![Notice::TabSwitched {
                tabs: 2,
                closed: false
            }]
        );
        room.relay_page(first.conn, &frame("old page"), false, at());
        room.relay_page(second.conn, &frame("new page"), true, at());
        assert_eq!(
            agent.queue.try_recv().unwrap(),
            Outbound::Frame(frame("new page")),
            "agents see the tab in front, from its full snapshot"
        );
        assert!(!room.bring_to_front(second.conn), "already in front");
    }

    #[test]
    fn closing_the_tab_in_front_shows_the_other_and_closing_the_last_leaves_none() {
        let (mut room, first, mut agent) = watched_room();
        let mut second = room.attach(Role::Customer, false);
        room.detach(first.conn);
        assert!(room.is_front(second.conn));
        assert_eq!(notices(&mut second), vec![Notice::SnapshotNeeded]);
        assert_eq!(
            notices(&mut agent),
            vec![Notice::TabSwitched {
                tabs: 1,
                closed: true
            }]
        );
        room.detach(second.conn);
        assert!(!room.customer_connected());
        let third = room.attach(Role::Customer, false);
        assert!(room.is_front(third.conn), "a reload's new page is in front");
    }

    #[test]
    fn actions_and_annotations_go_to_the_tab_in_front_and_state_to_every_tab() {
        let (mut room, mut first, _agent) = watched_room();
        let mut second = room.attach(Role::Customer, false);
        room.send_to_front(&frame("action"), at());
        room.notify_customer(Notice::SnapshotNeeded);
        assert_eq!(
            first.queue.try_recv(),
            Some(Outbound::Frame(frame("action")))
        );
        assert!(first.queue.try_recv().is_some());
        assert_eq!(
            second.queue.try_recv(),
            Some(Outbound::Notice(Notice::SnapshotNeeded))
        );
        assert!(second.queue.try_recv().is_none());
    }

    #[test]
    fn an_agent_cannot_bring_itself_to_front() {
        let (mut room, _first, agent) = watched_room();
        assert!(!room.bring_to_front(agent.conn));
    }
}
