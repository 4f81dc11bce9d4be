//! What `duet serve` serves of the solution's pages: the same app-tab and configuration pages
//! the solution ships (no address in them), the demo's stand-in for the org's environment
//! variable (this Duet's own origin), and the version the configuration page shows.

mod support;

use support::spawn;

#[tokio::test]
async fn the_demo_answers_the_origin_variable_with_its_own_origin_and_nothing_else() {
    let app = spawn().await;
    let path = "/api/data/v9.2/environmentvariabledefinitions?$filter=schemaname%20eq%20%27duet_Origin%27&$select=defaultvalue";
    let (status, body) = app.get(path, None).await;
    assert_eq!(status, 200);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    let value =
        &body["value"][0]["environmentvariabledefinition_environmentvariablevalue"][0]["value"];
    assert_eq!(value, &serde_json::Value::from(app.base.clone()));
    let other = "/api/data/v9.2/environmentvariabledefinitions?$filter=schemaname%20eq%20%27other_Origin%27";
    let (_, body) = app.get(other, None).await;
    assert_eq!(body, r#"{"value":[]}"#);
}

#[tokio::test]
async fn the_pages_hold_no_address_and_the_version_is_readable_from_any_origin() {
    let app = spawn().await;
    for page in ["cobrowse", "screenshare", "config"] {
        let (status, html) = app.get(&format!("/webresource/{page}.html"), None).await;
        assert_eq!(status, 200);
        assert!(html.contains("var VARIABLE = \"duet_Origin\";"), "{page}");
        assert!(!html.contains(&app.base), "{page} holds no address");
    }
    let response = app
        .http
        .get(format!("{}/api/version", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let about: serde_json::Value = response.json().await.unwrap();
    assert_eq!(about["version"], env!("CARGO_PKG_VERSION"));
}
