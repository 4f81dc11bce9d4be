//! The staff pages, framed by nobody: the tenant administrator's (`/admin`: the tenant's
//! settings, bookmarks and audit trail) and the supervisor's (`/supervisor`: the tenant's
//! sessions and a player for their recordings). Each signs in (Microsoft Entra ID, or the
//! development sign-in on loopback) and then works through the JSON API with that person's
//! token. The player's mirror inherits its page's policy, so a recorded page's scripts never
//! run, as in the agent's console.

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

/// Only Duet's own script; the mirror's images, fonts, media and styles only through Duet, as
/// the console's.
const SUPERVISOR_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' data: blob:; connect-src 'self'; \
     frame-src 'self' blob:; child-src 'self' blob:; base-uri 'none'; form-action 'none'; \
     object-src 'none'; frame-ancestors 'none'";

/// Routes of the staff pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(show_admin))
        .route("/supervisor", get(show_supervisor))
}

/// A staff page; its script reads how to sign in from the body's data attributes, and the
/// shared sign-in section (`staff_signin.html`) names the page's role.
#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    dev_signin: bool,
    entra: bool,
    prefix: &'static str,
    role: &'static str,
    acting_as: &'static str,
}

/// The supervisor's page, on the same terms.
#[derive(Template)]
#[template(path = "supervisor.html")]
struct SupervisorPage {
    dev_signin: bool,
    entra: bool,
    prefix: &'static str,
    role: &'static str,
    acting_as: &'static str,
}

async fn show_admin(State(state): State<AppState>) -> Result<Response> {
    let page = AdminPage {
        dev_signin: state.dev_signin,
        entra: state.entra.is_some(),
        prefix: "admin",
        role: "Duet.Admin",
        acting_as: "an administrator",
    };
    staff_response(render(&page)?, ADMIN_CSP)
}

async fn show_supervisor(State(state): State<AppState>) -> Result<Response> {
    let page = SupervisorPage {
        dev_signin: state.dev_signin,
        entra: state.entra.is_some(),
        prefix: "supervisor",
        role: "Duet.Supervisor",
        acting_as: "a supervisor",
    };
    staff_response(render(&page)?, SUPERVISOR_CSP)
}

/// A rendered staff page with its policy, never cached and never sending a referrer.
fn staff_response(page: impl IntoResponse, csp: &'static str) -> Result<Response> {
    let mut response = page.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}
