//! One HTTP request and its answer over a bus link: the head (method or status, path, headers
//! without the hop-by-hop ones) as JSON text, then the body as bytes, each at most 9 MiB.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tower::ServiceExt;

use super::Forwarded;
use crate::bus::{Link, Piece};

/// Largest body forwarded either way (an asset upload is at most 8 MiB).
pub(super) const MAX_BODY: usize = 9 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
struct Head {
    /// The method (requests) or status (answers).
    line: String,
    /// The path and query (requests).
    uri: String,
    headers: BTreeMap<String, Vec<String>>,
}

/// Sends `request` over `link` and returns the answer that comes back.
pub(super) async fn ask(link: Link, request: Request) -> Result<Response, String> {
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
