//! Who may frame the agent's console, tried as an attacker would: a page on another origin that
//! names itself as the parent gets a page that says no, and a console whose policy does not let
//! that page frame it; Duet's own demo host, `DUET_ORG_ORIGINS` and registered tenants' orgs do.

mod support;

use duet::config::Config;
use duet::tenant::registry::{NewRegistration, Registry};
use support::{App, spawn, spawn_with};

async fn console(app: &App, parent: &str) -> (u16, String, String) {
    let response = app
        .http
        .get(format!("{}/console", app.base))
        .query(&[("mode", "cobrowse"), ("parent", parent)])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let policy = response
        .headers()
        .get("content-security-policy")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, policy, response.text().await.unwrap())
}

#[tokio::test]
async fn a_parent_that_is_no_registered_org_gets_a_refusal_and_no_console() {
    let app = spawn().await;
    let (status, policy, body) = console(&app, "https://evil.example/page").await;
    assert_eq!(status, 403);
    assert!(!policy.contains("evil.example"), "{policy}");
    assert!(body.contains("not one"), "{body}");
    assert!(
        body.contains("duet tenant add --org https://evil.example"),
        "{body}"
    );
    assert!(!body.contains("<script"), "the refusal runs nothing");
}

#[tokio::test]
async fn the_demo_host_and_configured_orgs_may_frame_the_console() {
    let app = spawn_with(Config {
        org_origins: vec!["https://contoso.crm.dynamics.com/".to_owned()],
        ..Config::default()
    })
    .await;
    let (status, policy, _) = console(&app, &app.base).await;
    assert_eq!(status, 200);
    assert!(
        policy.ends_with(&format!("frame-ancestors 'self' {}", app.base)),
        "{policy}"
    );

    let (status, policy, _) = console(&app, "https://contoso.crm.dynamics.com").await;
    assert_eq!(status, 200);
    assert!(policy.ends_with("frame-ancestors 'self' https://contoso.crm.dynamics.com"));
}

#[tokio::test]
async fn a_registered_tenants_org_may_frame_the_console() {
    let app = spawn().await;
    let registry = Registry::new(app.state.service.store.clone());
    let new = NewRegistration {
        name: "Fabrikam".to_owned(),
        entra_tenant: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0".to_owned(),
        orgs: vec!["https://fabrikam.crm4.dynamics.com".to_owned()],
        sites: Vec::new(),
    };
    registry
        .add(new, app.state.service.clock.now())
        .await
        .unwrap();
    app.state.service.directory.refresh().await.unwrap();

    let (status, policy, _) = console(&app, "https://fabrikam.crm4.dynamics.com").await;
    assert_eq!(status, 200);
    assert!(policy.contains("https://fabrikam.crm4.dynamics.com"));
}
