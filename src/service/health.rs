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
        if let Err(why) = self.bus_answers().await {
            unreachable.insert("bus", why);
        }
        Readiness {
            ready: unreachable.is_empty(),
            unreachable,
        }
    }

    /// A cluster's node: the NATS server answers a round trip within [`READY_TIMEOUT`].
    async fn bus_answers(&self) -> Result<(), String> {
        let Some(cluster) = &self.cluster else {
            return Ok(());
        };
        match tokio::time::timeout(READY_TIMEOUT, cluster.bus.round_trip()).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(format!(
                "the NATS server did not answer ({error}): check that it is up and reachable \
                 from this node (DUET_BUS_URL)"
            )),
            Err(_) => Err(format!(
                "the NATS server did not answer within {} seconds: check that it is up and \
                 reachable from this node (DUET_BUS_URL)",
                READY_TIMEOUT.as_secs()
            )),
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
