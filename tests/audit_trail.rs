//! The audit trail from outside: `duet audit export` prints what happened in seq order with
//! exactly the promised fields, `duet audit verify` finds an edited or deleted row by its seq,
//! and the administrator reads the same records over HTTP, page by page.

mod process_support;
mod support;

use std::path::Path;

use process_support::{Duet, audit_records, duet};
use serde_json::{Value, json};

/// A session Ann joined and the customer ended, on a real `duet serve` over `dir`.
async fn one_session(dir: &Path) -> String {
    let served = Duet::start(dir, &[("DUET_ADMIN_KEY", "admin-key")]);
    let http = reqwest::Client::new();
    let post = |path: &str, bearer: Option<&str>| {
        let mut request = http.post(format!("{}{path}", served.base)).json(&json!({}));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let started: Value = post("/api/sessions", None)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = started["sessionId"].as_str().unwrap().to_owned();
    let signin = http
        .post(format!("{}/api/agent/signin", served.base))
        .json(&json!({"name": "Ann"}))
        .send()
        .await
        .unwrap();
    let agent: Value = signin.json().await.unwrap();
    let join = format!("/api/agent/sessions/{id}/join");
    let joined = post(&join, agent["token"].as_str()).await.unwrap();
    assert_eq!(joined.status(), 200);
    let end = format!("/api/sessions/{id}/end");
    let ended = post(&end, started["token"].as_str()).await.unwrap();
    assert_eq!(ended.status(), 204);
    served.stop();
    id
}

fn sqlite_file(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("duet.db").display())
}

