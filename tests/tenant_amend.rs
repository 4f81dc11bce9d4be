//! A registered tenant changed while Duet runs, as its administrator would change it: its own
//! ICE servers reach its screen shares and sockets only, a website two tenants share needs the
//! script tag's `data-tenant`, and a new chat-platform key replaces the old one.

mod support;

use duet::engine::Actor;
use duet::tenant::registry::{Amendment, NewRegistration, Registry};
use secrecy::ExposeSecret;
use serde_json::json;
use support::{App, spawn};

const SHARED_SITE: &str = "https://help.shared.example";

/// Registers a tenant with one org and `sites`; returns its chat-platform key.
async fn register(app: &App, name: &str, entra: &str, sites: &[&str]) -> String {
    let service = &app.state.service;
    let new = NewRegistration {
        name: name.to_owned(),
        entra_tenant: entra.to_owned(),
        orgs: vec![format!("https://{}.crm.dynamics.com", name.to_lowercase())],
        sites: sites.iter().map(|site| (*site).to_owned()).collect(),
    };
    let added = Registry::new(service.store.clone())
        .add(new, service.clock.now())
        .await
        .unwrap();
    service.directory.refresh().await.unwrap();
    added.chat_key.expose_secret().to_owned()
}

async fn amend(app: &App, name: &str, amendment: Amendment) -> Option<String> {
    let service = &app.state.service;
    let amended = Registry::new(service.store.clone())
        .amend(name, amendment, Actor::admin(), service.clock.now())
        .await
        .unwrap();
    service.directory.refresh().await.unwrap();
    amended.chat_key.map(|key| key.expose_secret().to_owned())
}

/// A sign-in token for an agent of `tenant`, as Entra ID sign-in issues it.
fn agent_of(app: &App, tenant: &str, name: &str) -> String {
    app.entra_user(tenant, name, "Duet.Agent")
}

async fn start_from(app: &App, origin: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let response = app
        .http
        .post(format!("{}/api/sessions", app.base))
        .header("Origin", origin)
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_tenants_own_ice_servers_reach_its_shares_and_sockets_and_no_other_tenants() {
    let app = spawn().await;
    register(&app, "Contoso", "11111111-2222-4333-8444-555555555555", &[]).await;
    register(
        &app,
        "Fabrikam",
        "99999999-8888-4777-8666-555555555555",
        &[],
    )
    .await;
    let turn = "turns:turn.contoso.example:5349";
    amend(
        &app,
        "contoso",
        Amendment {
            ice_servers: Some(vec![turn.to_owned()]),
            ..Default::default()
        },
    )
    .await;

    let contoso = agent_of(&app, "contoso", "Cleo");
    let (status, started) = app
        .post("/api/agent/screenshare", Some(&contoso), json!({}))
        .await;
    assert_eq!(status, 200, "{started}");
    assert_eq!(started["iceServers"], json!([{ "urls": turn }]));
    let (status, found) = app
        .post(
            "/api/screenshare/lookup",
            None,
            json!({ "key": started["key"] }),
        )
        .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(
        found["iceServers"],
        json!([{ "urls": turn }]),
        "the customer's side too"
    );
    let mut agent = app.socket(started["token"].as_str().unwrap()).await;
    let welcome = agent.next_of("welcome").await;
    assert_eq!(welcome["ice_servers"], json!([{ "urls": turn }]));

    let fabrikam = agent_of(&app, "fabrikam", "Finn");
    let (_, other) = app
        .post("/api/agent/screenshare", Some(&fabrikam), json!({}))
        .await;
    assert_eq!(
        other["iceServers"],
        json!([]),
        "Fabrikam keeps the built-in (none)"
    );

    amend(
        &app,
        "contoso",
        Amendment {
            ice_servers: Some(Vec::new()),
            ..Default::default()
        },
    )
    .await;
    let dana = agent_of(&app, "contoso", "Dana");
    let (_, again) = app
        .post("/api/agent/screenshare", Some(&dana), json!({}))
        .await;
    assert_eq!(
        again["iceServers"],
        json!([]),
        "an empty list is the built-in ones again"
    );
}

#[tokio::test]
async fn a_website_two_tenants_share_needs_data_tenant_which_must_be_one_of_them() {
    let app = spawn().await;
    let first = "11111111-2222-4333-8444-555555555555";
    register(&app, "Contoso", first, &[SHARED_SITE]).await;
    let second = "99999999-8888-4777-8666-555555555555";
    register(&app, "Fabrikam", second, &[SHARED_SITE]).await;

    let (status, body) = start_from(&app, SHARED_SITE, json!({})).await;
    assert_eq!(status, 400, "{body}");
    let message = body["error"].as_str().unwrap();
    assert!(
        message.contains("contoso, fabrikam") && message.contains("data-tenant"),
        "{message}"
    );

    let (status, body) = start_from(&app, SHARED_SITE, json!({ "tenant": "fabrikam" })).await;
    assert_eq!(status, 201, "{body}");
    let id = body["sessionId"].as_str().unwrap().to_owned();
    assert_eq!(app.session(&id).await.tenant().as_str(), "fabrikam");
    let (status, _) = app.join(&agent_of(&app, "contoso", "Cleo"), &id).await;
    assert_eq!(
        status, 404,
        "Contoso's agent cannot join Fabrikam's session"
    );

    let (status, body) = start_from(&app, SHARED_SITE, json!({ "tenant": "northwind" })).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("duet tenant set northwind --site")
    );
    let (status, body) =
        start_from(&app, "https://evil.example", json!({ "tenant": "contoso" })).await;
    assert_eq!(
        status, 403,
        "a tenant's name does not make any site its website: {body}"
    );
    let (status, _) = app
        .post("/api/sessions", None, json!({ "tenant": "contoso" }))
        .await;
    assert_eq!(
        status, 403,
        "without a browser's Origin no tenant can be named"
    );
}

