//! Every state change is one event to the sink, in order, before anyone is told: what the audit
//! trail and the store read. A change that grants something waits for its record; one that takes
//! something away never does.

mod engine_support;

use duet::engine::{
    Actor, ActorRole, Change, ControlError, ControlMode, EndReason, JoinError, Notice, Outbound,
    Role, Sharer, Snapshot, State, Subject, Unrecorded,
};
use engine_support::{
    agent, ann_joins, at, create, session_state, sessions, share, shares, watched_session,
};

#[tokio::test]
async fn a_session_from_start_to_end_emits_one_event_per_change_in_order() {
    let (registry, sink) = sessions();
    let (id, console) = watched_session(&registry).await;
    let cell = &console.cell;
    registry
        .request_control(cell, &agent("ann"), at(1))
        .await
        .unwrap();
    registry.answer_control(cell, true, at(2)).await.unwrap();
    registry.revoke_control(cell, &Role::Customer, at(3)).await;
    let ann = Sharer::Agent {
        id: agent("ann"),
        name: "Ann".into(),
    };
    registry
        .start_share(cell, ann.clone(), at(4))
        .await
        .unwrap();
    registry.stop_share(cell, &ann, at(5)).await;
    registry
        .end(id, EndReason::CustomerExit, Actor::customer(), at(6))
        .await;
    assert_eq!(
        sink.actions(),
        [
            "session.created",
            "session.joined",
            "control.requested",
            "control.approved",
            "control.revoked",
            "share.started",
            "share.ended",
            "session.ended",
        ]
    );
    let events = sink.events();
    assert!(events.iter().all(|e| e.subject == Subject::Session(id)));
    assert_eq!(events[1].actor, Actor::agent(&agent("ann"), "Ann"));
    assert_eq!(events[3].actor.role, ActorRole::Customer);
    assert_eq!(events[7].at, at(6));
}

#[tokio::test]
async fn each_event_carries_the_state_after_its_change() {
    let (registry, sink) = sessions();
    let (_, console) = watched_session(&registry).await;
    registry
        .request_control(&console.cell, &agent("ann"), at(1))
        .await
        .unwrap();
    registry
        .answer_control(&console.cell, true, at(2))
        .await
        .unwrap();
    let approved = sink.events().pop().unwrap();
    let Some(Snapshot::Session(after)) = approved.after else {
        panic!("a session event carries the session");
    };
    assert_eq!(after.control(), ControlMode::Write);
    assert_eq!(
        approved.change,
        Change::ControlApproved {
            agent: agent("ann")
        }
    );
}

#[tokio::test]
async fn a_join_the_store_cannot_record_does_not_happen_and_nobody_is_told() {
    let (registry, sink) = sessions();
    let id = create(&registry, None, at(0)).await;
    let mut customer = registry
        .attach(id, Role::Customer, at(0))
        .await
        .unwrap()
        .inbox;
    while customer.queue.try_recv().is_some() {}
    sink.set_failing(true);
    let refused = ann_joins(&registry, id, at(1)).await.unwrap_err();
    assert_eq!(refused, JoinError::Unrecorded(Unrecorded::StoreFailed));
    assert!(refused.to_string().contains("try again"));
    assert_eq!(session_state(&registry, id).await.state(), State::Idle);
    assert!(
        customer.queue.try_recv().is_none(),
        "the customer must hear nothing"
    );
    sink.set_failing(false);
    assert!(
        ann_joins(&registry, id, at(2)).await.is_ok(),
        "the refused join left the agent free to join"
    );
}

#[tokio::test]
async fn an_approval_the_store_cannot_record_leaves_pointer_mode() {
    let (registry, sink) = sessions();
    let (_, console) = watched_session(&registry).await;
    registry
        .request_control(&console.cell, &agent("ann"), at(1))
        .await
        .unwrap();
    sink.set_failing(true);
    let refused = registry.answer_control(&console.cell, true, at(2)).await;
    assert_eq!(
        refused,
        Err(ControlError::Unrecorded(Unrecorded::StoreFailed))
    );
    let session = console.cell.state().await;
    assert_eq!(session.control(), ControlMode::Pointer);
    assert!(
        session.control_request().is_some(),
        "the customer can answer again"
    );
}

#[tokio::test]
async fn the_customer_can_always_end_the_session_even_when_the_store_is_down() {
    let (registry, sink) = sessions();
    let (id, mut console) = watched_session(&registry).await;
    sink.set_failing(true);
    assert!(
        registry
            .end(id, EndReason::CustomerExit, Actor::customer(), at(1))
            .await
    );
    assert_eq!(session_state(&registry, id).await.state(), State::Ended);
    let mut told_ended = false;
    while let Some(item) = console.inbox.queue.try_recv() {
        told_ended |= matches!(
            item,
            Outbound::Notice(Notice::State {
                state: State::Ended,
                ..
            })
        );
    }
    assert!(told_ended);
}

