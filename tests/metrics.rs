//! `GET /metrics` over real HTTP: every family is there with its type, and the gauges and
//! counters move as a session is started, joined, relayed through both ways and ended.

mod support;

use std::time::Duration;

use prometheus_parse::{Sample, Scrape, Value};
use serde_json::json;
use support::{App, spawn};

async fn scrape(app: &App) -> Scrape {
    let response = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = response.text().await.unwrap();
    Scrape::parse(text.lines().map(|line| Ok(line.to_owned()))).unwrap()
}

fn sample<'a>(scrape: &'a Scrape, name: &str, labels: &[(&str, &str)]) -> &'a Sample {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .unwrap_or_else(|| panic!("no sample {name} {labels:?}"))
}

/// A counter's or gauge's value, or a histogram's count.
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    match &sample(scrape, name, labels).value {
        Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
        Value::Histogram(buckets) => buckets
            .iter()
            .find(|b| b.less_than.is_infinite())
            .map_or(0.0, |b| b.count),
        Value::Summary(_) => panic!("{name} is not a summary"),
    }
}

#[tokio::test]
async fn every_family_is_exposed_with_its_type() {
    let app = spawn().await;
    let scrape = scrape(&app).await;
    let kind = |name: &str| match &sample(&scrape, name, &[]).value {
        Value::Counter(_) => "counter",
        Value::Gauge(_) => "gauge",
        Value::Histogram(_) => "histogram",
        _ => "other",
    };
    for (name, expected) in [
        ("duet_sessions", "gauge"),
        ("duet_shares", "gauge"),
        ("duet_joins_total", "counter"),
        ("duet_join_refusals_total", "counter"),
        ("duet_frames_relayed_total", "counter"),
        ("duet_bytes_relayed_total", "counter"),
        ("duet_resyncs_total", "counter"),
        ("duet_socket_closes_total", "counter"),
        ("duet_relay_latency_seconds", "histogram"),
        ("duet_queue_depth", "histogram"),
        ("duet_store_commit_seconds", "histogram"),
        ("duet_bus_latency_seconds", "histogram"),
    ] {
        assert_eq!(kind(name), expected, "{name}");
        assert!(scrape.docs.contains_key(name), "{name} has no HELP");
    }
    for state in ["idle", "active"] {
        assert_eq!(value(&scrape, "duet_sessions", &[("state", state)]), 0.0);
    }
    for state in ["pending", "accepted", "live"] {
        assert_eq!(value(&scrape, "duet_shares", &[("state", state)]), 0.0);
    }
}

#[tokio::test]
async fn gauges_and_counters_follow_a_session_from_start_to_end() {
    let app = spawn().await;
    let before = scrape(&app).await;
    let (id, customer_token) = app.start_session(None).await;
    let mut customer = app.socket(&customer_token).await;
    customer.next_of("welcome").await;
    let started = scrape(&app).await;
    assert_eq!(value(&started, "duet_sessions", &[("state", "idle")]), 1.0);

    let agent_token = app.sign_in("Ann").await;
    assert_eq!(app.join(&agent_token, "123456789").await.0, 404);
    let (status, joined) = app.join(&agent_token, &id).await;
    assert_eq!(status, 200, "{joined}");
    let mut agent = app.socket(joined["token"].as_str().unwrap()).await;
    agent.state("active").await;
    customer
        .send(json!({"type": "dom", "full": true, "events": [{"type": 2, "n": "snap"}]}))
        .await;
    agent.next_of("dom").await;
    agent
        .send(json!({"type": "pointer", "x": 1.0, "y": 2.0}))
        .await;
    customer.next_of("pointer").await;
    let relayed = scrape(&app).await;
    assert_eq!(value(&relayed, "duet_sessions", &[("state", "idle")]), 0.0);
    assert_eq!(
        value(&relayed, "duet_sessions", &[("state", "active")]),
        1.0
    );

    let moved = |name: &str, labels: &[(&str, &str)]| {
        value(&relayed, name, labels) - value(&before, name, labels)
    };
    assert_eq!(moved("duet_joins_total", &[("outcome", "admitted")]), 1.0);
    let not_found = [("reason", "not_found")];
    assert_eq!(moved("duet_join_refusals_total", &not_found), 1.0);
    for direction in ["to_agent", "to_customer"] {
        let text = [("direction", direction), ("kind", "text")];
        assert!(
            moved("duet_frames_relayed_total", &text) >= 1.0,
            "{direction}"
        );
        assert!(
            moved("duet_bytes_relayed_total", &text) >= 10.0,
            "{direction}"
        );
    }
    assert!(moved("duet_relay_latency_seconds", &[]) >= 1.0);
    assert!(moved("duet_queue_depth", &[]) >= 1.0);
    assert!(
        moved("duet_store_commit_seconds", &[]) >= 2.0,
        "start and join"
    );

    customer.send(json!({"type": "end"})).await;
    assert_eq!(customer.close_code().await, Some(4000));
    assert_eq!(agent.close_code().await, Some(4000));
    let ended = scrape(&app).await;
    assert_eq!(value(&ended, "duet_sessions", &[("state", "active")]), 0.0);
    let closes = [("code", "4000")];
    let closed = value(&ended, "duet_socket_closes_total", &closes)
        - value(&before, "duet_socket_closes_total", &closes);
    assert!(closed >= 2.0, "both sockets closed with 4000");
}

#[tokio::test]
async fn the_bus_latency_histogram_counts_what_the_bus_observes() {
    let app = spawn().await;
    let before = value(&scrape(&app).await, "duet_bus_latency_seconds", &[]);
    duet::metrics::observe_bus_latency(Duration::from_millis(3));
    let after = scrape(&app).await;
    assert_eq!(value(&after, "duet_bus_latency_seconds", &[]) - before, 1.0);
    let Value::Histogram(buckets) = &sample(&after, "duet_bus_latency_seconds", &[]).value else {
        panic!("not a histogram");
    };
    let at_5ms = buckets.iter().find(|b| b.less_than == 0.005).unwrap();
    assert!(at_5ms.count >= 1.0);
}
