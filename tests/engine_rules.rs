//! The co-browse engine's rules, through its public API: ids, transitions, no rejoin,
//! one live co-browse per agent, conversation end, time limits, and telling both parties.

use std::time::Duration;

use duet::config::Timeouts;
use duet::engine::{AgentId, EndReason, JoinError, Notice, Outbound, Registry, Role, State};
use tokio::time::Instant;

fn registry() -> Registry {
    Registry::new(Timeouts::default())
}

/// A session Ann joined, with her console attached.
fn watched_session(registry: &Registry) -> (duet::engine::SessionId, duet::engine::Attachment) {
    let id = registry.create(None, Instant::now());
    registry.join(id, &agent("ann"), Instant::now()).unwrap();
    let console = registry
        .attach(id, Role::Agent(agent("ann")), Instant::now())
        .unwrap();
    (id, console)
}

fn agent(name: &str) -> AgentId {
    AgentId(name.to_owned())
}

#[test]
fn a_customer_session_starts_idle_with_a_nine_digit_id() {
    let registry = registry();
    let id = registry.create(Some("conv-1".into()), Instant::now());
    assert_eq!(id.to_string().len(), 9);
    let session = registry.get(id).unwrap().session();
    assert_eq!(session.state, State::Idle);
    assert_eq!(session.conversation_id.as_deref(), Some("conv-1"));
}

#[test]
fn joining_makes_the_session_active_and_ending_makes_it_ended_with_a_reason() {
    let registry = registry();
    let now = Instant::now();
    let id = registry.create(None, now);
    assert_eq!(
        registry.join(id, &agent("ann"), now).unwrap().state,
        State::Active
    );
    assert!(registry.end(id, EndReason::CustomerExit, now));
    let session = registry.get(id).unwrap().session();
    assert_eq!(session.state, State::Ended);
    assert_eq!(session.end_reason, Some(EndReason::CustomerExit));
}

#[test]
fn an_ended_session_cannot_be_rejoined_and_says_a_new_one_is_needed() {
    let registry = registry();
    let now = Instant::now();
    let id = registry.create(None, now);
    registry.join(id, &agent("ann"), now).unwrap();
    registry.end(id, EndReason::AgentExit, now);
    let refused = registry.join(id, &agent("ann"), now).unwrap_err();
    assert_eq!(refused, JoinError::Ended(id));
    assert!(refused.to_string().contains("start a new session"));
}

#[test]
fn an_agent_in_a_live_co_browse_cannot_join_a_second_one() {
    let registry = registry();
    let now = Instant::now();
    let first = registry.create(None, now);
    let second = registry.create(None, now);
    registry.join(first, &agent("ann"), now).unwrap();
    let refused = registry.join(second, &agent("ann"), now).unwrap_err();
    assert_eq!(refused, JoinError::AgentBusy(first));
    assert!(
        refused
            .to_string()
            .contains("end it before joining another")
    );
    registry.end(first, EndReason::AgentExit, now);
    assert!(
        registry.join(second, &agent("ann"), now).is_ok(),
        "once the first ended the agent is free"
    );
}

#[test]
fn ending_a_conversation_ends_every_session_linked_to_it_and_no_other() {
    let registry = registry();
    let now = Instant::now();
    let a = registry.create(Some("conv-1".into()), now);
    let b = registry.create(Some("conv-1".into()), now);
    let other = registry.create(Some("conv-2".into()), now);
    registry.join(a, &agent("ann"), now).unwrap();
    let mut ended = registry.end_conversation("conv-1", now);
    ended.sort();
    let mut expected = vec![a, b];
    expected.sort();
    assert_eq!(ended, expected);
    assert_eq!(
        registry.get(a).unwrap().session().end_reason,
        Some(EndReason::InteractionEnded)
    );
    assert_eq!(registry.get(other).unwrap().session().state, State::Idle);
}

#[test]
fn the_pending_session_of_a_conversation_is_the_newest_idle_one() {
    let registry = registry();
    let now = Instant::now();
    let older = registry.create(Some("conv-1".into()), now);
    let newer = registry.create(Some("conv-1".into()), now + Duration::from_secs(1));
    assert_eq!(registry.pending_for_conversation("conv-1"), Some(newer));
    registry.join(newer, &agent("ann"), now).unwrap();
    assert_eq!(registry.pending_for_conversation("conv-1"), Some(older));
    assert_eq!(registry.pending_for_conversation("conv-9"), None);
}

