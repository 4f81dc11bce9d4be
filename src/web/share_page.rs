//! The customer's screen-share page: enter the agent's key, accept, choose what to share.

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::error::{ApiQuery, Result};
use super::pages::render;
use super::state::AppState;

/// Routes of the share page.
pub fn router() -> Router<AppState> {
    Router::new().route("/share", get(show_share))
}

/// The page where a customer enters the key the agent reads out.
#[derive(Template)]
#[template(path = "share.html")]
struct SharePage {
    prefer_current_tab: bool,
}

/// `?preferCurrentTab=1` offers this tab first in the browser's picker (tests capture it).
#[derive(Debug, Deserialize)]
struct ShareQuery {
    #[serde(rename = "preferCurrentTab")]
    prefer_current_tab: Option<String>,
}

/// Only Duet's own script runs; media comes over WebRTC, signalling over Duet's WebSocket.
const SHARE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; media-src blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
     object-src 'none'; frame-ancestors 'none'";

async fn show_share(ApiQuery(query): ApiQuery<ShareQuery>) -> Result<Response> {
    let prefer = query.prefer_current_tab.as_deref();
    let page = SharePage {
        prefer_current_tab: matches!(prefer, Some("1" | "true")),
    };
    let mut response = render(&page)?.into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(SHARE_CSP),
    );
    Ok(response)
}
