//! Screen-share rules in the engine: keys, 60-second acceptance, one per agent, conversation end.

use std::time::Duration;

use duet::engine::{AgentId, ShareEnd, ShareError, ShareRegistry, ShareState};
use tokio::time::Instant;

const ACCEPT_WITHIN: Duration = Duration::from_secs(60);

fn agent() -> AgentId {
    AgentId("dev:ann".into())
}

#[tokio::test(start_paused = true)]
async fn a_request_not_accepted_within_sixty_seconds_expires_and_the_agent_can_start_again() {
    let shares = ShareRegistry::new(ACCEPT_WITHIN);
    let first = shares
        .create(&agent(), "Ann", None, Instant::now())
        .unwrap();
    tokio::time::advance(Duration::from_secs(59)).await;
    assert!(shares.sweep(Instant::now()).is_empty());
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(shares.sweep(Instant::now()), vec![first.id]);
    let expired = shares.get(first.id).unwrap().share();
    assert_eq!(
        (expired.state, expired.end_reason),
        (ShareState::Ended, Some(ShareEnd::Expired))
    );
    assert_eq!(
        shares.find_by_key(&first.key).unwrap_err(),
        ShareError::UnknownKey
    );
    assert!(shares.create(&agent(), "Ann", None, Instant::now()).is_ok());
}

#[tokio::test(start_paused = true)]
async fn an_accepted_request_does_not_expire() {
    let shares = ShareRegistry::new(ACCEPT_WITHIN);
    let share = shares
        .create(&agent(), "Ann", None, Instant::now())
        .unwrap();
    shares.accept(share.id).unwrap();
    tokio::time::advance(Duration::from_secs(120)).await;
    assert!(shares.sweep(Instant::now()).is_empty());
    assert_eq!(
        shares.get(share.id).unwrap().share().state,
        ShareState::Accepted
    );
}

#[test]
fn a_key_is_six_digits_and_works_only_until_accepted() {
    let shares = ShareRegistry::new(ACCEPT_WITHIN);
    let share = shares
        .create(&agent(), "Ann", None, Instant::now())
        .unwrap();
    assert_eq!(share.key.len(), 6);
    assert!(share.key.bytes().all(|b| b.is_ascii_digit()));
    let spaced = format!("{} {}", &share.key[..3], &share.key[3..]);
    assert_eq!(shares.find_by_key(&spaced).unwrap().agent_name, "Ann");
    shares.accept(share.id).unwrap();
    assert_eq!(
        shares.find_by_key(&share.key).unwrap_err(),
        ShareError::UnknownKey
    );
}

#[test]
fn a_second_share_by_the_same_agent_is_refused_while_the_first_is_live() {
    let shares = ShareRegistry::new(ACCEPT_WITHIN);
    let first = shares
        .create(&agent(), "Ann", None, Instant::now())
        .unwrap();
    assert_eq!(
        shares
            .create(&agent(), "Ann", None, Instant::now())
            .unwrap_err(),
        ShareError::AgentBusy
    );
    shares.end(first.id, ShareEnd::AgentStopped, Instant::now());
    assert!(shares.create(&agent(), "Ann", None, Instant::now()).is_ok());
}

#[test]
fn ending_the_conversation_ends_its_share() {
    let shares = ShareRegistry::new(ACCEPT_WITHIN);
    let share = shares
        .create(&agent(), "Ann", Some("conv-7".into()), Instant::now())
        .unwrap();
    let other = shares
        .create(
            &AgentId("dev:bo".into()),
            "Bo",
            Some("conv-8".into()),
            Instant::now(),
        )
        .unwrap();
    assert_eq!(
        shares.end_conversation("conv-7", Instant::now()),
        vec![share.id]
    );
    assert_eq!(
        shares.get(share.id).unwrap().share().end_reason,
        Some(ShareEnd::InteractionEnded)
    );
    assert_eq!(
        shares.get(other.id).unwrap().share().state,
        ShareState::Pending
    );
}
