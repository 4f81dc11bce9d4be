//! Secrets never reach the log, at any level: the real binary runs with `RUST_LOG=trace` while
//! an agent signs in, joins and says hello with tokens, the customer's page sends what they typed
//! and its assets (uploaded, and one Duet fetches from the site itself), the mirror loads them
//! with the session's asset key, and an administrator calls the API with the admin key; then the
//! log, as text and as JSON lines (`DUET_LOG_FORMAT=json`), is searched for each.

mod process_support;
mod support;

use std::fs::File;
use std::time::Duration;

use process_support::Duet;
use serde_json::{Value, json};

const ADMIN_KEY: &str = "admin-key-that-must-never-be-logged-7Qx";
const TYPED: &str = "Zebediah Quartermaine lives at 12 Wharf Road";
const ASSET_CSS: &str = ".account-of-zebediah-quartermaine { color: rgb(1, 2, 3) }";
const ASSET_PATH: &str = "/styles/zebediah-quartermaine-account.css";
const FETCHED_PATH: &str = "/img/quartermaine-passport-scan.png";

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
    run_and_search_the_log("text").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_trace_level_json_run_writes_one_json_object_a_line_and_no_secret() {
    let log = run_and_search_the_log("json").await;
    for line in log.lines() {
        let object: Value = serde_json::from_str(line)
            .unwrap_or_else(|error| panic!("a log line is not JSON ({error}): {line}"));
        for key in ["level", "fields", "target"] {
            assert!(object.get(key).is_some(), "no {key} in {line}");
        }
    }
}

/// Runs the binary at trace level in `format`, does everything that carries a secret, searches
/// the log for each, and returns the log.
async fn run_and_search_the_log(format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("duet.log");
    let log = File::create(&log_path).unwrap();
    let site = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path(FETCHED_PATH))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .insert_header("content-type", "image/png")
                .set_body_bytes(b"\x89PNG quartermaine".to_vec()),
        )
        .mount(&site)
        .await;
    let duet = Duet::start_logging(
        &dir.path().join("data"),
        &[
            ("RUST_LOG", "trace"),
            ("DUET_LOG_FORMAT", format),
            ("DUET_ADMIN_KEY", ADMIN_KEY),
            ("DUET_ALLOWED_ORIGINS", &site.uri()),
        ],
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
    let asset_prefix = agent.next_of("welcome").await["page_assets"]
        .as_str()
        .unwrap()
        .to_owned();
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

    // The page's assets: one uploaded, one Duet fetches from the site; the mirror loads both.
    let asset_url = format!("{}{ASSET_PATH}", site.uri());
    let fetched_url = format!("{}{FETCHED_PATH}", site.uri());
    let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(ASSET_CSS));
    let read = json!({ "read": [{ "url": asset_url, "sha256": hash, "type": "text/css" }], "unreadable": [fetched_url] });
    post(
        &http,
        format!("{base}/api/sessions/{session}/assets"),
        Some(&customer_token),
        read,
    )
    .await;
    let uploaded = http
        .put(format!("{base}/api/sessions/{session}/assets/{hash}"))
        .bearer_auth(&customer_token)
        .header("content-type", "text/css")
        .body(ASSET_CSS)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 204);
    for address in [&asset_url, &fetched_url] {
        let served = http
            .get(format!("{base}{asset_prefix}"))
            .query(&[("u", address)])
            .send()
            .await
            .unwrap();
        assert_eq!(served.status(), 200, "{address}");
    }

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
        ("an asset's bytes", ASSET_CSS),
        ("an asset's address", ASSET_PATH),
        ("the address of an asset Duet fetched", FETCHED_PATH),
        ("an asset's hash", hash.as_str()),
        ("the session's asset key", asset_prefix.as_str()),
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
    log
}
