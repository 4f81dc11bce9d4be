//! A fake Microsoft Entra ID token endpoint: client credentials only, counting what it issues.

use std::sync::{Arc, Mutex};

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The tenant the fake serves.
pub const TENANT: &str = "contoso.onmicrosoft.com";
/// The client id the fake accepts.
pub const CLIENT_ID: &str = "00000000-1111-2222-3333-444444444444";
/// Every token the fakes issue starts with this, so tests can look for it in output.
pub const TOKEN_PREFIX: &str = "eyJfake-access-token-";

/// The token endpoint and what it has issued.
pub struct FakeIdentity {
    server: MockServer,
    state: Arc<Mutex<Issued>>,
}

/// Tokens issued so far and the lifetime of new ones.
#[derive(Debug)]
pub struct Issued {
    secret: String,
    scope: String,
    /// How many tokens were issued.
    pub count: u32,
    /// Every token issued.
    pub tokens: Vec<String>,
    /// `expires_in` of new tokens, seconds.
    pub expires_in: u64,
}

struct TokenEndpoint(Arc<Mutex<Issued>>);

impl FakeIdentity {
    /// Starts the endpoint, accepting `secret` for scope `{org}/.default`.
    pub async fn start(secret: &str, org: &str) -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(Issued {
            secret: secret.to_owned(),
            scope: format!("{org}/.default"),
            count: 0,
            tokens: Vec::new(),
            expires_in: 3599,
        }));
        Mock::given(method("POST"))
            .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
            .respond_with(TokenEndpoint(state.clone()))
            .mount(&server)
            .await;
        Self { server, state }
    }

    /// The authority URL, e.g. `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// What has been issued so far.
    pub fn issued(&self) -> std::sync::MutexGuard<'_, Issued> {
        self.state.lock().unwrap()
    }
}

impl Respond for TokenEndpoint {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let form: std::collections::HashMap<String, String> =
            url::form_urlencoded::parse(&request.body)
                .into_owned()
                .collect();
        let mut state = self.0.lock().unwrap();
        let field = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
        if field("grant_type") != "client_credentials" || field("scope") != state.scope {
            return oauth_error(400, "invalid_request", "AADSTS900144: bad grant or scope");
        }
        if field("client_id") != CLIENT_ID || field("client_secret") != state.secret {
            return oauth_error(
                401,
                "invalid_client",
                "AADSTS7000215: Invalid client secret provided.",
            );
        }
        state.count += 1;
        let token = format!("{TOKEN_PREFIX}{}", state.count);
        state.tokens.push(token.clone());
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "token_type": "Bearer", "expires_in": state.expires_in, "access_token": token,
        }))
    }
}

fn oauth_error(status: u16, error: &str, description: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(serde_json::json!({
        "error": error, "error_description": description, "error_codes": [7000215],
    }))
}
