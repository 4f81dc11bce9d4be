//! The app-tab web resource: one askama template rendered per mode, with Duet's origin baked in.
//! The solution ships these pages; `duet serve` serves the very same rendering.

use askama::Template;

/// Which button's tab a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The Co-browse button.
    Cobrowse,
    /// The Screen share button.
    Screenshare,
}

impl Mode {
    /// Both modes, co-browse first.
    pub const ALL: [Mode; 2] = [Mode::Cobrowse, Mode::Screenshare];

    /// The lower-case name used in URLs and file names: `cobrowse` or `screenshare`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Cobrowse => "cobrowse",
            Mode::Screenshare => "screenshare",
        }
    }

    /// The event Omnichannel expects when the session connects.
    pub fn connected_event(self) -> &'static str {
        match self {
            Mode::Cobrowse => "CobrowseConnectedEvent",
            Mode::Screenshare => "ScreenShareConnectedEvent",
        }
    }

    /// The event Omnichannel expects, exactly once, when the session ends.
    pub fn ended_event(self) -> &'static str {
        match self {
            Mode::Cobrowse => "CobrowseEndedEvent",
            Mode::Screenshare => "ScreenShareEndedEvent",
        }
    }

    /// The page's title.
    pub fn title(self) -> &'static str {
        match self {
            Mode::Cobrowse => "Duet co-browse",
            Mode::Screenshare => "Duet screen share",
        }
    }
}

/// The app-tab page of one mode.
#[derive(Template)]
#[template(path = "apptab.html")]
struct AppTabPage<'a> {
    mode: Mode,
    title: &'a str,
    duet_origin_js: String,
}

/// Renders the app-tab page of `mode`, talking to Duet at `duet_origin` (scheme, host and port, no path).
pub fn render_apptab(mode: Mode, duet_origin: &str) -> String {
    let origin = duet_origin.trim_end_matches('/');
    // JSON string literal, with `<` escaped so it can never close the script element.
    let duet_origin_js = serde_json::Value::from(origin)
        .to_string()
        .replace('<', "\\u003c");
    let page = AppTabPage {
        mode,
        title: mode.title(),
        duet_origin_js,
    };
    page.render()
        .expect("the app-tab template renders from plain strings")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mode_bakes_in_its_events_and_the_origin() {
        let page = render_apptab(Mode::Screenshare, "https://duet.example.com/");
        assert!(page.contains("\"ScreenShareConnectedEvent\""));
        assert!(page.contains("\"ScreenShareEndedEvent\""));
        assert!(page.contains("var DUET_ORIGIN = \"https://duet.example.com\";"));
        assert!(!page.contains("CobrowseConnectedEvent\""));
    }
}
