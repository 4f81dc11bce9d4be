//! The operator's endpoints: `GET /healthz` (the process answers), `GET /readyz` (its store
//! answers too) and `GET /metrics` (Prometheus); the service computes, this only renders.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::web::state::AppState;

/// The operator's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

async fn healthz() -> &'static str {
    "ok"
}

/// 200 when the store answers; 503 with `{"ready": false, "unreachable": {"store": "…"}}`
/// otherwise, so a load balancer sends no one to a node that cannot record.
async fn readyz(State(state): State<AppState>) -> Response {
    let readiness = state.service.ready().await;
    if !readiness.ready {
        let names: Vec<&str> = readiness.unreachable.keys().copied().collect();
        tracing::warn!(unreachable = ?names, "not ready");
    }
    let status = if readiness.ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(readiness)).into_response()
}

async fn metrics(State(state): State<AppState>) -> Response {
    let page = state.service.metrics_text().await;
    ([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], page).into_response()
}
