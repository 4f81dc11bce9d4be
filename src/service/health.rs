//! What the service says about itself: its metrics page (the counters with the live sessions
//! and shares by state) and whether it is ready to serve (its store, later its bus, answer).

use std::time::Duration;

use serde::Serialize;

use super::Service;
use crate::engine::{ShareState, State};
use crate::metrics::Live;

/// How long a readiness check waits for each dependency.
pub const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// What `GET /readyz` answers: ready, or which dependencies do not answer and why.
#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    /// True when every dependency answered.
    pub ready: bool,
    /// Each dependency that did not answer (`store`, `bus`), with what to check.
    pub unreachable: std::collections::BTreeMap<&'static str, String>,
}

impl Service {
    /// The metrics page in the Prometheus text format.
    pub async fn metrics_text(&self) -> String {
        let sessions = [State::Idle, State::Active].map(State::as_str);
        let shares = [ShareState::Pending, ShareState::Accepted, ShareState::Live];
        let live = Live {
            sessions: (self.sessions)
                .live_by_state(&sessions, |session| session.state().as_str())
                .await,
            shares: (self.shares)
                .live_by_state(&shares.map(ShareState::as_str), |share| {
                    share.state().as_str()
                })
                .await,
        };
        self.metrics.render(&live)
    }

    /// Checks what serving needs: the store answers `SELECT 1` within [`READY_TIMEOUT`].
    pub async fn ready(&self) -> Readiness {
        let mut unreachable = std::collections::BTreeMap::new();
        if let Err(why) = self.store_answers().await {
            unreachable.insert("store", why);
        }
        // The bus: when this node is part of a cluster (DUET_BUS_URL), check here that the NATS
        // server answers, and insert ("bus", what to check) when it does not.
        Readiness {
            ready: unreachable.is_empty(),
            unreachable,
        }
    }

    async fn store_answers(&self) -> Result<(), String> {
        match tokio::time::timeout(READY_TIMEOUT, self.store.ping()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!(
                "the database did not answer within {} seconds: check that it is up and \
                 reachable from this node (DUET_DATABASE_URL)",
                READY_TIMEOUT.as_secs()
            )),
        }
    }
}
