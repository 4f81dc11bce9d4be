//! Page assets through Duet, tried as an attacker would: only the session's customer uploads,
//! only what it offered, only asset types, only bytes that match their hash; the mirror's route
//! answers only with the session's key and never runs what it serves; Duet fetches by itself
//! only from the tenant's own sites and follows no redirect elsewhere.

mod support;

use duet::config::Config;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::{App, spawn_with};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n not really, but bytes";

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

async fn app_with_site(site: &str) -> App {
    spawn_with(Config {
        allowed_origins: vec![site.to_owned()],
        ..Config::default()
    })
    .await
}

/// A session with the customer's tab connected and an agent watching; returns (id, customer
/// token, the mirror's asset prefix from the agent's welcome).
async fn watched(app: &App) -> (String, String, String) {
    watched_by(app, "Ann").await
}

async fn watched_by(app: &App, agent: &str) -> (String, String, String) {
    let (id, customer_token) = app.start_session(None).await;
    let mut customer = app.socket(&customer_token).await;
    let welcome = customer.next_of("welcome").await;
    assert!(
        welcome.get("page_assets").is_none(),
        "the customer is given no asset key: {welcome}"
    );
    let agent = app.sign_in(agent).await;
    let (status, joined) = app.join(&agent, &id).await;
    assert_eq!(status, 200, "{joined}");
    let mut socket = app.socket(joined["token"].as_str().unwrap()).await;
    let welcome = socket.next_of("welcome").await;
    let prefix = welcome["page_assets"]
        .as_str()
        .expect("the agent's welcome names the assets")
        .to_owned();
    assert!(
        prefix.starts_with(&format!("/page-assets/{id}/")),
        "{prefix}"
    );
    (id, customer_token, prefix)
}

async fn offer(app: &App, id: &str, token: &str, body: Value) -> (u16, Value) {
    app.post(&format!("/api/sessions/{id}/assets"), Some(token), body)
        .await
}

