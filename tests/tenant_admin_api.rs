//! What the admin page calls, tried as its users would: a tenant's administrator sees their own
//! organisation (never another's) and changes its policy under their own name; the built-in
//! tenant's policy stays the operator's; the development sign-in asks for roles on loopback only.

mod support;

use duet::tenant::registry::{NewRegistration, Registry};
use serde_json::{Value, json};
use support::{App, spawn};

const CONTOSO_SITE: &str = "https://shop.contoso.example";

async fn register(app: &App, name: &str, entra: &str, sites: Vec<String>) {
    let service = &app.state.service;
    let new = NewRegistration {
        name: name.to_owned(),
        entra_tenant: entra.to_owned(),
        orgs: vec![format!("https://{}.crm.dynamics.com", name.to_lowercase())],
        sites,
    };
    Registry::new(service.store.clone())
        .add(new, service.clock.now())
        .await
        .unwrap();
    service.directory.refresh().await.unwrap();
}

fn user_of(app: &App, tenant: &str, name: &str, role: &str) -> String {
    app.entra_user(tenant, name, role)
}

async fn put(app: &App, path: &str, token: &str, body: Value) -> (u16, Value) {
    let response = app
        .http
        .put(format!("{}{path}", app.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn an_administrator_sees_their_own_tenant_and_changes_its_policy_under_their_name() {
    let app = spawn().await;
    register(
        &app,
        "Contoso",
        "11111111-2222-4333-8444-555555555555",
        vec![CONTOSO_SITE.into()],
    )
    .await;
    register(
        &app,
        "Fabrikam",
        "99999999-8888-4777-8666-555555555555",
        Vec::new(),
    )
    .await;
    let ada = user_of(&app, "contoso", "Ada", "Duet.Admin");

    let (status, body) = app.get("/api/tenant", Some(&ada)).await;
    assert_eq!(status, 200, "{body}");
    let overview: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(overview["name"], "Contoso");
    assert_eq!(overview["sites"], json!([CONTOSO_SITE]));
    assert_eq!(overview["ownPolicy"], false);
    assert!(
        !body.contains("fabrikam"),
        "nothing of another tenant: {body}"
    );

    let policy = json!({ "mask_selectors": ["#loyalty"], "private_by_default": true });
    let (status, saved) = put(&app, "/api/tenant/policy", &ada, policy).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["mask_selectors"], json!(["#loyalty"]));
    let started = app.start_session_from(CONTOSO_SITE, json!({})).await;
    assert_eq!(
        started["policy"]["private_by_default"], true,
        "applies at once"
    );

    let (_, trail) = app.get("/api/tenant/audit", Some(&ada)).await;
    let trail: Value = serde_json::from_str(&trail).unwrap();
    let change = trail["records"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|r| r["action"] == "settings.changed")
        .expect("the change is audited");
    assert_eq!(change["actor"]["name"], "Ada");
    assert_eq!(change["actor"]["role"], "admin");

    let finn = user_of(&app, "fabrikam", "Finn", "Duet.Admin");
    let (_, fabrikam) = app.get("/api/tenant", Some(&finn)).await;
    let fabrikam: Value = serde_json::from_str(&fabrikam).unwrap();
    assert_eq!(
        fabrikam["ownPolicy"], false,
        "Contoso's policy is not Fabrikam's"
    );
    assert_eq!(fabrikam["policy"]["private_by_default"], false);
}

#[tokio::test]
async fn a_bad_policy_or_one_for_the_built_in_tenant_is_refused_with_what_to_do() {
    let app = spawn().await;
    register(
        &app,
        "Contoso",
        "11111111-2222-4333-8444-555555555555",
        Vec::new(),
    )
    .await;
    let ada = user_of(&app, "contoso", "Ada", "Duet.Admin");
    let bad = json!({ "allowed_surfaces": ["everything"] });
    let (status, body) = put(&app, "/api/tenant/policy", &ada, bad).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("monitor, window and/or browser")
    );

    let (status, body) = app
        .post(
            "/api/agent/signin",
            None,
            json!({ "name": "Bo", "roles": ["Duet.Admin"] }),
        )
        .await;
    assert_eq!(
        status, 200,
        "on loopback the demo may ask for a role: {body}"
    );
    let built_in_admin = body["token"].as_str().unwrap().to_owned();
    let (status, overview) = app.get("/api/tenant", Some(&built_in_admin)).await;
    assert_eq!(status, 200);
    assert!(overview.contains("Built-in tenant"), "{overview}");
    let (status, body) = put(&app, "/api/tenant/policy", &built_in_admin, json!({})).await;
    assert_eq!(status, 409);
    assert!(
        body["error"].as_str().unwrap().contains("duet tenant add"),
        "{body}"
    );
}

#[tokio::test]
async fn a_sign_in_without_the_admin_role_or_with_a_made_up_role_gets_nothing() {
    let app = spawn().await;
    let agent = app.sign_in("Cal").await;
    let (status, body) = app.get("/api/tenant", Some(&agent)).await;
    assert_eq!(status, 403);
    assert!(body.contains("Duet.Admin app role"), "{body}");
    let (status, body) = app
        .post(
            "/api/agent/signin",
            None,
            json!({ "name": "Cal", "roles": ["Owner"] }),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("Duet.Agent, Duet.Supervisor or Duet.Admin")
    );
    let (status, _) = app.get("/api/tenant", None).await;
    assert_eq!(status, 403, "nobody without a key or sign-in");
}

#[tokio::test]
async fn the_admin_page_runs_only_duets_own_script_and_nobody_may_frame_it() {
    let app = spawn().await;
    let response = app
        .http
        .get(format!("{}/admin", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers();
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self';"), "{policy}");
    assert!(policy.ends_with("frame-ancestors 'none'"), "{policy}");
    assert_eq!(headers["cache-control"], "no-store");
    let page = response.text().await.unwrap();
    assert!(page.contains("/assets/admin.js") && page.contains("data-dev-signin=\"true\""));
}
