//! Losing a node of a cluster: killed with SIGKILL behind a load balancer (its parties reconnect
//! to the other node, which takes the session over under the same id, and the audit trail is
//! complete and verifies), stopped with SIGTERM (a clean hand-over), dead with nobody coming back
//! (the background takes its share over and its time limit ends it), and cut off from NATS (alive
//! but not ready).

mod cluster_support;
#[path = "store_support/postgres.rs"]
mod postgres_support;
mod process_support;
mod support;

use std::time::{Duration, Instant};

use cluster_support::Cluster;
use cluster_support::balancer::Balancer;
use cluster_support::session::{behind_balancer, dom_named, trail};
use serde_json::{Value, json};
use support::{connect, post_json};

/// What the node at `base` counts in `duet_takeovers_total{from="<from>"}`.
async fn takeovers(base: &str, from: &str) -> u64 {
    let page = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let sample = format!("duet_takeovers_total{{from=\"{from}\"}} ");
    page.lines()
        .find_map(|line| line.strip_prefix(&sample))
        .and_then(|count| count.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {sample} in /metrics"))
}

/// The tests in this file: the last to finish drops the run's PostgreSQL database.
const CASES: usize = 4;

fn cases() {
    postgres_support::expect_cases(CASES);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_killed_behind_the_balancer_loses_no_session_and_the_trail_verifies() {
    cases();
    let Some(mut cluster) = Cluster::start("node_loss", 2, &[]).await else {
        return;
    };
    let (balancer, id, customer_token, agent_token, mut customer, mut ann) =
        behind_balancer(&cluster).await;
    customer.state("active").await;
    customer.next_of("snapshot_needed").await;
    customer
        .send(json!({"type": "dom", "full": true, "events": [{"type": 2, "n": "before"}]}))
        .await;
    dom_named(&mut ann, "before").await;

    let killed_at = Instant::now();
    cluster.nodes.remove(0).kill_9();
    while customer.next().await.is_some() {}
    // Ann's node finds the session's node gone and tells her console to reconnect.
    assert_eq!(ann.close_code().await, Some(4010));
    let mut customer = connect(balancer.addr, &customer_token).await;
    let mut ann = connect(balancer.addr, &agent_token).await;
    assert_eq!(customer.next_of("welcome").await["session_id"], id.as_str());
    customer.next_of("snapshot_needed").await;
    customer
        .send(json!({"type": "dom", "full": true, "events": [{"type": 2, "n": "after"}]}))
        .await;
    dom_named(&mut ann, "after").await;
    eprintln!(
        "failover: {} ms from SIGKILL of the customer's node to the agent's mirror updating",
        killed_at.elapsed().as_millis()
    );
    assert!(killed_at.elapsed() < Duration::from_secs(30));
    assert_eq!(
        takeovers(&cluster.nodes[0].base, "lost").await,
        1,
        "counted in /metrics"
    );
    customer.send(json!({"type": "end"})).await;
    ann.state("ended").await;

    let actions: Vec<String> = trail(&cluster, &id)
        .iter()
        .map(|record| record["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions.first().map(String::as_str),
        Some("session.created"),
        "{actions:?}"
    );
    assert!(
        actions.iter().any(|a| a == "session.resumed"),
        "{actions:?}"
    );
    assert_eq!(
        actions.last().map(String::as_str),
        Some("session.ended"),
        "{actions:?}"
    );
    let verified = cluster.duet(&["audit", "verify"]);
    let said = String::from_utf8_lossy(&verified.stdout);
    assert!(
        verified.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    assert!(said.contains("chain intact"), "{said}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_stopped_with_sigterm_sends_its_browsers_to_the_other_node_which_carries_on() {
    cases();
    let Some(mut cluster) = Cluster::start("sigterm", 2, &[]).await else {
        return;
    };
    let (balancer, id, customer_token, agent_token, mut customer, mut ann) =
        behind_balancer(&cluster).await;
    customer.state("active").await;
    ann.state("active").await;

    let stopping = cluster.nodes.remove(0);
    let stopped = tokio::task::spawn_blocking(move || stopping.stop());
    assert_eq!(customer.close_code().await, Some(4010), "told to reconnect");
    assert_eq!(
        ann.close_code().await,
        Some(4010),
        "told to reconnect, through her node"
    );
    stopped.await.unwrap();
    let mut customer = connect(balancer.addr, &customer_token).await;
    let mut ann = connect(balancer.addr, &agent_token).await;
    customer.next_of("snapshot_needed").await;
    customer
        .send(json!({"type": "dom", "full": true, "events": [{"type": 2, "n": "carried on"}]}))
        .await;
    dom_named(&mut ann, "carried on").await;

    let resumed: Vec<Value> = trail(&cluster, &id)
        .into_iter()
        .filter(|record| record["action"] == "session.resumed")
        .collect();
    assert_eq!(resumed.len(), 1, "{resumed:?}");
    assert_eq!(
        resumed[0]["detail"]["clean"], true,
        "a clean hand-over: {resumed:?}"
    );
    assert_eq!(
        takeovers(&cluster.nodes[0].base, "clean").await,
        1,
        "counted in /metrics"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_cut_off_from_nats_is_alive_but_not_ready_and_says_why() {
    cases();
    let Some(mut cluster) = Cluster::start("bus_cut", 0, &[]).await else {
        return;
    };
    let nats = cluster
        .bus_url
        .trim_start_matches("nats://")
        .parse()
        .unwrap();
    let proxy = Balancer::start(vec![nats]).await;
    cluster.bus_url = format!("nats://{}", proxy.addr);
    let node = cluster.add("bus-cut-node", &[]);
    let readyz = || async {
        let answer = reqwest::get(format!("{}/readyz", node.base)).await.unwrap();
        (
            answer.status().as_u16(),
            answer.json::<Value>().await.unwrap(),
        )
    };
    assert_eq!(readyz().await.0, 200);

    proxy.cut();
    let (status, body) = readyz().await;
    assert_eq!(status, 503, "{body}");
    assert!(
        body["unreachable"]["bus"]
            .as_str()
            .unwrap()
            .contains("NATS"),
        "{body}"
    );
    assert!(
        body["unreachable"]["store"].is_null(),
        "the store still answers: {body}"
    );
    let alive = reqwest::get(format!("{}/healthz", node.base))
        .await
        .unwrap();
    assert_eq!(alive.status(), 200, "still alive");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_screen_share_whose_node_died_and_nobody_returns_to_is_taken_over_and_ends_by_its_limit()
{
    cases();
    let quick = [
        ("DUET_SCREENSHARE_ACCEPT_SECS", "1"),
        ("DUET_AGENT_GRACE_SECS", "1"),
    ];
    let Some(mut cluster) = Cluster::start("orphan", 2, &quick).await else {
        return;
    };
    let a = &cluster.nodes[0];
    let signed_in = post_json(&a.base, "/api/agent/signin", None, json!({"name": "Ann"})).await;
    let body = json!({"conversationId": "conv-orphan"});
    let share = post_json(
        &a.base,
        "/api/agent/screenshare",
        signed_in["token"].as_str(),
        body,
    )
    .await;
    let share_id = share["shareId"].as_str().unwrap().to_owned();
    cluster.nodes.remove(0).kill_9();

    // Nobody comes back: the other node takes it over once the dead node's lease ran out (15 s),
    // and its time limit ends it.
    let deadline = Instant::now() + Duration::from_secs(60);
    let actions = loop {
        let actions: Vec<String> = trail(&cluster, &share_id)
            .iter()
            .map(|record| record["action"].as_str().unwrap().to_owned())
            .collect();
        if actions.iter().any(|action| action == "share.ended") || Instant::now() > deadline {
            break actions;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert!(actions.iter().any(|a| a == "share.resumed"), "{actions:?}");
    assert_eq!(
        actions.last().map(String::as_str),
        Some("share.ended"),
        "{actions:?}"
    );
    let verified = cluster.duet(&["audit", "verify"]);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
}
