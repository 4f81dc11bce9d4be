//! The client's address behind a load balancer: when a request comes from one of
//! `DUET_TRUSTED_PROXIES` (addresses or CIDR ranges), the address its `X-Forwarded-For` names
//! (the rightmost one that is not itself a trusted proxy) takes the peer's place, so the
//! per-address rate limits count browsers, not the balancer. From anyone else the header is
//! ignored: a client cannot choose the address it is counted as.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

pub use crate::config::TrustedProxy;
use crate::web::state::AppState;

/// The address the request is counted as: the forwarded client's when `peer` is trusted.
pub fn client_of(
    peer: SocketAddr,
    forwarded_for: Option<&str>,
    trusted: &[TrustedProxy],
) -> SocketAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|proxy| proxy.contains(ip));
    if !is_trusted(peer.ip()) {
        return peer;
    }
    let hops = forwarded_for.unwrap_or_default().split(',').rev();
    for hop in hops.map(str::trim).filter(|hop| !hop.is_empty()) {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            // A hop that is not an address: nothing left of it can be believed.
            return peer;
        };
        if !is_trusted(ip) {
            return SocketAddr::new(ip, peer.port());
        }
    }
    peer
}

/// Middleware: puts the client's address in the request's `ConnectInfo`.
pub async fn from_proxies(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let trusted = &state.settings.trusted_proxies;
    if trusted.is_empty() {
        return next.run(request).await;
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    if let Some(peer) = peer {
        let forwarded = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|value| value.to_str().ok());
        let client = client_of(peer, forwarded, trusted);
        request.extensions_mut().insert(ConnectInfo(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(list: &[&str]) -> Vec<TrustedProxy> {
        list.iter().map(|text| text.parse().unwrap()).collect()
    }

    fn addr(text: &str) -> SocketAddr {
        SocketAddr::new(text.parse().unwrap(), 5000)
    }

    #[test]
    fn a_trusted_balancer_names_the_client_and_anyone_else_is_taken_at_their_address() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let via_balancer = client_of(addr("10.1.2.3"), Some("203.0.113.9"), &trusted);
        assert_eq!(via_balancer.ip(), "203.0.113.9".parse::<IpAddr>().unwrap());
        let spoofed = client_of(addr("198.51.100.4"), Some("203.0.113.9"), &trusted);
        assert_eq!(
            spoofed,
            addr("198.51.100.4"),
            "an untrusted peer's header is ignored"
        );
    }

    #[test]
    fn the_rightmost_untrusted_hop_counts_not_what_the_client_wrote_first() {
        let trusted = proxies(&["10.0.0.0/8", "192.0.2.1"]);
        let chain = "1.2.3.4, 203.0.113.9, 192.0.2.1";
        let client = client_of(addr("10.0.0.2"), Some(chain), &trusted);
        assert_eq!(client.ip(), "203.0.113.9".parse::<IpAddr>().unwrap());
        let garbage = client_of(addr("10.0.0.2"), Some("1.2.3.4, not-an-ip"), &trusted);
        assert_eq!(garbage, addr("10.0.0.2"));
    }
}
