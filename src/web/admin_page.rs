//! The tenant administrator's page (`/admin`): sign in (Microsoft Entra ID, or the development
//! sign-in on loopback), then the tenant's settings, its bookmarks and its audit trail, all
//! through the JSON API with the administrator's token. Framed by nobody.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::error::Result;
use super::pages::render;
use super::state::AppState;

/// The page's policy: only Duet's own script, talking only to Duet, framed by nobody.
const ADMIN_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
     object-src 'none'; frame-ancestors 'none'";

/// Routes of the admin page.
pub fn router() -> Router<AppState> {
    Router::new().route("/admin", get(show_admin))
}

/// The admin page; its script reads how to sign in from the body's data attributes.
#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    dev_signin: bool,
    entra: bool,
}

async fn show_admin(State(state): State<AppState>) -> Result<Response> {
    let page = AdminPage {
        dev_signin: state.dev_signin,
        entra: state.entra.is_some(),
    };
    let mut response = render(&page)?.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(ADMIN_CSP),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}
