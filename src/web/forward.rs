//! HTTP requests about a session or share another node of the cluster holds: this node forwards
//! them over a bus link to that node, whose router answers as if the request had come to it (a
//! request it forwards on never travels again). A link carries the request's head (method, path,
//! headers) as text and its body as bytes, and the answer back the same way. Most such requests
//! name their session in the path; a conversation's pending session and a share's key are found
//! in the store.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tower::ServiceExt;

use crate::bus::{BusError, Link, Piece, Purpose};
use crate::service::{Target, Whereabouts};
use crate::store::SubjectKind;
use crate::web::state::AppState;

/// Largest body forwarded either way (an asset upload is at most 8 MiB).
const MAX_BODY: usize = 9 * 1024 * 1024;

/// Marks a request another node forwarded: it is answered here, never forwarded again.
#[derive(Debug, Clone, Copy)]
pub struct Forwarded;

#[derive(Debug, Serialize, Deserialize)]
struct Head {
    /// The method (requests) or status (answers).
    line: String,
    /// The path and query (requests).
    uri: String,
    headers: BTreeMap<String, Vec<String>>,
}

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
const MAX_LOOKUP_BODY: usize = 4 * 1024;

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

/// The conversation `POST /api/conversations/{id}/end` ends.
fn conversation_ending(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/api/conversations/")?;
    let (conversation, end) = rest.split_once('/')?;
    (end == "end" && !conversation.is_empty()).then(|| conversation.to_owned())
}

/// A conversation's end in a cluster: this node ends its part and every other node holding a live
/// session or share of the conversation ends its own (each checks the caller as usual); the
/// answer lists everything that ended. A node that does not answer is logged, and what it holds
/// ends by its time limits or when it is taken over and ended again.
async fn end_everywhere(
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

fn unavailable(reason: String) -> Response {
    tracing::warn!(reason = %reason, "could not forward a request to the node holding its session");
    let body = serde_json::json!({
        "error": "the Duet node holding this session did not answer; try again in a moment"
    });
    (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
}

/// Sends `request` over `link` and returns the answer that comes back.
async fn ask(link: Link, request: Request) -> Result<Response, String> {
    let Link {
        mut sender,
        mut receiver,
        ..
    } = link;
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|error| error.to_string())?;
    let head = Head {
        line: parts.method.to_string(),
        uri: parts.uri.to_string(),
        headers: headers_of(&parts.headers),
    };
    send_head_and_body(&mut sender, &head, body).await?;
    let (head, body) = receive_head_and_body(&mut receiver).await?;
    let status = head
        .line
        .parse::<u16>()
        .ok()
        .and_then(|code| StatusCode::from_u16(code).ok())
        .ok_or("the answer had no status")?;
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    *response.headers_mut() = header_map(&head.headers);
    Ok(response)
}

/// Answers one forwarded request with `router`, as if `peer` had sent it here.
pub async fn answer(link: Link, router: axum::Router, peer: String) {
    let Link {
        mut sender,
        mut receiver,
        ..
    } = link;
    let Ok((head, body)) = receive_head_and_body(&mut receiver).await else {
        return;
    };
    let (Ok(method), Ok(uri)) = (head.line.parse::<Method>(), head.uri.parse::<Uri>()) else {
        return;
    };
    let mut request = Request::new(Body::from(body));
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.headers_mut() = header_map(&head.headers);
    request.extensions_mut().insert(Forwarded);
    if let Ok(peer) = peer.parse::<SocketAddr>() {
        request.extensions_mut().insert(ConnectInfo(peer));
    }
    let Ok(response) = router.oneshot(request).await;
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY)
        .await
        .unwrap_or_default();
    let head = Head {
        line: parts.status.as_u16().to_string(),
        uri: String::new(),
        headers: headers_of(&parts.headers),
    };
    let _ = send_head_and_body(&mut sender, &head, body).await;
}

async fn send_head_and_body(
    sender: &mut crate::bus::LinkSender,
    head: &Head,
    body: Bytes,
) -> Result<(), String> {
    let head = serde_json::to_vec(head).map_err(|error| error.to_string())?;
    sender
        .send(&Piece::Text(head.into()))
        .await
        .map_err(|error| error.to_string())?;
    sender
        .send(&Piece::Binary(body))
        .await
        .map_err(|error| error.to_string())
}

async fn receive_head_and_body(
    receiver: &mut crate::bus::LinkReceiver,
) -> Result<(Head, Bytes), String> {
    let wait = crate::bus::CALL_TIMEOUT * 10;
    let next = async |receiver: &mut crate::bus::LinkReceiver| match tokio::time::timeout(
        wait,
        receiver.recv(),
    )
    .await
    {
        Ok(Some(Ok(piece))) => Ok(piece),
        Ok(Some(Err(broken))) => Err(broken.to_string()),
        Ok(None) | Err(_) => Err("the other node did not answer".to_owned()),
    };
    let Piece::Text(head) = next(receiver).await? else {
        return Err("the head was not text".to_owned());
    };
    let head: Head = serde_json::from_slice(&head).map_err(|error| error.to_string())?;
    let Piece::Binary(body) = next(receiver).await? else {
        return Err("the body was not bytes".to_owned());
    };
    Ok((head, body))
}

/// Headers that belong to one hop, not to the request or answer.
const HOP_BY_HOP: [&str; 6] = [
    "connection",
    "keep-alive",
    "transfer-encoding",
    "upgrade",
    "te",
    "content-length",
];

fn headers_of(headers: &HeaderMap) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in headers {
        if HOP_BY_HOP.contains(&name.as_str()) {
            continue;
        }
        if let Ok(value) = value.to_str() {
            out.entry(name.as_str().to_owned())
                .or_default()
                .push(value.to_owned());
        }
    }
    out
}

fn header_map(headers: &BTreeMap<String, Vec<String>>) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, values) in headers {
        let Ok(name) = HeaderName::try_from(name.as_str()) else {
            continue;
        };
        for value in values {
            if let Ok(value) = HeaderValue::try_from(value.as_str()) {
                map.append(name.clone(), value);
            }
        }
    }
    map
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
