//! Which page may have a tenant's framed page in its co-browse session (`POST /api/frames/parent`):
//! only another website of the same tenant. A page on another tenant's website, or on no tenant's,
//! gets a refusal, and so the framed page sends it nothing.

mod support;

use duet::tenant::registry::{NewRegistration, Registry};
use serde_json::json;
use support::{App, spawn};

const CONTOSO_SHOP: &str = "https://shop.contoso.example";
const CONTOSO_HELP: &str = "https://help.contoso.example";
const FABRIKAM_SHOP: &str = "https://shop.fabrikam.example";

/// Registers Contoso (two websites, and a mask selector) and Fabrikam (one website).
async fn register_both(app: &App) {
    let service = &app.state.service;
    let registry = Registry::new(service.store.clone());
    let tenants = [
        (
            "Contoso",
            "11111111-2222-4333-8444-555555555555",
            "https://contoso.crm.dynamics.com",
            vec![CONTOSO_SHOP.to_owned(), CONTOSO_HELP.to_owned()],
        ),
        (
            "Fabrikam",
            "99999999-8888-4777-8666-555555555555",
            "https://fabrikam.crm.dynamics.com",
            vec![FABRIKAM_SHOP.to_owned()],
        ),
    ];
    for (name, entra, org, sites) in tenants {
        let new = NewRegistration {
            name: name.to_owned(),
            entra_tenant: entra.to_owned(),
            orgs: vec![org.to_owned()],
            sites,
        };
        registry.add(new, service.clock.now()).await.unwrap();
    }
    service.directory.refresh().await.unwrap();
}

/// Asks from a framed page on `child` (no Origin when `None`) about a parent on `parent`.
async fn ask(app: &App, child: Option<&str>, parent: &str) -> (u16, serde_json::Value) {
    let mut request = app.http.post(format!("{}/api/frames/parent", app.base));
    if let Some(origin) = child {
        request = request.header("Origin", origin);
    }
    let response = request
        .json(&json!({ "parent": parent }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn a_framed_page_joins_a_parent_on_another_website_of_its_tenant_with_the_tenants_policy() {
    let app = spawn().await;
    register_both(&app).await;
    let (status, body) = ask(&app, Some(CONTOSO_HELP), CONTOSO_SHOP).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["policy"]["mask_selectors"].is_array(),
        "the answer carries the tenant's policy: {body}"
    );
}

#[tokio::test]
async fn a_framed_page_is_refused_a_parent_of_another_tenant_or_of_none() {
    let app = spawn().await;
    register_both(&app).await;
    for parent in [FABRIKAM_SHOP, "https://attacker.example", "null", ""] {
        let (status, _) = ask(&app, Some(CONTOSO_HELP), parent).await;
        assert_eq!(status, 403, "a parent on {parent:?}");
    }
    let (status, _) = ask(&app, Some("https://unknown.example"), CONTOSO_SHOP).await;
    assert_eq!(status, 403, "a framed page on no tenant's website");
    let (status, _) = ask(&app, None, CONTOSO_SHOP).await;
    assert_eq!(status, 403, "a caller without an Origin");
}
