//! Sign in with Microsoft: `GET /auth/signin` sends the browser to Entra ID, `GET /auth/callback`
//! finishes the sign-in (in `identity/`) and hands Duet's agent token to the console's popup opener.

use std::net::SocketAddr;

use askama::Template;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::engine::sink::record_tenant_change;
use crate::engine::{Actor, Change};
use crate::identity::{Callback, EntraError, EntraIdentity};

use super::limits;
use super::state::AppState;

/// Routes of the Entra ID sign-in.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/signin", get(start_signin))
        .route("/auth/callback", get(finish_signin))
}

/// The page the popup ends on: it posts the outcome to the console and, signed in, closes.
#[derive(Template)]
#[template(path = "signin_result.html")]
struct SignInResultPage {
    title: &'static str,
    outcome: &'static str,
    message: String,
    token: String,
    name: String,
    origin: String,
    script_nonce: String,
}

async fn start_signin(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    if let Some(refused) = rate_limited(&state, peer).await {
        return refused;
    }
    let Some(entra) = &state.entra else {
        return refused_page(&state, &EntraError::NotConfigured);
    };
    match entra.begin().await {
        Ok(url) => redirect(&url).unwrap_or_else(|| refused_page(&state, &bad_endpoint())),
        Err(error) => refused_page(&state, &error),
    }
}

async fn finish_signin(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    query: Result<Query<Callback>, QueryRejection>,
) -> Response {
    if let Some(refused) = rate_limited(&state, peer).await {
        return refused;
    }
    let Some(entra) = &state.entra else {
        return refused_page(&state, &EntraError::NotConfigured);
    };
    let callback = query.map(|Query(callback)| callback).unwrap_or_default();
    let identity = match entra.finish(callback).await {
        Ok(identity) => identity,
        Err(error) => {
            tracing::warn!(reason = %error, "Entra ID sign-in refused");
            return refused_page(&state, &error);
        }
    };
    signed_in_page(&state, &identity).await
}

/// Records `agent.signed_in` and renders the page that hands the agent's token to the console.
async fn signed_in_page(state: &AppState, identity: &EntraIdentity) -> Response {
    let agent = identity.agent_id();
    let actor = Actor::agent(&agent, &identity.name);
    let change = Change::AgentSignedIn { method: "entra_id" };
    let service = &state.service;
    let now = service.clock.now();
    // Verification checked the Entra tenant is registered; the registration names Duet's tenant.
    let tenant = service
        .directory
        .by_entra_tenant(&identity.tenant_id)
        .map(|registration| registration.tenant)
        .unwrap_or_default();
    if let Err(refused) = record_tenant_change(&*service.sink, &tenant, actor, change, now).await {
        let message = refused.to_string();
        return page(
            state,
            StatusCode::SERVICE_UNAVAILABLE,
            "Not signed in",
            message,
            None,
        );
    }
    tracing::info!(agent.id = %agent, roles = ?identity.role_names(), "agent signed in (Microsoft Entra ID)");
    let token =
        state
            .tokens
            .agent_with_roles(&agent, &identity.name, Some(identity.role_names()), &tenant);
    let message = format!("Signed in as {}. You can close this window.", identity.name);
    let credentials = Some((token, identity.name.clone()));
    page(state, StatusCode::OK, "Signed in", message, credentials)
}

async fn rate_limited(state: &AppState, peer: SocketAddr) -> Option<Response> {
    let address = limits::address(peer);
    let checks = [(&state.limits.sign_ins, address.as_str())];
    let refused = limits::attempt(
        &checks,
        "too many sign-ins from this address; wait a minute",
    )
    .await
    .err()?;
    Some(page(
        state,
        StatusCode::TOO_MANY_REQUESTS,
        "Not signed in",
        refused.to_string(),
        None,
    ))
}

fn refused_page(state: &AppState, error: &EntraError) -> Response {
    page(
        state,
        status(error),
        "Not signed in",
        error.to_string(),
        None,
    )
}

fn bad_endpoint() -> EntraError {
    EntraError::ProviderAnsweredBadly("reading the discovery document")
}

/// The HTTP status of each refusal.
fn status(error: &EntraError) -> StatusCode {
    match error {
        EntraError::NotConfigured => StatusCode::NOT_FOUND,
        EntraError::ProviderUnreachable(_)
        | EntraError::ProviderAnsweredBadly(_)
        | EntraError::CodeRefused { .. } => StatusCode::BAD_GATEWAY,
        EntraError::ProviderRefused { .. } | EntraError::UnknownState | EntraError::MissingCode => {
            StatusCode::BAD_REQUEST
        }
        _ => StatusCode::FORBIDDEN,
    }
}

fn redirect(url: &str) -> Option<Response> {
    let location = HeaderValue::from_str(url).ok()?;
    let mut response = StatusCode::FOUND.into_response();
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, location);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Some(response)
}

/// Renders the result page under its own strict policy: only its one nonce'd script runs, and
/// nothing may frame it, cache it or learn its address.
fn page(
    state: &AppState,
    status: StatusCode,
    title: &'static str,
    message: String,
    credentials: Option<(String, String)>,
) -> Response {
    let outcome = if credentials.is_some() {
        "signed-in"
    } else {
        "refused"
    };
    let (token, name) = credentials.unwrap_or_default();
    let script_nonce = crate::identity::pending::random_text();
    let page = SignInResultPage {
        title,
        outcome,
        message,
        token,
        name,
        origin: state.settings.public_origin.clone(),
        script_nonce: script_nonce.clone(),
    };
    let Ok(html) = page.render() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut response = (status, axum::response::Html(html)).into_response();
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&signin_csp(&script_nonce)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The result page's policy: its one script (by nonce), inline styles, nothing else.
pub fn signin_csp(script_nonce: &str) -> String {
    format!(
        "default-src 'none'; script-src 'nonce-{script_nonce}'; style-src 'unsafe-inline'; \
         base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_result_page_runs_only_its_own_script_and_cannot_be_framed() {
        let policy = signin_csp("abc");
        assert!(policy.contains("script-src 'nonce-abc';"));
        assert!(policy.contains("default-src 'none'"));
        assert!(policy.ends_with("frame-ancestors 'none'"));
    }
}
