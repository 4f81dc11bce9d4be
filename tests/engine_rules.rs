//! The co-browse engine's rules, through its public API: ids, transitions, no rejoin,
//! one live co-browse per agent, conversation end, time limits, and telling both parties.
//! Every time rule takes `now`, so the tests pick their moments.

mod engine_support;

use duet::config::Timeouts;
use duet::engine::{
    Actor, ControlMode, ControlOutcome, EndReason, Inbox, JoinError, Notice, Outbound, Role, State,
};
use engine_support::{agent, ann_joins, at, create, session_state, sessions, watched_session};

fn drain(inbox: &mut Inbox) -> Vec<Outbound> {
    let mut items = Vec::new();
    while let Some(item) = inbox.queue.try_recv() {
        items.push(item);
    }
    items
}

#[tokio::test]
async fn a_customer_session_starts_idle_with_a_nine_digit_id() {
    let (registry, _) = sessions();
    let id = create(&registry, Some("conv-1"), at(0)).await;
    assert_eq!(id.to_string().len(), 9);
    let session = session_state(&registry, id).await;
    assert_eq!(session.state(), State::Idle);
    assert_eq!(session.conversation_id(), Some("conv-1"));
}

#[tokio::test]
async fn joining_makes_the_session_active_and_ending_makes_it_ended_with_a_reason() {
    let (registry, _) = sessions();
    let id = create(&registry, None, at(0)).await;
    let joined = ann_joins(&registry, id, at(1)).await;
    assert_eq!(joined.unwrap().state(), State::Active);
    assert!(
        registry
            .end(id, EndReason::CustomerExit, Actor::customer(), at(2))
            .await
    );
    let session = session_state(&registry, id).await;
    assert_eq!(session.state(), State::Ended);
    assert_eq!(session.end_reason(), Some(EndReason::CustomerExit));
    assert_eq!(session.ended_at(), Some(at(2)));
}

#[tokio::test]
async fn an_ended_session_cannot_be_rejoined_and_says_a_new_one_is_needed() {
    let (registry, _) = sessions();
    let id = create(&registry, None, at(0)).await;
    ann_joins(&registry, id, at(0)).await.unwrap();
    registry
        .end(id, EndReason::AgentExit, Actor::system(), at(1))
        .await;
    let refused = ann_joins(&registry, id, at(2)).await.unwrap_err();
    assert_eq!(refused, JoinError::Ended(id));
    assert!(refused.to_string().contains("start a new session"));
}

#[tokio::test]
async fn an_agent_in_a_live_co_browse_cannot_join_a_second_one() {
    let (registry, _) = sessions();
    let first = create(&registry, None, at(0)).await;
    let second = create(&registry, None, at(0)).await;
    ann_joins(&registry, first, at(0)).await.unwrap();
    let refused = ann_joins(&registry, second, at(1)).await.unwrap_err();
    assert_eq!(refused, JoinError::AgentBusy(first));
    assert!(
        refused
            .to_string()
            .contains("end it before joining another")
    );
    registry
        .end(first, EndReason::AgentExit, Actor::system(), at(2))
        .await;
    assert!(
        ann_joins(&registry, second, at(3)).await.is_ok(),
        "once the first ended the agent is free"
    );
}

#[tokio::test]
async fn ending_a_conversation_ends_every_session_linked_to_it_and_no_other() {
    let (registry, _) = sessions();
    let a = create(&registry, Some("conv-1"), at(0)).await;
    let b = create(&registry, Some("conv-1"), at(0)).await;
    let other = create(&registry, Some("conv-2"), at(0)).await;
    ann_joins(&registry, a, at(0)).await.unwrap();
    let mut ended = registry
        .end_conversation(
            "conv-1",
            duet::engine::Scope::Everything,
            &Actor::system(),
            at(1),
        )
        .await;
    ended.sort();
    let mut expected = vec![a, b];
    expected.sort();
    assert_eq!(ended, expected);
    let ended_a = session_state(&registry, a).await;
    assert_eq!(ended_a.end_reason(), Some(EndReason::InteractionEnded));
    assert_eq!(session_state(&registry, other).await.state(), State::Idle);
}

