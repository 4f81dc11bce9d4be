//! The agent console page, under a strict Content-Security-Policy, and the demo's index page.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::error::{ApiQuery, Error, Result};
use super::state::AppState;

/// The conversation the demo uses when none is given.
pub const DEMO_CONVERSATION: &str = "demo-conversation-1";

/// Routes of the pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(show_index))
        .route("/console", get(show_console))
}

/// The demo's front page.
#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    conversation: String,
}

async fn show_index() -> Result<Html<String>> {
    render(&IndexPage {
        conversation: DEMO_CONVERSATION.to_owned(),
    })
}

/// The agent console, framed by the app-tab web resource.
#[derive(Template)]
#[template(path = "console.html")]
struct ConsolePage {
    mode: String,
    conversation: String,
    parent_origin: String,
    dev_signin: bool,
    entra: bool,
}

/// `?mode=&conversation=&parent=` of the console.
#[derive(Debug, Deserialize)]
struct ConsoleQuery {
    mode: Option<String>,
    conversation: Option<String>,
    parent: Option<String>,
}

async fn show_console(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ConsoleQuery>,
) -> Result<Response> {
    let mode = match query.mode.as_deref() {
        None | Some("cobrowse") => "cobrowse",
        Some("screenshare") => "screenshare",
        Some(other) => {
            return Err(Error::BadRequest(format!(
                "mode {other:?} is unknown: use cobrowse or screenshare"
            )));
        }
    };
    let parent_origin = match query.parent.as_deref() {
        Some(parent) => origin_of(parent).ok_or_else(|| {
            Error::BadRequest("parent must be the origin of the page that frames the console, e.g. https://contoso.crm.dynamics.com".into())
        })?,
        None => String::new(),
    };
    if !parent_origin.is_empty() && !may_frame_console(&state, &parent_origin) {
        return Ok(unregistered_parent(&parent_origin));
    }
    let page = ConsolePage {
        mode: mode.to_owned(),
        conversation: query.conversation.unwrap_or_default(),
        parent_origin: parent_origin.clone(),
        dev_signin: state.dev_signin,
        entra: state.entra.is_some(),
    };
    let mut response = render(&page)?.into_response();
    let policy = console_csp(&parent_origin);
    let value = HeaderValue::from_str(&policy).map_err(|e| Error::Internal(e.into()))?;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, value);
    // The mirror inherits both: no Referer to anyone, no DNS look-ups for the page's links.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::HeaderName::from_static("x-dns-prefetch-control"),
        HeaderValue::from_static("off"),
    );
    Ok(response)
}

/// Whether `origin` may frame the console: Duet's own (the demo's Omnichannel stand-in), a
/// registered tenant's Dynamics org, or one of `DUET_ORG_ORIGINS`. Never the request's word alone:
/// a page elsewhere that framed the console could get it to join a session and hand it the token.
fn may_frame_console(state: &AppState, origin: &str) -> bool {
    let settings = &state.settings;
    origin == settings.public_origin
        || settings.org_origins.iter().any(|org| org == origin)
        || state
            .service
            .directory
            .all()
            .iter()
            .any(|tenant| tenant.orgs.iter().any(|org| org == origin))
}

/// What a console framed by an unregistered origin shows instead: no script, nothing to click.
fn unregistered_parent(origin: &str) -> Response {
    let message = format!(
        "Duet's console only opens inside a registered Dynamics 365 org, and {origin} is not one.          An administrator registers it with `duet tenant add --org {origin}` (or DUET_ORG_ORIGINS)."
    );
    let page = UnregisteredParentPage { message };
    let mut response = match render(&page) {
        Ok(html) => html.into_response(),
        Err(error) => return error.into_response(),
    };
    *response.status_mut() = axum::http::StatusCode::FORBIDDEN;
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    response
}

/// The page a console framed by an unregistered origin shows.
#[derive(Template)]
#[template(path = "unregistered_parent.html")]
struct UnregisteredParentPage {
    message: String,
}

/// The console's policy: only Duet's own scripts run; the mirror (which inherits it) runs none,
/// and loads images, fonts, media and styles only from Duet (`/page-assets/…`), `data:` and
/// `blob:`: the customer's page cannot make the agent's browser fetch from anywhere else.
pub fn console_csp(parent_origin: &str) -> String {
    let ancestors = if parent_origin.is_empty() {
        "'self'".to_owned()
    } else {
        format!("'self' {parent_origin}")
    };
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
         font-src 'self' data:; media-src 'self' data: blob:; connect-src 'self'; frame-src 'self' blob:; child-src 'self' blob:; \
         base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors {ancestors}"
    )
}

/// `scheme://host[:port]` of an http(s) URL or origin, or `None`.
fn origin_of(text: &str) -> Option<String> {
    let url = url::Url::parse(text).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    Some(url.origin().ascii_serialization())
}

/// Renders a page, turning a template failure into a logged 500.
pub fn render(page: &impl Template) -> Result<Html<String>> {
    page.render()
        .map(Html)
        .map_err(|e| Error::Internal(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_origins_are_accepted_as_the_consoles_parent() {
        assert_eq!(
            origin_of("https://contoso.crm.dynamics.com/x?y"),
            Some("https://contoso.crm.dynamics.com".into())
        );
        assert_eq!(origin_of("javascript:alert(1)"), None);
        assert_eq!(origin_of("https://a.example; script-src *"), None);
    }

    #[test]
    fn the_console_policy_allows_no_inline_or_foreign_script() {
        let policy = console_csp("https://org.example");
        assert!(policy.contains("script-src 'self';"));
        assert!(policy.ends_with("frame-ancestors 'self' https://org.example"));
        for kind in ["img-src", "font-src", "media-src", "style-src"] {
            let directive = policy
                .split(';')
                .find(|d| d.trim().starts_with(kind))
                .unwrap();
            assert!(
                !directive.contains('*') && !directive.contains("http"),
                "{directive}"
            );
        }
    }
}
