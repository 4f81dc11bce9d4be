//! Tracing set-up: one subscriber, filtered by `RUST_LOG`, writing to stderr, that never lets a
//! library log what passes through it.

use std::io::IsTerminal;

use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::{FilterExt, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Libraries that see raw frames, headers or statements, and the most they may log whatever
/// `RUST_LOG` asks. At trace level tungstenite logs every WebSocket message whole (a `hello`
/// with its token, a page change with what the customer typed); the HTTP and TLS stacks log
/// headers and bytes at debug and trace; sqlx logs statements at debug.
const QUIET_LIBRARIES: [(&str, LevelFilter); 9] = [
    ("tungstenite", LevelFilter::INFO),
    ("tokio_tungstenite", LevelFilter::INFO),
    ("hyper", LevelFilter::INFO),
    ("hyper_util", LevelFilter::INFO),
    ("h2", LevelFilter::INFO),
    ("reqwest", LevelFilter::INFO),
    ("rustls", LevelFilter::INFO),
    ("sqlx", LevelFilter::INFO),
    ("axum", LevelFilter::INFO),
];

/// Installs the global tracing subscriber; `RUST_LOG` overrides the default `info` level for
/// Duet, never beyond `QUIET_LIBRARIES` for the libraries that carry secrets.
pub fn init() {
    let asked = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_filter(asked.and(secret_safe()));
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

/// Everything at every level, except the quiet libraries above their cap.
fn secret_safe() -> Targets {
    Targets::new()
        .with_default(LevelFilter::TRACE)
        .with_targets(QUIET_LIBRARIES)
}

#[cfg(test)]
mod tests {
    use tracing::Level;

    use super::*;

    #[test]
    fn websocket_frames_are_never_logged_while_duets_own_trace_lines_are() {
        let filter = secret_safe();
        assert!(!filter.would_enable("tungstenite::protocol", &Level::TRACE));
        assert!(!filter.would_enable("tokio_tungstenite", &Level::DEBUG));
        assert!(filter.would_enable("tungstenite::protocol", &Level::INFO));
        assert!(filter.would_enable("duet::web", &Level::TRACE));
    }
}