#[tokio::test]
async fn a_party_that_leaves_and_comes_back_is_in_the_trail_both_times() {
    let (registry, sink) = sessions();
    let (id, console) = watched_session(&registry).await;
    let page = registry.attach(id, Role::Customer, at(1)).await.unwrap();
    registry
        .detach(id, page.inbox.conn, &Role::Customer, at(2))
        .await;
    let _again = registry.attach(id, Role::Customer, at(3)).await.unwrap();
    let ann = Role::Agent(agent("ann"));
    registry.detach(id, console.inbox.conn, &ann, at(4)).await;
    let actions = sink.actions();
    assert_eq!(
        actions[2..],
        ["session.left", "session.joined", "session.left"],
        "the first connections are not news; leaving and coming back are"
    );
    let back = &sink.events()[3];
    assert_eq!(back.change, Change::SessionJoined { reconnected: true });
    assert_eq!(back.actor.role, ActorRole::Customer);
}

#[tokio::test]
async fn a_reload_that_replaces_the_page_connection_is_not_a_departure() {
    let (registry, sink) = sessions();
    let (id, _console) = watched_session(&registry).await;
    let old = registry.attach(id, Role::Customer, at(1)).await.unwrap();
    let _new = registry.attach(id, Role::Customer, at(2)).await.unwrap();
    registry
        .detach(id, old.inbox.conn, &Role::Customer, at(3))
        .await;
    assert!(!sink.actions().contains(&"session.left"));
}

#[tokio::test]
async fn a_session_resumed_after_a_restart_says_so_and_its_parties_must_reconnect() {
    let (before, _) = sessions();
    let (id, _console) = watched_session(&before).await;
    let session = session_state(&before, id).await;

    let (after, sink) = sessions();
    let stopped_at = at(100);
    let resumed = after
        .restore(vec![session], stopped_at, false, at(130))
        .await;
    assert_eq!(resumed, Ok(1));
    assert_eq!(sink.actions(), ["session.resumed"]);
    let event = &sink.events()[0];
    assert_eq!(
        event.change,
        Change::SessionResumed {
            stopped_at,
            clean: false
        }
    );
    assert_eq!(event.change.detail(event.at)["gap_ms"], 30_000);
    let ann = after.attach(id, Role::Agent(agent("ann")), at(131)).await;
    assert!(
        ann.is_ok(),
        "the agent's console carries on under the same id"
    );
    assert_eq!(sink.actions()[1], "session.joined");
}

#[tokio::test]
async fn a_resumed_session_whose_agent_never_returns_ends_after_the_grace_period() {
    let (before, _) = sessions();
    let (id, _console) = watched_session(&before).await;
    let session = session_state(&before, id).await;
    let (after, _) = sessions();
    after
        .restore(vec![session], at(100), false, at(130))
        .await
        .unwrap();
    assert!(after.sweep(at(159)).await.is_empty());
    assert_eq!(after.sweep(at(160)).await, vec![id]);
    let ended = session_state(&after, id).await;
    assert_eq!(ended.end_reason(), Some(EndReason::AgentAway));
}

#[tokio::test]
async fn a_session_whose_time_ran_out_while_the_node_was_down_ends_with_that_reason() {
    let (before, _) = sessions();
    let id = create(&before, None, at(0)).await;
    let session = session_state(&before, id).await;
    let (after, sink) = sessions();
    after
        .restore(vec![session], at(60), false, at(3600))
        .await
        .unwrap();
    assert_eq!(after.sweep(at(3600)).await, vec![id]);
    assert_eq!(sink.actions(), ["session.resumed", "session.ended"]);
    let ended = session_state(&after, id).await;
    assert_eq!(ended.end_reason(), Some(EndReason::IdleExpired));
}

#[tokio::test]
async fn a_screen_share_emits_requested_started_connected_and_ended() {
    let (registry, sink) = shares();
    let started = share(&registry, Some("conv-1")).await;
    let cell = registry.get(started.id).unwrap();
    registry.accept(&cell, at(1)).await.unwrap();
    registry.mark_live(&cell, at(2)).await.unwrap();
    registry.mark_live(&cell, at(3)).await.unwrap();
    let by = Actor::customer();
    registry
        .end(
            started.id,
            duet::engine::ShareEnd::CustomerStopped,
            by,
            at(4),
        )
        .await;
    assert_eq!(
        sink.actions(),
        [
            "share.requested",
            "share.started",
            "share.connected",
            "share.ended"
        ]
    );
    assert!(
        sink.events()
            .iter()
            .all(|e| e.subject == Subject::Share(started.id))
    );
    assert_eq!(
        sink.events()[0].change.detail(at(0))["conversation"],
        "conv-1"
    );
}

#[tokio::test]
async fn no_detail_carries_more_than_ids_reasons_and_times() {
    let (registry, sink) = sessions();
    let (id, console) = watched_session(&registry).await;
    registry
        .request_control(&console.cell, &agent("ann"), at(1))
        .await
        .unwrap();
    registry
        .end(id, EndReason::Inactivity, Actor::system(), at(2))
        .await;
    for event in sink.events() {
        let detail = event.change.detail(event.at);
        let keys: Vec<&String> = detail.as_object().unwrap().keys().collect();
        for key in keys {
            assert!(
                ["conversation", "reconnected", "reason", "agent"].contains(&key.as_str()),
                "unexpected detail {key} in {}",
                event.change.action()
            );
        }
    }
}
