//! The room's relay rules: held agents, full snapshots first, slow readers, latest-wins pointers.
use super::*;

#[test]
fn a_held_agent_gets_no_page_pointer_or_signal_and_sends_none_until_released() {
    let mut room = Room::default();
    let mut customer = room.attach(Role::Customer, false);
    let mut waiting = room.attach(Role::Agent(AgentId("bo".into())), true);
    room.relay_to_agents(&frame("page"), true);
    room.point(customer.conn, &frame("pointer"), at());
    room.send_to_others(customer.conn, &frame("signal"));
    assert!(waiting.queue.try_recv().is_none());
    assert!(!waiting.pointer.has_changed().unwrap());

    room.point(waiting.conn, &frame("pointer"), at());
    room.send_to_others(waiting.conn, &frame("signal"));
    assert!(customer.queue.try_recv().is_none());
    assert!(!customer.pointer.has_changed().unwrap());
    assert_eq!(
        room.agents_connected(),
        0,
        "a held agent does not count as watching"
    );

    room.release(&Role::Agent(AgentId("bo".into())));
    room.relay_to_agents(&frame("partial"), false);
    room.relay_to_agents(&frame("full"), true);
    assert_eq!(
        waiting.queue.try_recv().unwrap(),
        Outbound::Frame(frame("full")),
        "released, the agent starts from a full snapshot"
    );
}

fn frame(text: &str) -> Frame {
    Frame::from(text.to_owned())
}

fn at() -> Timestamp {
    Timestamp::from_unix_millis(1_000)
}

#[test]
fn a_new_agent_waits_for_a_full_snapshot_before_partial_batches() {
    let mut room = Room::default();
    let mut agent = room.attach(Role::Agent(AgentId("a".into())), false);
    room.relay_to_agents(&frame("partial"), false);
    assert!(agent.queue.try_recv().is_none());
    room.relay_to_agents(&frame("full"), true);
    room.relay_to_agents(&frame("partial"), false);
    assert_eq!(
        agent.queue.try_recv().unwrap(),
        Outbound::Frame(frame("full"))
    );
    assert_eq!(
        agent.queue.try_recv().unwrap(),
        Outbound::Frame(frame("partial"))
    );
}

#[test]
fn a_slow_agent_is_resynced_instead_of_growing_a_queue() {
    let mut room = Room::default();
    let _agent = room.attach(Role::Agent(AgentId("a".into())), false);
    room.relay_to_agents(&frame("full"), true);
    let mut asked = false;
    for _ in 0..super::super::lane::QUEUE_FRAMES + 10 {
        asked |= room.relay_to_agents(&frame("partial"), false);
    }
    assert!(
        asked,
        "a full queue must ask the customer for a fresh snapshot"
    );
    assert!(room.any_agent_needs_snapshot());
}

#[test]
fn binary_frames_follow_the_same_full_snapshot_rule() {
    let mut room = Room::default();
    let mut agent = room.attach(Role::Agent(AgentId("a".into())), false);
    let partial = Frame::Binary(Bytes::from_static(&[0, 1, 2]));
    let full = Frame::Binary(Bytes::from_static(&[1, 3, 4]));
    room.relay_to_agents(&partial, false);
    room.relay_to_agents(&full, true);
    assert_eq!(agent.queue.try_recv().unwrap(), Outbound::Frame(full));
    assert!(agent.queue.try_recv().is_none());
}

#[test]
fn pointers_keep_only_the_latest_position() {
    let mut room = Room::default();
    let customer = room.attach(Role::Customer, false);
    let agent = room.attach(Role::Agent(AgentId("a".into())), false);
    for x in 0..100 {
        room.point(customer.conn, &frame(&format!("{x}")), at());
    }
    assert_eq!(*agent.pointer.borrow(), Some(frame("99")));
}
