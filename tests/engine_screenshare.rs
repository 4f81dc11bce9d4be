//! Screen-share rules in the engine: keys, 60-second acceptance, one per agent, conversation
//! end, and a side that stays away ending the share.

mod engine_support;

use duet::config::Timeouts;
use duet::engine::{Actor, Role, ShareEnd, ShareError, ShareState, TenantId};
use engine_support::{agent, at, share, share_state, shares};

#[tokio::test]
async fn a_request_not_accepted_within_sixty_seconds_expires_and_the_agent_can_start_again() {
    let (registry, _) = shares();
    let first = share(&registry, None).await;
    assert!(registry.sweep(at(59)).await.is_empty());
    assert_eq!(registry.sweep(at(60)).await, vec![first.id]);
    let expired = share_state(&registry, first.id).await;
    assert_eq!(
        (expired.state(), expired.end_reason()),
        (ShareState::Ended, Some(ShareEnd::Expired))
    );
    assert_eq!(
        registry.use_key(&first.key, at(60)).await.unwrap_err(),
        ShareError::UnknownKey
    );
    let again = registry
        .create(TenantId::default(), &agent("ann"), "Ann", None, at(61))
        .await;
    assert!(again.is_ok());
}

#[tokio::test]
async fn an_accepted_request_does_not_expire() {
    let (registry, _) = shares();
    let started = share(&registry, None).await;
    let cell = registry.get(started.id).unwrap();
    let _customer = registry
        .attach(started.id, Role::Customer, at(1))
        .await
        .unwrap();
    let _agent = registry
        .attach(started.id, Role::Agent(agent("ann")), at(1))
        .await
        .unwrap();
    registry.accept(&cell, at(2)).await.unwrap();
    assert!(registry.sweep(at(120)).await.is_empty());
    assert_eq!(
        share_state(&registry, started.id).await.state(),
        ShareState::Accepted
    );
}

#[tokio::test]
async fn a_key_is_six_digits_and_opens_its_share_once() {
    let (registry, _) = shares();
    let started = share(&registry, None).await;
    assert_eq!(started.key.len(), 6);
    assert!(started.key.bytes().all(|b| b.is_ascii_digit()));
    let spaced = format!("{} {}", &started.key[..3], &started.key[3..]);
    assert_eq!(
        registry.use_key(&spaced, at(1)).await.unwrap().agent_name(),
        "Ann"
    );
    assert_eq!(
        registry.use_key(&started.key, at(2)).await.unwrap_err(),
        ShareError::KeyInUse,
        "whoever enters the key second gets nothing"
    );
    let cell = registry.get(started.id).unwrap();
    registry.accept(&cell, at(3)).await.unwrap();
    assert_eq!(
        registry.use_key(&started.key, at(4)).await.unwrap_err(),
        ShareError::UnknownKey
    );
}

#[tokio::test]
async fn a_customer_who_accepted_cannot_be_displaced_while_connected() {
    let (registry, _) = shares();
    let started = share(&registry, None).await;
    let cell = registry.get(started.id).unwrap();
    let _sharer = registry
        .attach(started.id, Role::Customer, at(1))
        .await
        .unwrap();
    registry.accept(&cell, at(2)).await.unwrap();
    let intruder = registry.attach(started.id, Role::Customer, at(3)).await;
    assert!(
        matches!(intruder, Err(duet::engine::AttachError::Occupied(_))),
        "a second customer connection is refused while the sharer is connected"
    );
}

#[tokio::test]
async fn a_second_share_by_the_same_agent_is_refused_while_the_first_is_live() {
    let (registry, _) = shares();
    let first = share(&registry, None).await;
    let second = registry
        .create(TenantId::default(), &agent("ann"), "Ann", None, at(1))
        .await;
    assert_eq!(second.unwrap_err(), ShareError::AgentBusy);
    registry
        .end(first.id, ShareEnd::AgentStopped, Actor::system(), at(2))
        .await;
    let third = registry
        .create(TenantId::default(), &agent("ann"), "Ann", None, at(3))
        .await;
    assert!(third.is_ok());
}

#[tokio::test]
async fn ending_the_conversation_ends_its_share() {
    let (registry, _) = shares();
    let started = share(&registry, Some("conv-7")).await;
    let other = registry
        .create(
            TenantId::default(),
            &agent("bo"),
            "Bo",
            Some("conv-8".into()),
            at(0),
        )
        .await
        .unwrap();
    assert_eq!(
        registry
            .end_conversation(
                "conv-7",
                duet::engine::Scope::Everything,
                &Actor::system(),
                at(1)
            )
            .await,
        vec![started.id]
    );
    let ended = share_state(&registry, started.id).await;
    assert_eq!(ended.end_reason(), Some(ShareEnd::InteractionEnded));
    assert_eq!(
        share_state(&registry, other.id).await.state(),
        ShareState::Pending
    );
}

#[tokio::test]
async fn an_accepted_share_whose_customer_stays_away_past_the_grace_period_ends() {
    let (registry, _) = shares();
    let started = share(&registry, None).await;
    let cell = registry.get(started.id).unwrap();
    let customer = registry
        .attach(started.id, Role::Customer, at(1))
        .await
        .unwrap();
    let _agent = registry
        .attach(started.id, Role::Agent(agent("ann")), at(1))
        .await
        .unwrap();
    registry.accept(&cell, at(2)).await.unwrap();
    registry
        .detach(started.id, customer.inbox.conn, &Role::Customer, at(10))
        .await;
    let grace = Timeouts::default().agent_grace.as_secs();
    assert!(registry.sweep(at(10 + grace - 1)).await.is_empty());
    assert_eq!(registry.sweep(at(10 + grace)).await, vec![started.id]);
    let ended = share_state(&registry, started.id).await;
    assert_eq!(ended.end_reason(), Some(ShareEnd::Abandoned));
}

#[tokio::test]
async fn only_the_agent_who_asked_may_connect_to_a_share() {
    let (registry, _) = shares();
    let started = share(&registry, None).await;
    let stranger = registry
        .attach(started.id, Role::Agent(agent("eve")), at(1))
        .await;
    assert!(stranger.is_err());
}
