//! Serves the two app-tab web resources, rendered from the same template the solution ships.

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::state::AppState;
use crate::solution::webresource::{Mode, render_apptab};

/// Routes of the web resources.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webresource/cobrowse.html", get(cobrowse_page))
        .route("/webresource/screenshare.html", get(screenshare_page))
}

async fn cobrowse_page(State(state): State<AppState>) -> impl IntoResponse {
    page(&state, Mode::Cobrowse)
}

async fn screenshare_page(State(state): State<AppState>) -> impl IntoResponse {
    page(&state, Mode::Screenshare)
}

fn page(state: &AppState, mode: Mode) -> impl IntoResponse + use<> {
    let html = render_apptab(mode, &state.settings.public_origin);
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html)
}
