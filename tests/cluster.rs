//! Duet as a cluster: real `duet serve` nodes on one PostgreSQL and one NATS. A customer on one
//! node and an agent on another share the page both ways (typing, pointers, a frame larger than
//! NATS's payload limit); a node killed with SIGKILL behind a load balancer loses no session: its
//! parties reconnect to the other node, which takes the session over under the same id, and the
//! audit trail is complete and verifies.

mod cluster_support;
#[path = "store_support/postgres.rs"]
mod postgres_support;
mod process_support;
mod support;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures_util::{StreamExt, stream};

use cluster_support::Cluster;
use cluster_support::balancer::Balancer;
use serde_json::{Value, json};
use support::{Socket, connect, post_json};

/// A frame over NATS's default 1 MiB payload limit, so the bus must split and join it.
const LARGE_FRAME: usize = 3 * 1024 * 1024;

/// The tests in this file: the last to finish drops the run's PostgreSQL database.
const CASES: usize = 8;

fn cases() {
    postgres_support::expect_cases(CASES);
}

/// Sessions created across the nodes in the id test.
const SESSIONS: usize = 10_000;
/// Session starts in flight at once on each node.
const IN_FLIGHT: usize = 32;

/// Starts a session on `customer_base`, signs Ann in and joins her on `agent_base`; returns
/// (id, customer token, Ann's session token).
async fn session_across(customer_base: &str, agent_base: &str) -> (String, String, String) {
    let started = post_json(customer_base, "/api/sessions", None, json!({})).await;
    let id = started["sessionId"].as_str().unwrap().to_owned();
    let customer_token = started["token"].as_str().unwrap().to_owned();
    let (_, agent_token) = join_ann(agent_base, &id).await;
    (id, customer_token, agent_token)
}

/// A balancer in front of the cluster's nodes and a session through it: the customer reaches
/// node 0, which holds the session; Ann reaches node 1. Returns (balancer, id, customer token,
/// Ann's session token, customer socket, Ann's socket).
async fn behind_balancer(cluster: &Cluster) -> (Balancer, String, String, String, Socket, Socket) {
    let backends = cluster.nodes.iter().map(|node| node.addr).collect();
    let balancer = Balancer::start(backends).await;
    balancer.prefer(0);
    let started = post_json(&balancer.base, "/api/sessions", None, json!({})).await;
    let id = started["sessionId"].as_str().unwrap().to_owned();
    let customer_token = started["token"].as_str().unwrap().to_owned();
    let customer = connect(balancer.addr, &customer_token).await;
    balancer.prefer(1);
    let (_, agent_token) = join_ann(&balancer.base, &id).await;
    let ann = connect(balancer.addr, &agent_token).await;
    (balancer, id, customer_token, agent_token, customer, ann)
}

/// Signs Ann in and joins her to `id` on the Duet at `base`; returns (her token, her session
/// token).
async fn join_ann(base: &str, id: &str) -> (String, String) {
    let signed_in = post_json(base, "/api/agent/signin", None, json!({"name": "Ann"})).await;
    let agent = signed_in["token"].as_str().unwrap().to_owned();
    let path = format!("/api/agent/sessions/{id}/join");
    let joined = post_json(base, &path, Some(&agent), json!({})).await;
    (agent, joined["token"].as_str().unwrap().to_owned())
}

/// The audit actions about session `id` in the cluster's store, in order.
fn trail(cluster: &Cluster, id: &str) -> Vec<Value> {
    let exported = cluster.duet(&["audit", "export", "--format", "jsonl"]);
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    String::from_utf8(exported.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|record| record["session"] == id)
        .collect()
}

/// Skips messages until a `dom` batch whose first event is named `name`.
async fn dom_named(socket: &mut Socket, name: &str) -> Value {
    loop {
        let dom = socket.next_of("dom").await;
        if dom["events"][0]["n"] == name {
            return dom;
        }
    }
}

async fn write_mode(customer: &mut Socket, agent: &mut Socket) {
    agent.send(json!({"type": "control_request"})).await;
    customer.next_of("control_requested").await;
    customer
        .send(json!({"type": "control_answer", "approved": true}))
        .await;
    while agent.next_of("state").await["control"] != "write" {}
}

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
}

async fn share_state(socket: &mut Socket, wanted: &str) -> Value {
    loop {
        let message = socket.next_of("share_state").await;
        if message["state"] == wanted {
            return message;
        }
    }
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
