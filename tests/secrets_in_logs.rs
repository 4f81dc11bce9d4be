//! Secrets never reach the log, at any level: the real binary runs with `RUST_LOG=trace` while
//! an agent signs in, joins and says hello with tokens, the customer's page sends what they typed
//! and an administrator calls the API with the admin key; then the log is searched for each.

mod process_support;
mod support;

use std::fs::File;
use std::time::Duration;

use process_support::Duet;
use serde_json::{Value, json};

const ADMIN_KEY: &str = "admin-key-that-must-never-be-logged-7Qx";
const TYPED: &str = "Zebediah Quartermaine lives at 12 Wharf Road";

async fn post(http: &reqwest::Client, url: String, bearer: Option<&str>, body: Value) -> Value {
    let mut request = http.post(url).json(&body);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    response.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_trace_level_run_logs_no_token_admin_key_or_typed_value() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("duet.log");
    let log = File::create(&log_path).unwrap();
    let duet = Duet::start_logging(
        &dir.path().join("data"),
        &[("RUST_LOG", "trace"), ("DUET_ADMIN_KEY", ADMIN_KEY)],
        log,
    );
    let http = reqwest::Client::new();
    let base = &duet.base;

    let created = post(
        &http,
        format!("{base}/api/sessions"),
        None,
        json!({ "conversationId": "conv-logs" }),
    )
    .await;
    let session = created["sessionId"].as_str().unwrap().to_owned();
    let customer_token = created["token"].as_str().unwrap().to_owned();
    let signed_in = post(
        &http,
        format!("{base}/api/agent/signin"),
        None,
        json!({ "name": "Ann" }),
    )
    .await;
    let agent_token = signed_in["token"].as_str().unwrap().to_owned();
    let joined = post(
        &http,
        format!("{base}/api/agent/sessions/{session}/join"),
        Some(&agent_token),
        json!({}),
    )
    .await;
    let session_token = joined["token"].as_str().unwrap().to_owned();

    let mut customer = support::connect(duet.addr, &customer_token).await;
    customer.next_of("welcome").await;
    let mut agent = support::connect(duet.addr, &session_token).await;
    agent.next_of("welcome").await;
    customer.next_of("snapshot_needed").await;
    let typed_event = json!([{ "type": 2, "data": { "node": { "textContent": TYPED } } }]);
    customer
        .send(json!({ "type": "dom", "full": true, "events": typed_event }))
        .await;
    let relayed = agent.next_of("dom").await;
    assert!(
        relayed.to_string().contains(TYPED),
        "the page change arrived"
    );

    let audit = http
        .get(format!("{base}/api/tenant/audit"))
        .bearer_auth(ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert!(audit.status().is_success(), "{}", audit.status());
    tokio::time::sleep(Duration::from_millis(200)).await;
    duet.stop();

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("DEBUG") && log.contains("engine event"),
        "the run logged Duet's own debug lines, so the search below means something"
    );
    let secrets = [
        ("the customer's token", customer_token.as_str()),
        ("the agent's sign-in token", agent_token.as_str()),
        ("the agent's session token", session_token.as_str()),
        ("the admin key", ADMIN_KEY),
        ("what the customer typed", TYPED),
    ];
    for (what, secret) in secrets {
        // Any long piece of a token is as bad as the whole: a JWT's signature alone replays it.
        let piece = &secret[secret.len().saturating_sub(24)..];
        assert!(
            !log.contains(piece),
            "{what} appears in the trace-level log:\n{}",
            log.lines()
                .filter(|line| line.contains(piece))
                .take(3)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