#[tokio::test]
async fn the_pending_session_of_a_conversation_is_the_newest_idle_one() {
    let (registry, _) = sessions();
    let older = create(&registry, Some("conv-1"), at(0)).await;
    let newer = create(&registry, Some("conv-1"), at(1)).await;
    assert_eq!(
        registry
            .pending_for_conversation(&duet::engine::TenantId::default(), "conv-1")
            .await,
        Some(newer)
    );
    ann_joins(&registry, newer, at(2)).await.unwrap();
    assert_eq!(
        registry
            .pending_for_conversation(&duet::engine::TenantId::default(), "conv-1")
            .await,
        Some(older)
    );
    assert_eq!(
        registry
            .pending_for_conversation(&duet::engine::TenantId::default(), "conv-9")
            .await,
        None
    );
}

#[tokio::test]
async fn both_parties_are_told_at_once_when_the_state_changes() {
    let (registry, _) = sessions();
    let id = create(&registry, None, at(0)).await;
    let mut customer = registry
        .attach(id, Role::Customer, at(0))
        .await
        .unwrap()
        .inbox;
    ann_joins(&registry, id, at(0)).await.unwrap();
    let mut console = registry
        .attach(id, Role::Agent(agent("ann")), at(0))
        .await
        .unwrap()
        .inbox;
    registry
        .end(id, EndReason::CustomerExit, Actor::customer(), at(1))
        .await;
    for inbox in [&mut customer, &mut console] {
        match drain(inbox).pop() {
            Some(Outbound::Notice(Notice::State { state, reason, .. })) => {
                assert_eq!(state, State::Ended);
                assert_eq!(reason, Some(EndReason::CustomerExit));
            }
            other => panic!("expected the ended notice, got {other:?}"),
        }
        assert!(inbox.queue.try_recv().is_none());
    }
}

#[tokio::test]
async fn an_agent_connection_asks_the_customer_for_a_fresh_snapshot() {
    let (registry, _) = sessions();
    let id = create(&registry, None, at(0)).await;
    let mut customer = registry
        .attach(id, Role::Customer, at(0))
        .await
        .unwrap()
        .inbox;
    ann_joins(&registry, id, at(0)).await.unwrap();
    let _console = registry.attach(id, Role::Agent(agent("ann")), at(0)).await;
    let asked = drain(&mut customer).contains(&Outbound::Notice(Notice::SnapshotNeeded));
    assert!(asked);
}

#[tokio::test]
async fn an_idle_session_nobody_joins_expires() {
    let (registry, _) = sessions();
    let id = create(&registry, None, at(0)).await;
    let expiry = Timeouts::default().idle_expiry.as_secs();
    assert!(registry.sweep(at(expiry - 1)).await.is_empty());
    assert_eq!(registry.sweep(at(expiry)).await, vec![id]);
    let expired = session_state(&registry, id).await;
    assert_eq!(expired.end_reason(), Some(EndReason::IdleExpired));
}

#[tokio::test]
async fn an_agent_who_does_not_come_back_within_the_grace_period_ends_the_session() {
    let (registry, _) = sessions();
    let (id, console) = watched_session(&registry).await;
    let ann = Role::Agent(agent("ann"));
    registry.detach(id, console.inbox.conn, &ann, at(10)).await;
    let grace = Timeouts::default().agent_grace.as_secs();
    assert!(registry.sweep(at(10 + grace - 1)).await.is_empty());
    assert_eq!(registry.sweep(at(10 + grace)).await, vec![id]);
    let ended = session_state(&registry, id).await;
    assert_eq!(ended.end_reason(), Some(EndReason::AgentAway));
}

#[tokio::test]
async fn an_agent_who_comes_back_within_the_grace_period_keeps_the_session() {
    let (registry, _) = sessions();
    let (id, console) = watched_session(&registry).await;
    let ann = Role::Agent(agent("ann"));
    registry.detach(id, console.inbox.conn, &ann, at(10)).await;
    let _back = registry.attach(id, ann, at(20)).await.unwrap();
    let grace = Timeouts::default().agent_grace.as_secs();
    assert!(registry.sweep(at(10 + grace)).await.is_empty());
}

