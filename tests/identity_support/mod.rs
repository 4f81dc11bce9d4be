//! A stand-in Microsoft Entra ID on 127.0.0.1:0: the multi-tenant discovery document, a JWKS,
//! an authorize endpoint that redirects straight back with a code, and a token endpoint that
//! checks the client secret and PKCE and issues RS256 identity tokens shaped by a `Scenario`.
#![allow(dead_code)]

pub mod popup;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Duet's app registration at the stand-in.
pub const CLIENT_ID: &str = "6f1c1d2e-0000-4000-8000-00000000d0e7";
/// Its client secret: it must never appear in Duet's log or output.
pub const CLIENT_SECRET: &str = "entra-client-secret-never-logged-Zq81";
/// The Entra tenant registered with Duet.
pub const TENANT: &str = "11111111-2222-4333-8444-555555555555";
/// An Entra tenant not registered with Duet.
pub const OTHER_TENANT: &str = "99999999-8888-4777-8666-555555555555";

/// One of the two test keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestKey {
    A,
    B,
}

impl TestKey {
    pub fn kid(self) -> &'static str {
        match self {
            TestKey::A => "test-key-a",
            TestKey::B => "test-key-b",
        }
    }

    fn pem(self) -> &'static [u8] {
        match self {
            TestKey::A => include_bytes!("test-only-rsa-key-a.pem"),
            TestKey::B => include_bytes!("test-only-rsa-key-b.pem"),
        }
    }

    fn jwk(self) -> Value {
        let text = match self {
            TestKey::A => include_str!("test-only-rsa-key-a.jwk.json"),
            TestKey::B => include_str!("test-only-rsa-key-b.jwk.json"),
        };
        serde_json::from_str(text).unwrap()
    }
}

/// How the next identity token looks; the default is a good one.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub audience: String,
    /// `None`: `{base}/{tenant}/v2.0`.
    pub issuer: Option<String>,
    pub tenant: String,
    pub oid: String,
    pub name: Option<String>,
    pub preferred_username: Option<String>,
    /// `None`: no `roles` claim at all, as for a user with no app role.
    pub roles: Option<Vec<String>>,
    /// Seconds from now to `exp`.
    pub expires_in: i64,
    /// `None`: the nonce of the authorize request.
    pub nonce: Option<String>,
    pub sign_with: TestKey,
    pub kid: &'static str,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            audience: CLIENT_ID.to_owned(),
            issuer: None,
            tenant: TENANT.to_owned(),
            oid: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee".to_owned(),
            name: Some("Ann Agent".to_owned()),
            preferred_username: Some("ann@contoso.example".to_owned()),
            roles: Some(vec!["Duet.Agent".to_owned()]),
            expires_in: 3600,
            nonce: None,
            sign_with: TestKey::A,
            kid: TestKey::A.kid(),
        }
    }
}

struct Authorized {
    nonce: String,
    challenge: String,
    redirect_uri: String,
}

#[derive(Default)]
struct Inner {
    base: String,
    scenario: Scenario,
    published: Vec<TestKey>,
    codes: HashMap<String, Authorized>,
    jwks_fetches: usize,
    issued_codes: Vec<String>,
    issued_tokens: Vec<String>,
    next_code: u64,
}

/// The running stand-in.
#[derive(Clone)]
pub struct StandIn {
    pub base: String,
    inner: Arc<Mutex<Inner>>,
}

impl StandIn {
    /// Starts it on 127.0.0.1:0, publishing key A.
    pub async fn start() -> StandIn {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let inner = Arc::new(Mutex::new(Inner {
            base: base.clone(),
            published: vec![TestKey::A],
            ..Inner::default()
        }));
        let app = Router::new()
            .route(
                "/organizations/v2.0/.well-known/openid-configuration",
                get(discovery),
            )
            .route("/discovery/v2.0/keys", get(jwks))
            .route("/organizations/oauth2/v2.0/authorize", get(authorize))
            .route("/organizations/oauth2/v2.0/token", post(token))
            .with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        StandIn { base, inner }
    }

    /// Shapes the identity tokens issued from now on.
    pub fn set_scenario(&self, scenario: Scenario) {
        self.inner.lock().unwrap().scenario = scenario;
    }

    /// Publishes these keys, and only these, in the JWKS.
    pub fn publish(&self, keys: &[TestKey]) {
        self.inner.lock().unwrap().published = keys.to_vec();
    }

    /// How often the JWKS was fetched.
    pub fn jwks_fetches(&self) -> usize {
        self.inner.lock().unwrap().jwks_fetches
    }

    /// Every code and identity token issued, to search logs for.
    pub fn issued_secrets(&self) -> Vec<String> {
        let inner = self.inner.lock().unwrap();
        inner
            .issued_codes
            .iter()
            .chain(&inner.issued_tokens)
            .cloned()
            .collect()
    }
}

type Shared = State<Arc<Mutex<Inner>>>;