async fn upload(
    app: &App,
    id: &str,
    token: Option<&str>,
    hash: &str,
    kind: &str,
    bytes: &[u8],
) -> (u16, String) {
    let mut request = app
        .http
        .put(format!("{}/api/sessions/{id}/assets/{hash}", app.base))
        .header("Content-Type", kind)
        .body(bytes.to_vec());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn mirror_get(app: &App, prefix: &str, address: &str) -> reqwest::Response {
    app.http
        .get(format!("{}{prefix}", app.base))
        .query(&[("u", address)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_offered_and_uploaded_asset_reaches_the_mirror_under_headers_that_never_run_it() {
    let app = app_with_site("https://shop.example").await;
    let (id, token, prefix) = watched(&app).await;
    let address = "https://shop.example/img/logo.png";
    let read = json!({ "read": [{ "url": address, "sha256": sha(PNG), "type": "image/png" }] });
    let (status, answer) = offer(&app, &id, &token, read).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["missing"], json!([sha(PNG)]));
    let (status, body) = upload(&app, &id, Some(&token), &sha(PNG), "image/png", PNG).await;
    assert_eq!(status, 204, "{body}");

    let response = mirror_get(&app, &prefix, address).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(response.bytes().await.unwrap(), PNG);

    // A second session of the tenant offering the same bytes is told to send nothing.
    let (second, second_token, _) = watched_by(&app, "Bo").await;
    let read = json!({ "read": [{ "url": "https://shop.example/other/logo.png", "sha256": sha(PNG), "type": "image/png" }] });
    let (_, answer) = offer(&app, &second, &second_token, read).await;
    assert_eq!(answer["missing"], json!([]));
}

#[tokio::test]
async fn without_the_sessions_key_the_mirrors_route_answers_nothing() {
    let app = app_with_site("https://shop.example").await;
    let (id, token, prefix) = watched(&app).await;
    let address = "https://shop.example/a.png";
    let read = json!({ "read": [{ "url": address, "sha256": sha(PNG), "type": "image/png" }] });
    offer(&app, &id, &token, read).await;
    upload(&app, &id, Some(&token), &sha(PNG), "image/png", PNG).await;

    let (other, _, other_prefix) = watched_by(&app, "Bo").await;
    let other_key = other_prefix.rsplit('/').next().unwrap();
    for wrong in [
        format!("/page-assets/{id}/AAAAAAAAAAAAAAAAAAAAAAAA"),
        format!("/page-assets/{id}/{other_key}"),
        format!(
            "/page-assets/{other}/{}",
            prefix.rsplit('/').next().unwrap()
        ),
    ] {
        let response = mirror_get(&app, &wrong, address).await;
        assert_eq!(response.status(), 404, "{wrong}");
    }
}

#[tokio::test]
async fn uploads_are_refused_unless_the_customer_offered_them_hashed_right_as_an_asset() {
    let app = app_with_site("https://shop.example").await;
    let (id, token, _) = watched(&app).await;
    let html = b"<script>alert(1)</script>";
    let read = json!({ "read": [
        { "url": "https://shop.example/a.png", "sha256": sha(PNG), "type": "image/png" },
        { "url": "https://shop.example/page.html", "sha256": sha(html), "type": "text/html" },
    ] });
    let (_, answer) = offer(&app, &id, &token, read).await;
    assert_eq!(
        answer["missing"],
        json!([sha(PNG)]),
        "an HTML page is no asset to upload"
    );

    let (status, body) = upload(&app, &id, Some(&token), &sha(html), "text/html", html).await;
    assert_eq!(status, 400);
    assert!(body.contains("stylesheets, images, fonts"), "{body}");
    let (status, body) = upload(
        &app,
        &id,
        Some(&token),
        &sha(PNG),
        "image/png",
        b"other bytes",
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("exact bytes"), "{body}");
    let never = b"never offered";
    let (status, body) = upload(&app, &id, Some(&token), &sha(never), "image/png", never).await;
    assert_eq!(status, 400);
    assert!(body.contains("offer it first"), "{body}");
    let (status, _) = upload(&app, &id, None, &sha(PNG), "image/png", PNG).await;
    assert_eq!(status, 401);
    let agent = app.sign_in("Bo").await;
    let (status, _) = upload(&app, &id, Some(&agent), &sha(PNG), "image/png", PNG).await;
    assert_eq!(status, 401, "an agent's sign-in is no session token");
}

#[tokio::test]
async fn a_stylesheet_reaches_the_mirror_with_its_references_through_duet() {
    let app = app_with_site("https://shop.example").await;
    let (id, token, prefix) = watched(&app).await;
    let css = b"@import 'print.css'; .a { background: url(../img/a.png) } .b { background: url(data:image/png;base64,AAAA) }";
    let address = "https://shop.example/css/site.css";
    let read = json!({ "read": [{ "url": address, "sha256": sha(css), "type": "text/css; charset=utf-8" }] });
    offer(&app, &id, &token, read).await;
    upload(&app, &id, Some(&token), &sha(css), "text/css", css).await;
    let served = mirror_get(&app, &prefix, address)
        .await
        .text()
        .await
        .unwrap();
    let through = |target: &str| {
        format!(
            "url(\"{prefix}?u={}\")",
            url::form_urlencoded::byte_serialize(target.as_bytes()).collect::<String>()
        )
    };
    assert!(
        served.contains(&format!(
            "@import {}",
            through("https://shop.example/css/print.css")
        )),
        "{served}"
    );
    assert!(
        served.contains(&through("https://shop.example/img/a.png")),
        "{served}"
    );
    assert!(
        served.contains("url(\"data:image/png;base64,AAAA\")"),
        "{served}"
    );
}

#[tokio::test]
async fn duet_fetches_what_the_customer_could_not_read_only_from_the_tenants_own_site() {
    let site = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/public.png"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "image/png")
                .set_body_bytes(PNG),
        )
        .mount(&site)
        .await;
    let away = format!("{}/moved.png", elsewhere.uri());
    Mock::given(method("GET"))
        .and(path("/redirect.png"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", away.as_str()))
        .mount(&site)
        .await;
    Mock::given(method("GET"))
        .and(path("/page.html"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/html")
                .set_body_string("<p>hi"),
        )
        .mount(&site)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "image/png")
                .set_body_bytes(PNG),
        )
        .mount(&elsewhere)
        .await;

    let app = app_with_site(&site.uri()).await;
    let (id, token, prefix) = watched(&app).await;
    let unreadable: Vec<String> = ["/public.png", "/redirect.png", "/page.html"]
        .iter()
        .map(|path| format!("{}{path}", site.uri()))
        .chain([format!("{}/tracker.png", elsewhere.uri())])
        .collect();
    offer(&app, &id, &token, json!({ "unreadable": unreadable })).await;

    let response = mirror_get(&app, &prefix, &unreadable[0]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap(), PNG);
    for refused in &unreadable[1..] {
        assert_eq!(
            mirror_get(&app, &prefix, refused).await.status(),
            404,
            "{refused}"
        );
    }
    assert!(
        elsewhere.received_requests().await.unwrap().is_empty(),
        "Duet asked a site that is not the tenant's"
    );
}
