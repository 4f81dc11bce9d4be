//! Two organisations in one Duet, tried as an agent of one would against the other: a session
//! started on one tenant's website belongs to that tenant, and an agent of the other can neither
//! find it as a conversation's pending session, join it, nor end it.

mod support;

use duet::engine::{AgentId, TenantId};
use duet::tenant::registry::{NewRegistration, Registry};
use secrecy::ExposeSecret;
use serde_json::json;
use support::{App, spawn};

const CONTOSO_SITE: &str = "https://shop.contoso.example";

/// Registers Contoso (with its website) and Fabrikam, and lets the running Duet see them;
/// returns their chat-platform keys.
async fn register_both(app: &App) -> Vec<String> {
    let service = &app.state.service;
    let registry = Registry::new(service.store.clone());
    let mut keys = Vec::new();
    let tenants = [
        (
            "Contoso",
            "11111111-2222-4333-8444-555555555555",
            "https://contoso.crm.dynamics.com",
            vec![CONTOSO_SITE.to_owned()],
        ),
        (
            "Fabrikam",
            "99999999-8888-4777-8666-555555555555",
            "https://fabrikam.crm.dynamics.com",
            Vec::new(),
        ),
    ];
    for (name, entra, org, sites) in tenants {
        let new = NewRegistration {
            name: name.to_owned(),
            entra_tenant: entra.to_owned(),
            orgs: vec![org.to_owned()],
            sites,
        };
        let added = registry.add(new, service.clock.now()).await.unwrap();
        keys.push(added.chat_key.expose_secret().to_owned());
    }
    service.directory.refresh().await.unwrap();
    keys
}

/// A sign-in token for an agent of `tenant`, as Entra ID sign-in issues it.
fn agent_of(app: &App, tenant: &str, name: &str) -> String {
    app.entra_user(tenant, name, "Duet.Agent")
}

