//! Duet's Prometheus metrics: the process-wide counters the relay, the journal and the web
//! layer move with one call each (`counters.rs`, atomics only), the gauges the service reads off
//! its registries at scrape time, and the page `GET /metrics` serves (`encode.rs`).

mod counters;
mod encode;
mod histogram;

pub use counters::{
    Side, closed, join_refused, joined, observe_bus_latency, queued, relayed, resync, time_commit,
    took_over, written,
};
pub use encode::CONTENT_TYPE;

use counters::{CLOSE_CODES, COUNTERS, Counters, DIRECTIONS, JOIN_REFUSALS, KINDS};
use encode::Text;

/// What is live now, by state, counted when the page is asked for.
#[derive(Debug, Default, Clone)]
pub struct Live {
    /// Live co-browse sessions by state name (`idle`, `active`).
    pub sessions: Vec<(&'static str, usize)>,
    /// Live screen shares by state name (`pending`, `accepted`, `live`).
    pub shares: Vec<(&'static str, usize)>,
}

/// The service's metrics: renders the counters of this process with the live gauges.
pub struct Metrics {
    counters: &'static Counters,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics { .. }")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            counters: &COUNTERS,
        }
    }
}

impl Metrics {
    /// The page in the Prometheus text format, with `live`'s gauges.
    pub fn render(&self, live: &Live) -> String {
        let mut text = Text::default();
        gauges(&mut text, live);
        self.joins(&mut text);
        self.relay(&mut text);
        self.sockets(&mut text);
        let c = self.counters;
        text.histogram(
            "duet_store_commit_seconds",
            "How long the store took to commit one batch of audit records and state.",
            &c.store_commit,
        );
        text.histogram(
            "duet_bus_latency_seconds",
            "How long a message took between nodes over the bus.",
            &c.bus_latency,
        );
        let name = "duet_takeovers_total";
        let help = "Sessions and shares this node took over from another node of the cluster, by \
                    whether that node had stopped cleanly (clean) or died (lost).";
        text.family(name, "counter", help);
        for (how, count) in ["lost", "clean"].iter().zip(&c.takeovers) {
            text.sample(name, &[("from", *how)], count.load(RELAXED));
        }
        text.finish()
    }

    fn joins(&self, text: &mut Text) {
        let c = self.counters;
        text.family(
            "duet_joins_total",
            "counter",
            "Agents who joined a session (admitted) or asked the customer to (asked).",
        );
        let admitted = c.joins_admitted.load(RELAXED);
        text.sample("duet_joins_total", &[("outcome", "admitted")], admitted);
        let asked = c.joins_asked.load(RELAXED);
        text.sample("duet_joins_total", &[("outcome", "asked")], asked);
        text.family(
            "duet_join_refusals_total",
            "counter",
            "Join attempts refused, by reason.",
        );
        for (reason, count) in JOIN_REFUSALS.iter().zip(&c.join_refusals) {
            let labels = [("reason", *reason)];
            text.sample("duet_join_refusals_total", &labels, count.load(RELAXED));
        }
    }

    fn relay(&self, text: &mut Text) {
        let c = self.counters;
        for (name, help, table) in [
            (
                "duet_frames_relayed_total",
                "Relayed frames written to sockets, by direction and kind.",
                &c.frames,
            ),
            (
                "duet_bytes_relayed_total",
                "Bytes of relayed frames written to sockets, by direction and kind.",
                &c.bytes,
            ),
        ] {
            text.family(name, "counter", help);
            for (direction, row) in DIRECTIONS.iter().zip(table) {
                for (kind, count) in KINDS.iter().zip(row) {
                    let labels = [("direction", *direction), ("kind", *kind)];
                    text.sample(name, &labels, count.load(RELAXED));
                }
            }
        }
        text.histogram(
            "duet_relay_latency_seconds",
            "Time from a frame's push onto a connection's queue to its write to that socket.",
            &c.relay_latency,
        );
        text.histogram(
            "duet_queue_depth",
            "Items already waiting on a connection's queue when one more was queued.",
            &c.queue_depth,
        );
        text.family(
            "duet_resyncs_total",
            "counter",
            "Agents who fell behind and were made to wait for a full snapshot.",
        );
        text.sample("duet_resyncs_total", &[], c.resyncs.load(RELAXED));
    }

    fn sockets(&self, text: &mut Text) {
        let name = "duet_socket_closes_total";
        let help = "WebSockets Duet closed, by close code (4008: fell behind).";
        text.family(name, "counter", help);
        let codes = CLOSE_CODES.iter().map(u16::to_string);
        for (code, count) in codes.chain(["other".to_owned()]).zip(&self.counters.closes) {
            text.sample(name, &[("code", &code)], count.load(RELAXED));
        }
    }
}

const RELAXED: std::sync::atomic::Ordering = std::sync::atomic::Ordering::Relaxed;

fn gauges(text: &mut Text, live: &Live) {
    for (name, help, counts) in [
        (
            "duet_sessions",
            "Live co-browse sessions on this node, by state.",
            &live.sessions,
        ),
        (
            "duet_shares",
            "Live screen shares on this node, by state.",
            &live.shares,
        ),
    ] {
        text.family(name, "gauge", help);
        for (state, count) in counts {
            text.sample(name, &[("state", state)], *count as u64);
        }
    }
}