async fn tamper(dir: &Path, sql: &str) {
    let pool = sqlx::SqlitePool::connect(&sqlite_file(dir)).await.unwrap();
    let changed = sqlx::query(sql).execute(&pool).await.unwrap();
    assert_eq!(changed.rows_affected(), 1, "{sql}");
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_export_prints_every_change_in_seq_order_with_exactly_the_promised_fields() {
    let dir = tempfile::tempdir().unwrap();
    let id = one_session(dir.path()).await;
    let records = audit_records(dir.path());
    let actions: Vec<&str> = records
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "session.created",
            "agent.signed_in",
            "session.joined",
            "session.ended"
        ]
    );
    for (n, record) in records.iter().enumerate() {
        let mut fields: Vec<&String> = record.as_object().unwrap().keys().collect();
        fields.sort();
        let expected = [
            "action", "actor", "at", "detail", "hash", "prev", "seq", "session", "tenant",
        ];
        assert_eq!(fields, expected);
        assert_eq!(record["seq"], n as u64 + 1);
        assert!(record["at"].as_str().unwrap().ends_with('Z'));
    }
    assert_eq!(records[0]["session"], id.as_str());
    assert_eq!(
        records[1]["session"],
        Value::Null,
        "a sign-in is about no session"
    );
    assert_eq!(
        records[2]["actor"],
        json!({"role": "agent", "id": "dev:ann", "name": "Ann"})
    );
    assert_eq!(records[3]["detail"]["reason"], "customer_exit");
    assert_eq!(records[1]["prev"], records[0]["hash"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_export_filters_by_session_and_time_and_prints_csv() {
    let dir = tempfile::tempdir().unwrap();
    let id = one_session(dir.path()).await;
    let out = duet(
        dir.path(),
        &["audit", "export", "--session", &id, "--format", "csv"],
    );
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("seq,at,tenant,session,actor_role,actor_id,actor_name,action,detail,prev,hash")
    );
    assert_eq!(
        lines.count(),
        3,
        "the sign-in is not about the session: {csv}"
    );
    let later = duet(
        dir.path(),
        &["audit", "export", "--since", "2999-01-01T00:00:00Z"],
    );
    assert!(later.status.success());
    assert!(later.stdout.is_empty());
    let bad = duet(dir.path(), &["audit", "export", "--since", "yesterday"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("RFC 3339"));
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_passes_an_untouched_trail_and_names_the_seq_of_an_edited_row() {
    let dir = tempfile::tempdir().unwrap();
    one_session(dir.path()).await;
    let clean = duet(dir.path(), &["audit", "verify"]);
    assert!(
        clean.status.success(),
        "{}",
        String::from_utf8_lossy(&clean.stderr)
    );

    tamper(
        dir.path(),
        r#"UPDATE audit_records SET detail = '{"reason":"agent_exit"}' WHERE seq = 4"#,
    )
    .await;
    let edited = duet(dir.path(), &["audit", "verify"]);
    let said = String::from_utf8_lossy(&edited.stderr);
    assert_eq!(edited.status.code(), Some(1), "{said}");
    assert!(said.contains("seq 4"), "{said}");
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_finds_a_row_deleted_from_the_middle() {
    let dir = tempfile::tempdir().unwrap();
    one_session(dir.path()).await;
    tamper(dir.path(), "DELETE FROM audit_records WHERE seq = 2").await;
    let deleted = duet(dir.path(), &["audit", "verify"]);
    let said = String::from_utf8_lossy(&deleted.stderr);
    assert_eq!(deleted.status.code(), Some(1), "{said}");
    assert!(said.contains("seq 3") || said.contains("seq 2"), "{said}");
}

#[tokio::test(flavor = "multi_thread")]
async fn reading_the_audit_without_a_database_says_where_it_looked() {
    let dir = tempfile::tempdir().unwrap();
    let out = duet(dir.path(), &["audit", "verify"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        said.contains("no Duet database") && said.contains("DUET_DATA_DIR"),
        "{said}"
    );
    assert!(
        !dir.path().join("duet.db").exists(),
        "reading must not create a database"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_administrator_reads_the_trail_over_http_page_by_page() {
    let dir = tempfile::tempdir().unwrap();
    one_session(dir.path()).await;
    let served = Duet::start(dir.path(), &[("DUET_ADMIN_KEY", "admin-key")]);
    let http = reqwest::Client::new();
    let get = |query: &str, key: Option<&str>| {
        let mut request = http.get(format!("{}/api/tenant/audit{query}", served.base));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        request.send()
    };
    assert_eq!(get("", None).await.unwrap().status(), 401);
    let agent_key = get("", Some("not-the-key")).await.unwrap();
    assert_eq!(agent_key.status(), 401);

    let first: Value = get("?limit=3", Some("admin-key"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first["records"].as_array().unwrap().len(), 3);
    let next = first["next"].as_str().unwrap().to_owned();
    assert!(next.contains("after=3"), "{next}");
    let second: Value = http
        .get(format!("{}{next}", served.base))
        .bearer_auth("admin-key")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(second["records"][0]["seq"], 4);

    let jsonl = get("?format=jsonl", Some("admin-key")).await.unwrap();
    assert_eq!(jsonl.headers()["content-type"], "application/x-ndjson");
    assert_eq!(jsonl.text().await.unwrap().lines().count(), 4);
    let bad = get("?format=xml", Some("admin-key")).await.unwrap();
    assert_eq!(bad.status(), 400);
    served.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn without_an_administrator_key_the_trail_is_not_served_and_says_what_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let served = Duet::start(dir.path(), &[]);
    let response = reqwest::Client::new()
        .get(format!("{}/api/tenant/audit", served.base))
        .bearer_auth("anything")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(response.text().await.unwrap().contains("DUET_ADMIN_KEY"));
}

#[tokio::test]
async fn pruning_past_retention_keeps_the_rest_of_the_trail_verifiable_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let config = duet::config::Config {
        data_dir: dir.path().to_path_buf(),
        ..duet::config::Config::default()
    };
    let service = duet::service::Service::start(&config).await.unwrap();
    let tenant = service.tenant_id.clone();
    for _ in 0..3 {
        let now = service.clock.now();
        service
            .sessions
            .create(tenant.clone(), None, now)
            .await
            .unwrap();
    }
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    duet::service::prune(&service, std::time::Duration::ZERO).await;
    let first = service
        .sessions
        .create(tenant.clone(), None, service.clock.now())
        .await;
    assert!(first.is_ok(), "the trail goes on after pruning");
    let query = duet::store::AuditQuery {
        tenant: Some(tenant.as_str().to_owned()),
        limit: 100,
        ..Default::default()
    };
    let left = service.store.audit(&query).await.unwrap();
    let actions: Vec<&str> = left.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["audit.pruned", "session.created"]);
    assert_eq!(left[0].detail["removed"], 3);
    let verified = duet::store::audit::verify_store(&*service.store, None).await;
    assert!(verified.is_ok(), "{verified:?}");
}

#[tokio::test]
async fn ending_a_conversation_names_the_agent_who_ended_it() {
    let app = support::spawn().await;
    let (id, _) = app.start_session(Some("conv-42")).await;
    let ann = app.sign_in("Ann").await;
    app.join(&ann, &id.to_string()).await;
    let (status, _) = app
        .post("/api/conversations/conv-42/end", Some(&ann), json!({}))
        .await;
    assert_eq!(status, 200);
    let query = duet::store::AuditQuery {
        session: Some(id),
        limit: 10,
        ..Default::default()
    };
    let trail = app.state.service.store.audit(&query).await.unwrap();
    let ended = trail.last().unwrap();
    assert_eq!(ended.action, "session.ended");
    assert_eq!(ended.detail["reason"], "interaction_ended");
    assert_eq!(ended.actor.role, "agent");
    assert_eq!(ended.actor.name.as_deref(), Some("Ann"));
}
