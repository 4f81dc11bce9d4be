//! A real `duet serve` killed with SIGKILL in the middle of a session and started again on the
//! same data directory: the session carries on under the same id once both sides reconnect, and
//! the audit trail holds everything anyone saw, shows the gap, and verifies.

mod process_support;
mod support;

use std::net::SocketAddr;

use process_support::{Duet, audit_records, duet};
use serde_json::{Value, json};
use support::{Socket, connect, joined_on, post_json};

/// A customer with a session, and Ann joined to it; both sockets open and the session active.
async fn session_on(duet: &Duet) -> (String, String, String, Socket, Socket) {
    let (id, customer_token, agent_token, mut customer, mut ann) =
        joined_on(&duet.base, duet.addr).await;
    customer.state("active").await;
    ann.state("active").await;
    (id, customer_token, agent_token, customer, ann)
}

/// Reads `state` messages until one says write mode.
async fn write_mode(socket: &mut Socket) {
    loop {
        if socket.next_of("state").await["control"] == "write" {
            return;
        }
    }
}

fn actions(records: &[Value], session: &str) -> Vec<String> {
    records
        .iter()
        .filter(|r| r["session"] == session)
        .map(|r| r["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_killed_mid_way_resumes_under_its_id_and_the_trail_is_complete() {
    let dir = tempfile::tempdir().unwrap();
    let first = Duet::start(dir.path(), &[]);
    let (id, customer_token, agent_token, mut customer, mut ann) = session_on(&first).await;
    ann.send(json!({"type": "control_request"})).await;
    customer.next_of("control_requested").await;
    customer
        .send(json!({"type": "control_answer", "approved": true}))
        .await;
    write_mode(&mut ann).await;

    first.kill_9();
    while customer.next().await.is_some() {}
    let second = Duet::start(dir.path(), &[]);
    let addr: SocketAddr = second.addr;
    let mut customer = connect(addr, &customer_token).await;
    let mut ann = connect(addr, &agent_token).await;
    assert_eq!(customer.next_of("welcome").await["session_id"], id.as_str());
    ann.state("active").await;
    customer.next_of("snapshot_needed").await;
    customer.send(json!({"type": "end"})).await;
    let ended = ann.state("ended").await;
    assert_eq!(ended["reason"], "customer_exit");
    second.stop();

    let records = audit_records(dir.path());
    let trail = actions(&records, &id);
    let before_the_kill = [
        "session.created",
        "session.joined",
        "control.requested",
        "control.approved",
    ];
    assert_eq!(
        trail[..4],
        before_the_kill,
        "everything anyone saw is there: {trail:?}"
    );
    assert_eq!(trail[4], "session.resumed", "{trail:?}");
    let returns = trail.iter().filter(|a| *a == "session.joined").count();
    assert_eq!(
        returns, 3,
        "Ann joined once and both sides came back: {trail:?}"
    );
    assert_eq!(trail.last().unwrap(), "session.ended");
    let resumed = records
        .iter()
        .find(|r| r["action"] == "session.resumed")
        .unwrap();
    assert_eq!(resumed["detail"]["clean"], false);
    assert_eq!(resumed["actor"]["role"], "system");
    assert!(resumed["detail"]["gap_ms"].as_u64().is_some());

    let verified = duet(dir.path(), &["audit", "verify"]);
    let said = String::from_utf8_lossy(&verified.stdout);
    assert!(
        verified.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    assert!(said.contains("chain intact"), "{said}");
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_signed_before_a_restart_still_work_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let first = Duet::start(dir.path(), &[]);
    let signed_in = post_json(
        &first.base,
        "/api/agent/signin",
        None,
        json!({"name": "Bo"}),
    )
    .await;
    let token = signed_in["token"].as_str().unwrap().to_owned();
    first.stop();
    let second = Duet::start(dir.path(), &[]);
    let response = reqwest::Client::new()
        .get(format!("{}/api/tenant/bookmarks", second.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "the stored key still signs Bo's token"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_whose_time_ran_out_while_duet_was_down_ends_with_that_reason() {
    let dir = tempfile::tempdir().unwrap();
    let quick = [("DUET_IDLE_EXPIRY_SECS", "1")];
    let first = Duet::start(dir.path(), &[("DUET_IDLE_EXPIRY_SECS", "600")]);
    let started = post_json(&first.base, "/api/sessions", None, json!({})).await;
    let id = started["sessionId"].as_str().unwrap().to_owned();
    first.kill_9();
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let second = Duet::start(dir.path(), &quick);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let trail = actions(&audit_records(dir.path()), &id);
        if trail.last().map(String::as_str) == Some("session.ended") {
            let records = audit_records(dir.path());
            let ended = records
                .iter()
                .rev()
                .find(|r| r["session"] == id.as_str())
                .unwrap();
            assert_eq!(ended["detail"]["reason"], "idle_expired");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the session never ended: {trail:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    second.stop();
}
