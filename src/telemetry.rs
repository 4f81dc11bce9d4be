//! Tracing set-up: one subscriber, filtered by `RUST_LOG`, writing text or JSON lines
//! (`DUET_LOG_FORMAT`) to stderr, that never lets a library log what passes through it.

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

/// The variable that picks how log lines are written: `text` (the default) or `json`.
pub const LOG_FORMAT_VAR: &str = "DUET_LOG_FORMAT";

/// How log lines are written to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines (coloured on a terminal).
    Text,
    /// One JSON object per line: `timestamp`, `level`, `fields`, `target`, `span`, `spans`.
    Json,
}

impl LogFormat {
    /// The format `DUET_LOG_FORMAT` names; unset is `text`.
    pub fn parse(value: Option<&str>) -> anyhow::Result<Self> {
        match value.map(str::trim) {
            None | Some("text") => Ok(Self::Text),
            Some("json") => Ok(Self::Json),
            Some(other) => anyhow::bail!(
                "{LOG_FORMAT_VAR}={other:?} is not a log format: set it to text or json, or unset it for text"
            ),
        }
    }
}

/// Installs the global tracing subscriber in the format `DUET_LOG_FORMAT` names; `RUST_LOG`
/// overrides the default `info` level for Duet, never beyond `QUIET_LIBRARIES` for the
/// libraries that carry secrets.
pub fn init() -> anyhow::Result<()> {
    let format = LogFormat::parse(std::env::var(LOG_FORMAT_VAR).ok().as_deref())?;
    let asked = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let filter = asked.and(secret_safe());
    let layer = match format {
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .with_filter(filter)
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_writer(std::io::stderr)
            .with_filter(filter)
            .boxed(),
    };
    let _ = tracing_subscriber::registry().with(layer).try_init();
    Ok(())
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

    #[test]
    fn the_log_format_is_text_unless_json_is_asked_and_anything_else_names_the_choices() {
        assert_eq!(LogFormat::parse(None).unwrap(), LogFormat::Text);
        assert_eq!(LogFormat::parse(Some("json")).unwrap(), LogFormat::Json);
        let error = LogFormat::parse(Some("yaml")).unwrap_err().to_string();
        assert!(error.contains("DUET_LOG_FORMAT"), "{error}");
        assert!(error.contains("text or json"), "{error}");
    }
}