#[tokio::test]
async fn no_activity_for_the_inactivity_time_ends_an_active_session() {
    let (registry, _) = sessions();
    let (id, _console) = watched_session(&registry).await;
    let inactivity = Timeouts::default().inactivity.as_secs();
    assert!(registry.sweep(at(inactivity - 1)).await.is_empty());
    assert_eq!(registry.sweep(at(inactivity)).await, vec![id]);
    let ended = session_state(&registry, id).await;
    assert_eq!(ended.end_reason(), Some(EndReason::Inactivity));
}

#[tokio::test]
async fn relaying_a_frame_counts_as_activity() {
    let (registry, _) = sessions();
    let (_, console) = watched_session(&registry).await;
    console.cell.relay(at(600), |_| ()).unwrap();
    let inactivity = Timeouts::default().inactivity.as_secs();
    assert!(registry.sweep(at(inactivity)).await.is_empty());
    assert_eq!(console.cell.state().await.last_activity(), at(600));
}

#[tokio::test]
async fn a_control_request_nobody_answers_lapses_after_its_time() {
    let (registry, _) = sessions();
    let (_, console) = watched_session(&registry).await;
    registry
        .request_control(&console.cell, &agent("ann"), at(5))
        .await
        .unwrap();
    let lapse = Timeouts::default().control_request.as_secs();
    registry.sweep(at(5 + lapse - 1)).await;
    assert!(console.cell.state().await.control_request().is_some());
    registry.sweep(at(5 + lapse)).await;
    let session = console.cell.state().await;
    assert!(
        session.control_request().is_none(),
        "the request should have lapsed"
    );
    assert_eq!(session.control(), ControlMode::Pointer);
    assert_eq!(session.control_outcome(), Some(ControlOutcome::Lapsed));
    assert_eq!(
        session.state(),
        State::Active,
        "a lapsed request does not end the session"
    );
}

#[tokio::test]
async fn an_approved_request_gives_that_agent_write_mode_until_revoked() {
    let (registry, _) = sessions();
    let (_, console) = watched_session(&registry).await;
    let cell = &console.cell;
    registry
        .request_control(cell, &agent("ann"), at(1))
        .await
        .unwrap();
    registry.answer_control(cell, true, at(2)).await.unwrap();
    let session = cell.state().await;
    assert_eq!(session.control(), ControlMode::Write);
    assert_eq!(session.control_holder(), Some(&agent("ann")));
    registry.revoke_control(cell, &Role::Customer, at(3)).await;
    let session = cell.state().await;
    assert_eq!(session.control(), ControlMode::Pointer);
    assert_eq!(session.control_outcome(), Some(ControlOutcome::Revoked));
}

#[tokio::test]
async fn a_customer_page_that_comes_back_while_an_agent_watches_is_asked_for_a_snapshot() {
    let (registry, _) = sessions();
    let (id, _console) = watched_session(&registry).await;
    let mut reloaded = registry
        .attach(id, Role::Customer, at(1))
        .await
        .unwrap()
        .inbox;
    let asked = drain(&mut reloaded).contains(&Outbound::Notice(Notice::SnapshotNeeded));
    assert!(asked, "the reloaded page must be asked for a full snapshot");
}

#[tokio::test]
async fn a_customer_page_with_nobody_watching_is_not_asked_for_a_snapshot() {
    let (registry, _) = sessions();
    let id = create(&registry, None, at(0)).await;
    let mut page = registry
        .attach(id, Role::Customer, at(0))
        .await
        .unwrap()
        .inbox;
    let asked = drain(&mut page).contains(&Outbound::Notice(Notice::SnapshotNeeded));
    assert!(!asked, "nothing should be recorded yet");
}

#[tokio::test]
async fn a_session_ended_an_hour_ago_is_forgotten() {
    let (registry, _) = sessions();
    let id = create(&registry, None, at(0)).await;
    registry
        .end(id, EndReason::CustomerExit, Actor::customer(), at(1))
        .await;
    registry.sweep(at(3600)).await;
    assert!(
        registry.get(id).is_some(),
        "a late join still hears it ended"
    );
    registry.sweep(at(3601)).await;
    assert!(registry.get(id).is_none());
}
