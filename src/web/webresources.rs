//! Serves the solution's HTML web resources (the two app-tab pages and the configuration page),
//! rendered from the same templates the solution ships, and, for the demo, a stand-in for the
//! one org Web API call they make: reading the environment variable that holds Duet's address,
//! answered with this Duet's own origin. `GET /api/version` tells the configuration page what
//! answers there.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::json;

use super::state::AppState;
use crate::solution::webresource::{Mode, render_apptab, render_config};

/// The environment variable the demo's pages read: the embedded solution's `<prefix>_Origin`.
pub const DEMO_VARIABLE: &str = "duet_Origin";

/// Routes of the web resources, the demo's stand-in Web API call, and the version.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webresource/cobrowse.html", get(cobrowse_page))
        .route("/webresource/screenshare.html", get(screenshare_page))
        .route("/webresource/config.html", get(config_page))
        .route(
            "/api/data/v9.2/environmentvariabledefinitions",
            get(demo_variable),
        )
        .route("/api/version", get(version))
}

async fn cobrowse_page() -> impl IntoResponse {
    html(render_apptab(Mode::Cobrowse, DEMO_VARIABLE))
}

async fn screenshare_page() -> impl IntoResponse {
    html(render_apptab(Mode::Screenshare, DEMO_VARIABLE))
}

async fn config_page() -> impl IntoResponse {
    html(render_config(
        DEMO_VARIABLE,
        "Duet co-browse and screen share",
    ))
}

fn html(page: String) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page)
}

/// What an org with Duet installed answers for the origin variable: its value is this Duet's
/// public origin. Any other variable is unknown here, as in an org without it.
async fn demo_variable(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> impl IntoResponse {
    let query = query.unwrap_or_default();
    let wanted = format!("schemaname eq '{DEMO_VARIABLE}'");
    let asked = url::form_urlencoded::parse(query.as_bytes())
        .any(|(key, value)| key == "$filter" && value == wanted.as_str());
    let value = if asked {
        json!([{
            "schemaname": DEMO_VARIABLE,
            "defaultvalue": null,
            "environmentvariabledefinition_environmentvariablevalue": [
                { "value": state.settings.public_origin }
            ]
        }])
    } else {
        json!([])
    };
    axum::Json(json!({ "value": value }))
}

/// Duet's name and version, for the configuration page on the org's origin.
async fn version() -> impl IntoResponse {
    (
        [(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
        axum::Json(json!({ "name": "Duet", "version": env!("CARGO_PKG_VERSION") })),
    )
}
