//! The tenant settings API: bookmarks and folders for the share menu, the limit of 20, who may
//! change them, and that they survive a restart when a data directory is set.

mod support;

use duet::config::Config;
use secrecy::SecretString;
use serde_json::{Value, json};
use support::{App, spawn_with};

const ADMIN: &str = "admin-key-for-tests";

fn config(data_dir: &std::path::Path) -> Config {
    Config {
        admin_key: Some(SecretString::from(ADMIN)),
        data_dir: data_dir.to_path_buf(),
        ..Config::default()
    }
}

async fn put(app: &App, path: &str, body: Value) -> (u16, Value) {
    let response = app
        .http
        .put(format!("{}{path}", app.base))
        .bearer_auth(ADMIN)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn delete(app: &App, path: &str) -> u16 {
    app.http
        .delete(format!("{}{path}", app.base))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn bookmark(name: &str) -> Value {
    json!({"kind": "bookmark", "name": name, "url": "https://help.example.com/start"})
}

#[tokio::test]
async fn bookmarks_can_be_created_read_updated_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_with(config(dir.path())).await;
    let (status, folder) = app
        .post(
            "/api/tenant/bookmarks",
            Some(ADMIN),
            json!({"kind": "folder", "name": "Billing"}),
        )
        .await;
    assert_eq!(status, 201, "{folder}");
    let mut input = bookmark("Invoices");
    input["folder"] = folder["id"].clone();
    let (status, created) = app.post("/api/tenant/bookmarks", Some(ADMIN), input).await;
    assert_eq!(status, 201, "{created}");

    let agent = app.sign_in("Ann").await;
    let (status, listed) = app.get("/api/tenant/bookmarks", Some(&agent)).await;
    assert_eq!(status, 200);
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);

    let path = format!("/api/tenant/bookmarks/{}", created["id"]);
    let (status, renamed) = put(&app, &path, bookmark("Invoices and receipts")).await;
    assert_eq!(
        (status, renamed["name"].as_str()),
        (200, Some("Invoices and receipts"))
    );
    assert_eq!(delete(&app, &path).await, 204);
    assert_eq!(delete(&app, &path).await, 404);
}

#[tokio::test]
async fn the_twenty_first_bookmark_or_folder_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_with(config(dir.path())).await;
    for n in 0..20 {
        let (status, _) = app
            .post(
                "/api/tenant/bookmarks",
                Some(ADMIN),
                bookmark(&format!("b{n}")),
            )
            .await;
        assert_eq!(status, 201);
    }
    let (status, body) = app
        .post(
            "/api/tenant/bookmarks",
            Some(ADMIN),
            json!({"kind": "folder", "name": "one more"}),
        )
        .await;
    assert_eq!(status, 409);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("up to 20 bookmarks and folders")
    );
}

#[tokio::test]
async fn agents_can_read_but_not_change_bookmarks() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_with(config(dir.path())).await;
    let agent = app.sign_in("Ann").await;
    let (status, body) = app
        .post("/api/tenant/bookmarks", Some(&agent), bookmark("mine"))
        .await;
    assert_eq!(status, 403, "signed in, but not an administrator");
    assert!(body.to_string().contains("Duet.Admin"), "{body}");
    assert_eq!(app.get("/api/tenant/bookmarks", None).await.0, 401);
}

#[tokio::test]
async fn without_an_administrator_key_changes_are_refused_and_say_what_to_set() {
    let app = spawn_with(Config::default()).await;
    let (status, body) = app
        .post("/api/tenant/bookmarks", Some("anything"), bookmark("x"))
        .await;
    assert_eq!(status, 403);
    assert!(body["error"].as_str().unwrap().contains("DUET_ADMIN_KEY"));
}

#[tokio::test]
async fn bookmarks_survive_a_restart_when_a_data_directory_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let first = spawn_with(config(dir.path())).await;
    first
        .post("/api/tenant/bookmarks", Some(ADMIN), bookmark("kept"))
        .await;
    let second = spawn_with(config(dir.path())).await;
    let (_, listed) = second.get("/api/tenant/bookmarks", Some(ADMIN)).await;
    assert!(listed.contains("kept"), "{listed}");
}

#[tokio::test]
async fn a_bookmark_outside_the_allowed_sites_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path());
    config.policy.share_sites = vec!["https://help.example.com/".to_owned()];
    let app = spawn_with(config).await;
    let input = json!({"kind": "bookmark", "name": "x", "url": "https://elsewhere.example/"});
    let (status, body) = app.post("/api/tenant/bookmarks", Some(ADMIN), input).await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("DUET_SHARE_SITES"));
}

#[tokio::test]
async fn bookmarks_an_earlier_duet_kept_in_a_file_move_into_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let legacy = r#"{"entries":[{"id":0,"kind":"folder","name":"From the file"}],"next_id":1}"#;
    std::fs::write(dir.path().join("bookmarks.json"), legacy).unwrap();
    let app = spawn_with(config(dir.path())).await;
    let (_, listed) = app.get("/api/tenant/bookmarks", Some(ADMIN)).await;
    assert!(listed.contains("From the file"), "{listed}");
    assert!(
        !dir.path().join("bookmarks.json").exists(),
        "the file is gone once moved"
    );
    let (_, trail) = app.get("/api/tenant/audit", Some(ADMIN)).await;
    assert!(trail.contains("imported_from"), "{trail}");
}

#[tokio::test]
async fn every_change_is_in_the_audit_trail_as_the_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_with(config(dir.path())).await;
    let (_, added) = app
        .post("/api/tenant/bookmarks", Some(ADMIN), bookmark("audited"))
        .await;
    let (_, trail) = app.get("/api/tenant/audit", Some(ADMIN)).await;
    let trail: serde_json::Value = serde_json::from_str(&trail).unwrap();
    let last = trail["records"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "settings.changed");
    assert_eq!(last["actor"]["role"], "admin");
    assert_eq!(last["detail"]["change"]["added"], added["id"]);
    assert_eq!(last["detail"]["setting"], "bookmarks");
}
