//! The browser bundles, built from `webresource/` by `build.rs` and embedded in the binary.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::state::AppState;

const SDK_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/assets/sdk.js"));
const CONSOLE_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/assets/console.js"));
const HOST_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/assets/host.js"));
const SHOP_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/assets/shop.js"));
const SHARE_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/assets/share.js"));
const ADMIN_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/assets/admin.js"));
const SUPERVISOR_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/assets/supervisor.js"));

/// Routes of the embedded scripts.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sdk.js", get(|| async { script(SDK_JS) }))
        .route("/assets/console.js", get(|| async { script(CONSOLE_JS) }))
        .route("/assets/host.js", get(|| async { script(HOST_JS) }))
        .route("/assets/shop.js", get(|| async { script(SHOP_JS) }))
        .route("/assets/share.js", get(|| async { script(SHARE_JS) }))
        .route("/assets/admin.js", get(|| async { script(ADMIN_JS) }))
        .route(
            "/assets/supervisor.js",
            get(|| async { script(SUPERVISOR_JS) }),
        )
}

fn script(body: &'static [u8]) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            // The customer's script is loaded by other sites.
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body,
    )
}