async fn discovery(State(inner): Shared) -> Json<Value> {
    let base = inner.lock().unwrap().base.clone();
    Json(json!({
        "authorization_endpoint": format!("{base}/organizations/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{base}/organizations/oauth2/v2.0/token"),
        "jwks_uri": format!("{base}/discovery/v2.0/keys"),
        "issuer": format!("{base}/{{tenantid}}/v2.0"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

async fn jwks(State(inner): Shared) -> Json<Value> {
    let mut inner = inner.lock().unwrap();
    inner.jwks_fetches += 1;
    let keys: Vec<Value> = inner.published.iter().map(|key| key.jwk()).collect();
    Json(json!({ "keys": keys }))
}

/// Signs the user in at once and sends the browser back with a code (and `session_state`, as
/// Entra ID does).
async fn authorize(State(inner): Shared, Query(query): Query<HashMap<String, String>>) -> Response {
    let field = |name: &str| query.get(name).cloned().unwrap_or_default();
    let mut inner = inner.lock().unwrap();
    let checks = [
        ("client_id", CLIENT_ID),
        ("response_type", "code"),
        ("response_mode", "query"),
        ("scope", "openid profile"),
        ("code_challenge_method", "S256"),
    ];
    for (name, expected) in checks {
        assert_eq!(field(name), expected, "the authorize request's {name}");
    }
    inner.next_code += 1;
    let code = format!("code-{}-{}", inner.next_code, pseudo_random());
    let redirect_uri = field("redirect_uri");
    inner.codes.insert(
        code.clone(),
        Authorized {
            nonce: field("nonce"),
            challenge: field("code_challenge"),
            redirect_uri: redirect_uri.clone(),
        },
    );
    inner.issued_codes.push(code.clone());
    let mut back = url::Url::parse(&redirect_uri).unwrap();
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &field("state"))
        .append_pair("session_state", "00000000-aaaa-4bbb-8ccc-000000000000");
    (StatusCode::FOUND, [(header::LOCATION, back.to_string())]).into_response()
}

async fn token(State(inner): Shared, Form(form): Form<HashMap<String, String>>) -> Response {
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let mut inner = inner.lock().unwrap();
    if field("client_id") != CLIENT_ID || field("client_secret") != CLIENT_SECRET {
        return refuse(
            "invalid_client",
            "AADSTS7000215: Invalid client secret provided.",
        );
    }
    let Some(authorized) = inner.codes.remove(&field("code")) else {
        return refuse(
            "invalid_grant",
            "AADSTS70008: The provided authorization code has expired or was already redeemed.",
        );
    };
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(field("code_verifier")));
    if field("grant_type") != "authorization_code" || challenge != authorized.challenge {
        return refuse(
            "invalid_grant",
            "AADSTS501481: The Code_Verifier does not match the code_challenge.",
        );
    }
    if field("redirect_uri") != authorized.redirect_uri {
        return refuse(
            "invalid_grant",
            "AADSTS50148: The redirect_uri does not match.",
        );
    }
    let id_token = sign(&inner.scenario, &inner.base, &authorized.nonce);
    inner.issued_tokens.push(id_token.clone());
    Json(json!({
        "token_type": "Bearer",
        "scope": "openid profile",
        "expires_in": 3599,
        "id_token": id_token,
    }))
    .into_response()
}

fn refuse(error: &str, description: &str) -> Response {
    let body = json!({ "error": error, "error_description": description });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

fn sign(scenario: &Scenario, base: &str, nonce: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let issuer = scenario
        .issuer
        .clone()
        .unwrap_or_else(|| format!("{base}/{}/v2.0", scenario.tenant));
    let mut claims = json!({
        "aud": scenario.audience,
        "iss": issuer,
        "iat": now - 60,
        "nbf": now - 60,
        "exp": now + scenario.expires_in,
        "tid": scenario.tenant,
        "oid": scenario.oid,
        "sub": "pairwise-subject",
        "ver": "2.0",
        "nonce": scenario.nonce.clone().unwrap_or_else(|| nonce.to_owned()),
    });
    let object = claims.as_object_mut().unwrap();
    if let Some(name) = &scenario.name {
        object.insert("name".into(), json!(name));
    }
    if let Some(username) = &scenario.preferred_username {
        object.insert("preferred_username".into(), json!(username));
    }
    if let Some(roles) = &scenario.roles {
        object.insert("roles".into(), json!(roles));
    }
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(scenario.kid.to_owned());
    let key = EncodingKey::from_rsa_der(&pkcs1_der(scenario.sign_with.pem()));
    jsonwebtoken::encode(&header, &claims, &key).unwrap()
}

/// The DER inside a PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`), which jsonwebtoken signs with.
fn pkcs1_der(pem: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(pem).unwrap();
    assert!(text.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    let body: String = text
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

fn pseudo_random() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{nanos:09}x7Kq")
}