#[tokio::test]
async fn a_new_chat_platform_key_works_and_the_old_one_stops() {
    let app = spawn().await;
    let old = register(&app, "Contoso", "11111111-2222-4333-8444-555555555555", &[]).await;
    let end = "/api/conversations/conv-1/end";
    let (status, _) = app.post(end, Some(&old), json!({})).await;
    assert_eq!(status, 200);

    let new = amend(
        &app,
        "contoso",
        Amendment {
            new_chat_key: true,
            ..Default::default()
        },
    )
    .await
    .expect("a new key, shown once");
    assert_ne!(new, old);
    let (status, _) = app.post(end, Some(&new), json!({})).await;
    assert_eq!(status, 200);
    let (status, _) = app.post(end, Some(&old), json!({})).await;
    assert_eq!(status, 401, "the old key no longer ends conversations");
}

#[tokio::test]
async fn an_amendment_that_would_leave_no_org_or_a_bad_url_is_refused_and_changes_nothing() {
    let app = spawn().await;
    register(&app, "Contoso", "11111111-2222-4333-8444-555555555555", &[]).await;
    let registry = Registry::new(app.state.service.store.clone());
    let now = app.state.service.clock.now();
    let tries = [
        (
            Amendment {
                orgs: Some(Vec::new()),
                ..Default::default()
            },
            "--org",
        ),
        (
            Amendment {
                sites: Some(vec!["http://shop.contoso.example".into()]),
                ..Default::default()
            },
            "plain http only",
        ),
        (
            Amendment {
                ice_servers: Some(vec!["https://turn.example".into()]),
                ..Default::default()
            },
            "stun:host",
        ),
    ];
    for (amendment, expected) in tries {
        let refused = registry
            .amend("contoso", amendment, Actor::admin(), now)
            .await;
        let message = refused.err().expect("refused").to_string();
        assert!(message.contains(expected), "{message}");
    }
    let kept = registry.list().await.unwrap();
    assert_eq!(kept[0].orgs, ["https://contoso.crm.dynamics.com"]);
    assert!(kept[0].ice_servers.is_none());
}
