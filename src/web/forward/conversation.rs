//! A conversation's end in a cluster: every node holding part of it ends its part.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::carry::{MAX_BODY, ask};
use super::{MAX_LOOKUP_BODY, unavailable};
use crate::bus::Purpose;
use crate::store::SubjectKind;
use crate::web::state::AppState;

/// The conversation `POST /api/conversations/{id}/end` ends.
pub(super) fn conversation_ending(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/api/conversations/")?;
    let (conversation, end) = rest.split_once('/')?;
    (end == "end" && !conversation.is_empty()).then(|| conversation.to_owned())
}

/// A conversation's end in a cluster: this node ends its part and every other node holding a live
/// session or share of the conversation ends its own (each checks the caller as usual); the
/// answer lists everything that ended. A node that does not answer is logged, and what it holds
/// ends by its time limits or when it is taken over and ended again.
pub(super) async fn end_everywhere(
    state: &AppState,
    cluster: &crate::service::Cluster,
    conversation: String,
    request: Request,
    next: Next,
) -> Response {
    let store = &state.service.store;
    let mut nodes = std::collections::BTreeSet::new();
    for kind in [SubjectKind::Session, SubjectKind::Share] {
        let held = store
            .of_conversation(kind, &conversation)
            .await
            .unwrap_or_default();
        nodes.extend(held.into_iter().filter_map(|held| held.node));
    }
    nodes.remove(cluster.node());
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_LOOKUP_BODY).await else {
        return unavailable("the request's body was too large".to_owned());
    };
    let copy = |parts: &axum::http::request::Parts| {
        let mut request = Request::new(Body::from(body.clone()));
        *request.method_mut() = parts.method.clone();
        *request.uri_mut() = parts.uri.clone();
        *request.headers_mut() = parts.headers.clone();
        request
    };
    let mut answers = Vec::new();
    for node in nodes {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.to_string())
            .unwrap_or_default();
        let called = cluster.bus.call(&node, &conversation, Purpose::Http, &peer);
        match called.await {
            Ok(link) => match ask(link, copy(&parts)).await {
                Ok(answer) => answers.push(answer),
                Err(why) => {
                    tracing::warn!(reason = %why, "a node did not end its part of a conversation")
                }
            },
            Err(error) => {
                tracing::warn!(error = %error, "a node did not end its part of a conversation")
            }
        }
    }
    let here = next
        .run(Request::from_parts(parts, Body::from(body.clone())))
        .await;
    merge_ended(here, answers).await
}

/// This node's answer with the ids the others ended added to its lists (`ended`, `screenshares`);
/// a refusal here (the caller may not end it) is the answer.
async fn merge_ended(here: Response, others: Vec<Response>) -> Response {
    if !here.status().is_success() {
        return here;
    }
    let read = async |response: Response| {
        let bytes = axum::body::to_bytes(response.into_body(), MAX_BODY)
            .await
            .ok()?;
        serde_json::from_slice::<serde_json::Value>(&bytes).ok()
    };
    let Some(mut merged) = read(here).await else {
        return unavailable("this node's answer was not JSON".to_owned());
    };
    for other in others
        .into_iter()
        .filter(|answer| answer.status().is_success())
    {
        let Some(answer) = read(other).await else {
            continue;
        };
        for list in ["ended", "screenshares"] {
            if let (Some(into), Some(from)) = (merged[list].as_array_mut(), answer[list].as_array())
            {
                into.extend(from.iter().cloned());
            }
        }
    }
    axum::Json(merged).into_response()
}