#[tokio::test]
async fn an_agent_of_one_tenant_cannot_find_join_or_end_the_other_tenants_session() {
    let app = spawn().await;
    register_both(&app).await;
    let response = app
        .http
        .post(format!("{}/api/sessions", app.base))
        .header("Origin", CONTOSO_SITE)
        .json(&json!({ "conversationId": "conv-shared-id" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        CONTOSO_SITE
    );
    let body: serde_json::Value = response.json().await.unwrap();
    let id = body["sessionId"].as_str().unwrap().to_owned();
    assert_eq!(app.session(&id).await.tenant().as_str(), "contoso");

    let fabrikam = agent_of(&app, "fabrikam", "Frank");
    let (status, _) = app
        .get(
            "/api/agent/pending?conversation=conv-shared-id",
            Some(&fabrikam),
        )
        .await;
    assert_eq!(
        status, 404,
        "Fabrikam's agent must not see Contoso's pending session"
    );
    let (status, body) = app.join(&fabrikam, &id).await;
    assert_eq!(status, 404, "{body}");
    assert!(body["error"].as_str().unwrap().contains("no live session"));
    let (_, ended) = app
        .post(
            "/api/conversations/conv-shared-id/end",
            Some(&fabrikam),
            json!({}),
        )
        .await;
    assert_eq!(ended["ended"], json!([]));
    assert!(app.session(&id).await.is_live());

    let contoso = agent_of(&app, "contoso", "Cleo");
    let (status, body) = app
        .get(
            "/api/agent/pending?conversation=conv-shared-id",
            Some(&contoso),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app.join(&contoso, &id).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_site_no_tenant_registered_cannot_start_a_session() {
    let app = spawn().await;
    register_both(&app).await;
    let response = app
        .http
        .post(format!("{}/api/sessions", app.base))
        .header("Origin", "https://shop.unknown.example")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("duet tenant add --site")
    );
}

#[tokio::test]
async fn each_tenants_policy_applies_to_its_own_sessions_only() {
    let app = spawn().await;
    register_both(&app).await;
    let policy = duet::config::PolicySettings {
        mask_selectors: vec!["#contoso-loyalty-number".to_owned()],
        private_by_default: true,
        ..Default::default()
    };
    Registry::new(app.state.service.store.clone())
        .amend(
            "contoso",
            duet::tenant::registry::Amendment {
                policy: Some(policy),
                ..Default::default()
            },
            duet::engine::Actor::admin(),
            app.state.service.clock.now(),
        )
        .await
        .unwrap();
    app.state.service.directory.refresh().await.unwrap();

    let contoso = app.start_session_from(CONTOSO_SITE, json!({})).await;
    assert_eq!(
        contoso["policy"]["mask_selectors"],
        json!(["#contoso-loyalty-number"])
    );
    assert_eq!(contoso["policy"]["private_by_default"], true);
    let mut socket = app.socket(contoso["token"].as_str().unwrap()).await;
    let welcome = socket.next_of("welcome").await;
    assert_eq!(
        welcome["policy"]["mask_selectors"],
        json!(["#contoso-loyalty-number"])
    );

    let (_, other_token) = app.start_session(None).await;
    let mut other = app.socket(&other_token).await;
    let welcome = other.next_of("welcome").await;
    assert_eq!(
        welcome["policy"]["mask_selectors"],
        json!([]),
        "a session of another tenant keeps the built-in policy"
    );
    assert_eq!(welcome["policy"]["private_by_default"], false);
}

#[tokio::test]
async fn a_tenants_chat_platform_key_ends_that_tenants_conversation_and_no_other() {
    let app = spawn().await;
    let keys = register_both(&app).await;
    let (contoso_key, fabrikam_key) = (&keys[0], &keys[1]);
    let body = json!({ "conversationId": "conv-chat" });
    let started = app.start_session_from(CONTOSO_SITE, body).await;
    let id = started["sessionId"].as_str().unwrap().to_owned();

    let (status, ended) = app
        .post(
            "/api/conversations/conv-chat/end",
            Some(fabrikam_key),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{ended}");
    assert_eq!(
        ended["ended"],
        json!([]),
        "Fabrikam's platform cannot end Contoso's"
    );
    assert!(app.session(&id).await.is_live());

    let (status, ended) = app
        .post(
            "/api/conversations/conv-chat/end",
            Some(contoso_key),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{ended}");
    assert_eq!(ended["ended"], json!([id]));

    let (status, _) = app
        .post(
            "/api/conversations/conv-chat/end",
            Some("duet-chat-guessed"),
            json!({}),
        )
        .await;
    assert_eq!(status, 401, "a made-up key is refused");
}

/// A sign-in token for a user of `tenant` holding `roles`.
fn user_of(app: &App, tenant: &str, name: &str, roles: &[&str]) -> String {
    let id = AgentId(format!("entra:{tenant}:{name}"));
    let roles = Some(roles.iter().map(|role| (*role).to_owned()).collect());
    app.state
        .tokens
        .agent_with_roles(&id, name, roles, &TenantId::new(tenant))
}

#[tokio::test]
async fn a_tenants_admin_reads_and_changes_only_that_tenants_trail_and_bookmarks() {
    let app = spawn().await;
    register_both(&app).await;
    let started = app
        .start_session_from(CONTOSO_SITE, json!({ "conversationId": "conv-admin" }))
        .await;
    let contoso_session = started["sessionId"].as_str().unwrap().to_owned();
    let (other_session, _) = app.start_session(None).await;

    let admin = user_of(&app, "contoso", "Ada", &["Duet.Admin"]);
    // The journal writes in the background: wait for the session's record.
    let mut trail = String::new();
    for _ in 0..50 {
        let (status, body) = app.get("/api/tenant/audit", Some(&admin)).await;
        assert_eq!(status, 200, "{body}");
        trail = body;
        if trail.contains(&contoso_session) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(trail.contains(&contoso_session), "{trail}");
    assert!(
        !trail.contains(&other_session),
        "another tenant's session in Contoso's trail"
    );
    assert!(!trail.contains("fabrikam"), "{trail}");

    let agent = user_of(&app, "contoso", "Cleo", &["Duet.Agent"]);
    let (status, body) = app.get("/api/tenant/audit", Some(&agent)).await;
    assert_eq!(status, 403);
    assert!(body.contains("Duet.Admin"), "{body}");

    let bookmark = json!({ "kind": "bookmark", "name": "Returns", "url": "https://shop.contoso.example/returns" });
    let (status, body) = app
        .post("/api/tenant/bookmarks", Some(&admin), bookmark)
        .await;
    assert_eq!(status, 201, "{body}");
    let (_, contoso_menu) = app.get("/api/tenant/bookmarks", Some(&agent)).await;
    assert!(contoso_menu.contains("Returns"), "{contoso_menu}");
    let fabrikam = user_of(&app, "fabrikam", "Frank", &["Duet.Agent"]);
    let (_, fabrikam_menu) = app.get("/api/tenant/bookmarks", Some(&fabrikam)).await;
    assert!(!fabrikam_menu.contains("Returns"), "{fabrikam_menu}");
}