#[test]
fn both_parties_are_told_at_once_when_the_state_changes() {
    let registry = registry();
    let now = Instant::now();
    let id = registry.create(None, now);
    let mut customer = registry.attach(id, Role::Customer, now).unwrap().inbox;
    registry.join(id, &agent("ann"), now).unwrap();
    let mut console = registry
        .attach(id, Role::Agent(agent("ann")), now)
        .unwrap()
        .inbox;
    registry.end(id, EndReason::CustomerExit, now);
    let last = |inbox: &mut duet::engine::Inbox| {
        let mut last = None;
        while let Ok(item) = inbox.queue.try_recv() {
            last = Some(item);
        }
        last
    };
    for inbox in [&mut customer, &mut console] {
        match last(inbox) {
            Some(Outbound::Notice(Notice::State { state, reason, .. })) => {
                assert_eq!(state, State::Ended);
                assert_eq!(reason, Some(EndReason::CustomerExit));
            }
            other => panic!("expected the ended notice, got {other:?}"),
        }
    }
}

#[test]
fn an_agent_connection_asks_the_customer_for_a_fresh_snapshot() {
    let registry = registry();
    let now = Instant::now();
    let id = registry.create(None, now);
    let mut customer = registry.attach(id, Role::Customer, now).unwrap().inbox;
    registry.join(id, &agent("ann"), now).unwrap();
    registry.attach(id, Role::Agent(agent("ann")), now).unwrap();
    let mut asked = false;
    while let Ok(item) = customer.queue.try_recv() {
        asked |= item == Outbound::Notice(Notice::SnapshotNeeded);
    }
    assert!(asked);
}

#[tokio::test(start_paused = true)]
async fn an_idle_session_nobody_joins_expires() {
    let registry = registry();
    let id = registry.create(None, Instant::now());
    tokio::time::advance(Timeouts::default().idle_expiry - Duration::from_secs(1)).await;
    assert!(registry.sweep(Instant::now()).is_empty());
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(
        registry.sweep(Instant::now()),
        vec![(id, EndReason::IdleExpired)]
    );
}

#[tokio::test(start_paused = true)]
async fn an_agent_who_does_not_come_back_within_the_grace_period_ends_the_session() {
    let registry = registry();
    let (id, console) = watched_session(&registry);
    registry.detach(id, console.inbox.conn, Instant::now());
    tokio::time::advance(Timeouts::default().agent_grace).await;
    assert_eq!(
        registry.sweep(Instant::now()),
        vec![(id, EndReason::AgentAway)]
    );
}

#[tokio::test(start_paused = true)]
async fn no_activity_for_the_inactivity_time_ends_an_active_session() {
    let registry = registry();
    let (id, _console) = watched_session(&registry);
    tokio::time::advance(Timeouts::default().inactivity).await;
    assert_eq!(
        registry.sweep(Instant::now()),
        vec![(id, EndReason::Inactivity)]
    );
}

#[tokio::test(start_paused = true)]
async fn a_control_request_nobody_answers_lapses_after_its_time() {
    let registry = registry();
    let (_, console) = watched_session(&registry);
    console
        .cell
        .request_control(&agent("ann"), "Ann", Instant::now())
        .unwrap();
    tokio::time::advance(Timeouts::default().control_request).await;
    registry.sweep(Instant::now());
    let session = console.cell.session();
    assert!(
        session.control_request.is_none(),
        "the request should have lapsed"
    );
    assert_eq!(session.control, duet::engine::ControlMode::Pointer);
    assert_eq!(
        session.control_outcome,
        Some(duet::engine::ControlOutcome::Lapsed)
    );
    assert_eq!(
        session.state,
        State::Active,
        "a lapsed request does not end the session"
    );
}

#[test]
fn a_customer_page_that_comes_back_while_an_agent_watches_is_asked_for_a_snapshot() {
    let registry = registry();
    let now = Instant::now();
    let id = registry.create(None, now);
    registry.join(id, &agent("ann"), now).unwrap();
    let _console = registry.attach(id, Role::Agent(agent("ann")), now).unwrap();
    let mut reloaded = registry.attach(id, Role::Customer, now).unwrap().inbox;
    let mut asked = false;
    while let Ok(item) = reloaded.queue.try_recv() {
        asked |= item == Outbound::Notice(Notice::SnapshotNeeded);
    }
    assert!(asked, "the reloaded page must be asked for a full snapshot");
}

#[test]
fn a_customer_page_with_nobody_watching_is_not_asked_for_a_snapshot() {
    let registry = registry();
    let now = Instant::now();
    let id = registry.create(None, now);
    let mut page = registry.attach(id, Role::Customer, now).unwrap().inbox;
    while let Ok(item) = page.queue.try_recv() {
        assert_ne!(
            item,
            Outbound::Notice(Notice::SnapshotNeeded),
            "nothing should be recorded yet"
        );
    }
}
