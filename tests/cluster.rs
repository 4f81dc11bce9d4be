//! Duet as a cluster: real `duet serve` nodes on one PostgreSQL and one NATS. A customer on one
//! node and an agent on another share the page both ways (typing, pointers, a frame larger than
//! NATS's payload limit); one live session per agent and unique ids across nodes; a share's key
//! and a conversation found from the node that does not hold them, and the conversation's end
//! reaching both. Losing a node is `cluster_failover.rs`.

mod cluster_support;
#[path = "store_support/postgres.rs"]
mod postgres_support;
mod process_support;
mod support;

use std::collections::HashSet;
use std::time::Instant;

use cluster_support::Cluster;
use cluster_support::session::{dom_named, session_across, share_state, write_mode};
use futures_util::{StreamExt, stream};
use serde_json::{Value, json};
use support::{connect, post_json};

/// A frame over NATS's default 1 MiB payload limit, so the bus must split and join it.
const LARGE_FRAME: usize = 3 * 1024 * 1024;

/// The tests in this file: the last to finish drops the run's PostgreSQL database.
const CASES: usize = 4;

fn cases() {
    postgres_support::expect_cases(CASES);
}

/// Sessions created across the nodes in the id test.
const SESSIONS: usize = 10_000;
/// Session starts in flight at once on each node.
const IN_FLIGHT: usize = 32;

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_on_one_node_and_an_agent_on_another_see_each_other_both_ways() {
    cases();
    let Some(cluster) = Cluster::start("both_ways", 2, &[]).await else {
        return;
    };
    let (a, b) = (&cluster.nodes[0], &cluster.nodes[1]);
    let (id, customer_token, agent_token) = session_across(&a.base, &b.base).await;
    let mut customer = connect(a.addr, &customer_token).await;
    let mut ann = connect(b.addr, &agent_token).await;
    assert_eq!(ann.next_of("welcome").await["session_id"], id.as_str());
    customer.state("active").await;
    customer.next_of("snapshot_needed").await;

    customer
        .send(
            json!({"type": "dom", "full": true, "events": [{"type": 4}, {"type": 2, "n": "snap"}]}),
        )
        .await;
    customer
        .send(json!({"type": "dom", "full": false, "events": [{"type": 3, "n": "typed", "text": "hello from A"}]}))
        .await;
    assert_eq!(
        dom_named(&mut ann, "typed").await["events"][0]["text"],
        "hello from A"
    );

    let mut large = vec![1u8];
    large.extend((0..LARGE_FRAME).map(|i| (i * 31 % 251) as u8));
    customer.send_binary(large.clone()).await;
    assert_eq!(
        ann.next_binary().await,
        large,
        "split over the bus and joined whole"
    );

    customer
        .send(json!({"type": "pointer", "x": 10.0, "y": 20.0}))
        .await;
    let pointer = ann.next_of("pointer").await;
    assert_eq!(
        (pointer["from"].as_str(), pointer["x"].as_f64()),
        (Some("customer"), Some(10.0))
    );
    ann.send(json!({"type": "pointer", "x": 5.5, "y": 6.5}))
        .await;
    assert_eq!(customer.next_of("pointer").await["from"], "agent");

    write_mode(&mut customer, &mut ann).await;
    let typed =
        json!({"type": "action", "action": {"kind": "input", "id": 7, "value": "typed on B"}});
    ann.send(typed).await;
    let action = customer.next_of("action").await;
    assert_eq!(action["action"]["value"], "typed on B");

    customer.send(json!({"type": "end"})).await;
    assert_eq!(ann.state("ended").await["reason"], "customer_exit");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_live_on_one_node_cannot_join_a_second_session_on_the_other() {
    cases();
    let Some(cluster) = Cluster::start("one_live", 2, &[]).await else {
        return;
    };
    let (a, b) = (&cluster.nodes[0], &cluster.nodes[1]);
    let (_, customer_token, agent_token) = session_across(&a.base, &a.base).await;
    let mut customer = connect(a.addr, &customer_token).await;
    let mut ann = connect(a.addr, &agent_token).await;
    customer.state("active").await;
    ann.state("active").await;

    let second = post_json(&b.base, "/api/sessions", None, json!({})).await;
    let second_id = second["sessionId"].as_str().unwrap();
    let signed_in = post_json(&b.base, "/api/agent/signin", None, json!({"name": "Ann"})).await;
    let refused = reqwest::Client::new()
        .post(format!("{}/api/agent/sessions/{second_id}/join", b.base))
        .bearer_auth(signed_in["token"].as_str().unwrap())
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 409);
    let said: Value = refused.json().await.unwrap();
    assert!(
        said["error"].as_str().unwrap().contains("already"),
        "the refusal says why: {said}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_sessions_started_across_two_nodes_never_share_an_id() {
    cases();
    let plenty = [("DUET_JOINS_PER_ADDRESS_PER_MINUTE", "1000000")];
    let Some(cluster) = Cluster::start("ids", 2, &plenty).await else {
        return;
    };
    let client = reqwest::Client::new();
    let bases: Vec<&str> = cluster
        .nodes
        .iter()
        .map(|node| node.base.as_str())
        .collect();
    let started = Instant::now();
    let ids: Vec<String> = stream::iter(0..SESSIONS)
        .map(|n| {
            let (client, base) = (client.clone(), bases[n % bases.len()]);
            async move {
                let answer = client
                    .post(format!("{base}/api/sessions"))
                    .json(&json!({}))
                    .send()
                    .await
                    .unwrap();
                assert!(answer.status().is_success(), "{}", answer.status());
                let body: Value = answer.json().await.unwrap();
                body["sessionId"].as_str().unwrap().to_owned()
            }
        })
        .buffer_unordered(IN_FLIGHT * bases.len())
        .collect()
        .await;
    let distinct: HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), SESSIONS, "every session has its own id");
    eprintln!(
        "{SESSIONS} sessions across two nodes in {} ms",
        started.elapsed().as_millis()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_share_key_and_a_conversation_reach_the_node_that_holds_them_and_its_end_ends_both() {
    cases();
    let admin = [("DUET_ADMIN_KEY", "cluster-admin-key")];
    let Some(cluster) = Cluster::start("lookups", 2, &admin).await else {
        return;
    };
    let (a, b) = (&cluster.nodes[0], &cluster.nodes[1]);
    let signed_in = post_json(&a.base, "/api/agent/signin", None, json!({"name": "Ann"})).await;
    let ann_token = signed_in["token"].as_str().unwrap();

    // The customer's session of a conversation, held by B; Ann's console on A finds it.
    let body = json!({"conversationId": "conv-across"});
    let started = post_json(&b.base, "/api/sessions", None, body).await;
    let pending = reqwest::Client::new()
        .get(format!(
            "{}/api/agent/pending?conversation=conv-across",
            a.base
        ))
        .bearer_auth(ann_token)
        .send()
        .await
        .unwrap();
    assert_eq!(pending.status(), 200);
    let pending: Value = pending.json().await.unwrap();
    assert_eq!(pending["sessionId"], started["sessionId"]);

    // Ann's screen share, held by A; the customer types its key on B.
    let body = json!({"conversationId": "conv-across"});
    let share = post_json(&a.base, "/api/agent/screenshare", Some(ann_token), body).await;
    let mut agent = connect(a.addr, share["token"].as_str().unwrap()).await;
    share_state(&mut agent, "pending").await;
    let found = post_json(
        &b.base,
        "/api/screenshare/lookup",
        None,
        json!({"key": share["key"]}),
    )
    .await;
    assert_eq!(found["agentName"], "Ann");
    let mut customer = connect(b.addr, found["token"].as_str().unwrap()).await;
    customer.send(json!({"type": "share_accept"})).await;
    share_state(&mut agent, "accepted").await;
    customer
        .send(json!({"type": "signal", "data": {"sdp": "offer"}}))
        .await;
    assert_eq!(agent.next_of("signal").await["data"]["sdp"], "offer");

    agent
        .send(json!({"type": "signal", "data": {"sdp": "answer"}}))
        .await;
    assert_eq!(customer.next_of("signal").await["data"]["sdp"], "answer");

    // The conversation ends: the share on A and the session on B both end, from either node.
    let path = "/api/conversations/conv-across/end";
    let ended = post_json(&b.base, path, Some("cluster-admin-key"), json!({})).await;
    assert_eq!(ended["ended"], json!([started["sessionId"]]), "{ended}");
    assert_eq!(ended["screenshares"], json!([share["shareId"]]), "{ended}");
    assert_eq!(
        share_state(&mut agent, "ended").await["reason"],
        "interaction_ended"
    );
}
