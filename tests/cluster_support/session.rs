//! What the cluster tests do with a session: start it on one node and join Ann on another (or
//! through a balancer), read the audit trail, wait for particular frames.

use serde_json::{Value, json};

use super::Cluster;
use super::balancer::Balancer;
use crate::support::{Socket, connect, post_json};

/// Starts a session on `customer_base`, signs Ann in and joins her on `agent_base`; returns
/// (id, customer token, Ann's session token).
pub async fn session_across(customer_base: &str, agent_base: &str) -> (String, String, String) {
    let started = post_json(customer_base, "/api/sessions", None, json!({})).await;
    let id = started["sessionId"].as_str().unwrap().to_owned();
    let customer_token = started["token"].as_str().unwrap().to_owned();
    let (_, agent_token) = join_ann(agent_base, &id).await;
    (id, customer_token, agent_token)
}

/// A balancer in front of the cluster's nodes and a session through it: the customer reaches
/// node 0, which holds the session; Ann reaches node 1. Returns (balancer, id, customer token,
/// Ann's session token, customer socket, Ann's socket).
pub async fn behind_balancer(
    cluster: &Cluster,
) -> (Balancer, String, String, String, Socket, Socket) {
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
pub async fn join_ann(base: &str, id: &str) -> (String, String) {
    let signed_in = post_json(base, "/api/agent/signin", None, json!({"name": "Ann"})).await;
    let agent = signed_in["token"].as_str().unwrap().to_owned();
    let path = format!("/api/agent/sessions/{id}/join");
    let joined = post_json(base, &path, Some(&agent), json!({})).await;
    (agent, joined["token"].as_str().unwrap().to_owned())
}

/// The audit actions about session `id` in the cluster's store, in order.
pub fn trail(cluster: &Cluster, id: &str) -> Vec<Value> {
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
pub async fn dom_named(socket: &mut Socket, name: &str) -> Value {
    loop {
        let dom = socket.next_of("dom").await;
        if dom["events"][0]["n"] == name {
            return dom;
        }
    }
}

pub async fn write_mode(customer: &mut Socket, agent: &mut Socket) {
    agent.send(json!({"type": "control_request"})).await;
    customer.next_of("control_requested").await;
    customer
        .send(json!({"type": "control_answer", "approved": true}))
        .await;
    while agent.next_of("state").await["control"] != "write" {}
}

pub async fn share_state(socket: &mut Socket, wanted: &str) -> Value {
    loop {
        let message = socket.next_of("share_state").await;
        if message["state"] == wanted {
            return message;
        }
    }
}
