//! HTTP requests about a session or share another node of the cluster holds: this node forwards
//! them over a bus link to that node, whose router answers as if the request had come to it (a
//! request it forwards on never travels again). A link carries the request's head (method, path,
//! headers) as text and its body as bytes, and the answer back the same way. Most such requests
//! name their session in the path; a conversation's pending session and a share's key are found
//! in the store.

mod carry;
mod conversation;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::bus::{BusError, Purpose};
use crate::service::{Target, Whereabouts};
use crate::store::SubjectKind;
use crate::web::state::AppState;
pub use carry::answer;
use carry::ask;
use conversation::{conversation_ending, end_everywhere};

/// Marks a request another node forwarded: it is answered here, never forwarded again.
#[derive(Debug, Clone, Copy)]
pub struct Forwarded;

/// The session or share a path is about, for the paths that act on one.
pub fn target_of(path: &str) -> Option<Target> {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let session = |id: &str| id.parse().ok().map(Target::Session);
    match parts.as_slice() {
        ["api", "agent", "sessions", id, "join"] => session(id),
        ["api", "sessions", id, ..] => session(id),
        ["page-assets", id, ..] => session(id),
        ["api", "supervisor", "sessions", id, "watch" | "step-in"] => session(id),
        ["api", "screenshare", id, "end"] => id.parse().ok().map(Target::Share),
        _ => None,
    }
}

/// Largest key-lookup body read to find the share it names.
pub(super) const MAX_LOOKUP_BODY: usize = 4 * 1024;

/// The session or share `request` is about, when this node does not hold it and it is not in
/// the path: a conversation's pending session (`GET /api/agent/pending?conversation=`) and the
/// share a customer's key opens (`POST /api/screenshare/lookup`), found in the store. Returns
/// the request as it was (its body read and put back).
async fn target_by_store(state: &AppState, request: Request) -> (Option<Target>, Request) {
    let store = &state.service.store;
    match request.uri().path() {
        "/api/agent/pending" => {
            let conversation = request.uri().query().and_then(|query| {
                url::form_urlencoded::parse(query.as_bytes())
                    .find(|(name, _)| name == "conversation")
                    .map(|(_, value)| value.into_owned())
            });
            let Some(conversation) = conversation else {
                return (None, request);
            };
            let held = store
                .of_conversation(SubjectKind::Session, &conversation)
                .await
                .unwrap_or_default();
            let target = held
                .iter()
                .find_map(|held| held.id.parse().ok())
                .map(Target::Session);
            (target, request)
        }
        "/api/screenshare/lookup" => {
            let (parts, body) = request.into_parts();
            let body = axum::body::to_bytes(body, MAX_LOOKUP_BODY)
                .await
                .unwrap_or_default();
            let key: Option<String> = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|lookup| lookup["key"].as_str().map(str::to_owned))
                .map(|typed| typed.chars().filter(|c| c.is_ascii_digit()).collect());
            let request = Request::from_parts(parts, Body::from(body));
            let Some(key) = key else {
                return (None, request);
            };
            let claim = format!("key:{key}");
            let held = store
                .claimant(SubjectKind::Share, &claim)
                .await
                .ok()
                .flatten();
            let target = held
                .and_then(|held| held.id.parse().ok())
                .map(Target::Share);
            (target, request)
        }
        _ => (None, request),
    }
}

/// Middleware: a request about what another node holds is answered by that node.
pub async fn to_holder(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(cluster) = state.service.cluster.clone() else {
        return next.run(request).await;
    };
    if request.extensions().get::<Forwarded>().is_some() {
        return next.run(request).await;
    }
    if let Some(conversation) = conversation_ending(request.uri().path()) {
        return end_everywhere(&state, &cluster, conversation, request, next).await;
    }
    let (target, request) = match target_of(request.uri().path()) {
        Some(target) => (Some(target), request),
        None => target_by_store(&state, request).await,
    };
    let Some(target) = target else {
        return next.run(request).await;
    };
    let node = match state.service.locate(target).await {
        Whereabouts::Here => return next.run(request).await,
        Whereabouts::There(node) => node,
    };
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.to_string())
        .unwrap_or_default();
    let link = cluster
        .bus
        .call(&node, &target.id(), Purpose::Http, &peer)
        .await;
    match link {
        Ok(link) => ask(link, request).await.unwrap_or_else(unavailable),
        Err(BusError::Gone(_)) => {
            state.service.take_over_from(target, node).await;
            next.run(request).await
        }
        Err(error) => unavailable(error.to_string()),
    }
}

pub(super) fn unavailable(reason: String) -> Response {
    tracing::warn!(reason = %reason, "could not forward a request to the node holding its session");
    let body = serde_json::json!({
        "error": "the Duet node holding this session did not answer; try again in a moment"
    });
    (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_paths_that_act_on_a_session_name_it_and_no_others_do() {
        let session = |id: &str| Some(Target::Session(id.parse().unwrap()));
        assert_eq!(
            target_of("/api/agent/sessions/123456789/join"),
            session("123456789")
        );
        assert_eq!(
            target_of("/api/sessions/123456789/end"),
            session("123456789")
        );
        assert_eq!(
            target_of("/api/sessions/123456789/assets/abc"),
            session("123456789")
        );
        assert_eq!(target_of("/page-assets/123456789/k"), session("123456789"));
        assert_eq!(
            target_of("/api/supervisor/sessions/123456789/watch"),
            session("123456789")
        );
        assert_eq!(
            target_of("/api/supervisor/sessions/123456789/recording"),
            None
        );
        assert_eq!(target_of("/api/sessions"), None);
        assert_eq!(target_of("/api/sessions/not-an-id/end"), None);
        assert_eq!(target_of("/console"), None);
    }
}
