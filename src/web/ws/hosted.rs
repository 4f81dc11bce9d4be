//! The calls other nodes of a cluster make to this one about what it holds: a browser's socket
//! they carry is served here like one connected here; an HTTP request they forward is answered
//! by this node's own router (`web::forward`).

use axum::Router;

use super::socket::{Linked, Socket};
use crate::bus::Purpose;
use crate::web::state::AppState;

/// Answers calls until the bus goes away; refuses them once this node is stopping.
pub async fn answer_calls(state: AppState, router: Router) {
    let Some(cluster) = state.service.cluster.clone() else {
        return;
    };
    let mut calls = match cluster.bus.answer_calls().await {
        Ok(calls) => calls,
        Err(error) => {
            return tracing::error!(error = %error, "cannot answer the other nodes' calls");
        }
    };
    while let Some(incoming) = calls.next().await {
        if state.stopping.is_cancelled() {
            let _ = incoming.refuse("this node is stopping").await;
            continue;
        }
        let purpose = incoming.call.purpose;
        let peer = incoming.call.peer.clone();
        let link = match incoming.accept().await {
            Ok(link) => link,
            Err(error) => {
                tracing::warn!(error = %error, "could not answer a call from another node");
                continue;
            }
        };
        let state = state.clone();
        match purpose {
            Purpose::Socket => {
                let socket = Socket::Linked(Linked::new(link, cluster.bus.clone()));
                tokio::spawn(super::run(socket, state, None));
            }
            Purpose::Http => {
                tokio::spawn(crate::web::forward::answer(link, router.clone(), peer));
            }
        }
    }
}
