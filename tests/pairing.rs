//! Pairing without a code, over HTTP: a session started with a pairing key is found by it (and
//! only by it, and only by its own tenant's agents); a malformed key is refused; Duet keeps the
//! key's digest, never the key.

mod support;

use serde_json::json;
use support::spawn;

const KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

#[tokio::test]
async fn a_session_started_with_a_pairing_key_is_found_by_that_key_only() {
    let app = spawn().await;
    let (status, started) = app
        .post("/api/sessions", None, json!({ "pairingKey": KEY }))
        .await;
    assert_eq!(status, 201, "{started}");
    let id = started["sessionId"].as_str().unwrap().to_owned();
    let agent = app.sign_in("Pat").await;

    let (status, found) = app
        .get(
            &format!("/api/agent/pending?pairing={KEY}&conversation=other"),
            Some(&agent),
        )
        .await;
    assert_eq!(status, 200, "{found}");
    assert!(found.contains(&id));
    let wrong = "ffffffffffffffffffffffffffffffff";
    let (status, _) = app
        .get(&format!("/api/agent/pending?pairing={wrong}"), Some(&agent))
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .get("/api/agent/pending?conversation=", Some(&agent))
        .await;
    assert_eq!(status, 404, "no conversation, no session");

    let stored = serde_json::to_string(&app.session(&id).await).unwrap();
    assert!(!stored.contains(KEY), "only the digest is kept");
}

#[tokio::test]
async fn a_malformed_pairing_key_or_a_lookup_naming_nothing_is_refused_with_what_to_do() {
    let app = spawn().await;
    let (status, body) = app
        .post(
            "/api/sessions",
            None,
            json!({ "pairingKey": "x' or '1'='1" }),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("16 to 128"));
    let agent = app.sign_in("Pat").await;
    let (status, body) = app.get("/api/agent/pending", Some(&agent)).await;
    assert_eq!(status, 400);
    assert!(body.contains("?pairing="), "{body}");
}
