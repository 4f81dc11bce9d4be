//! The solution's HTML web resources: the app-tab page (one askama template rendered per mode)
//! and the configuration page. Neither holds Duet's address: both read it at run time from the
//! org's environment variable. The solution ships these pages; `duet serve` serves the very same
//! rendering.

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
    variable: &'a str,
}

/// The solution's configuration page.
#[derive(Template)]
#[template(path = "config.html")]
struct ConfigPage<'a> {
    variable: &'a str,
    solution: &'a str,
}

/// Renders the app-tab page of `mode`, which reads Duet's address at run time from the org's
/// environment variable `variable` (e.g. `duet_Origin`); no address is written in the page.
pub fn render_apptab(mode: Mode, variable: &str) -> String {
    let page = AppTabPage {
        mode,
        title: mode.title(),
        variable,
    };
    page.render()
        .expect("the app-tab template renders from plain strings")
}

/// Renders the solution's configuration page: Duet's address from `variable`, whether Duet
/// answers, its version, and a link to its admin page.
pub fn render_config(variable: &str, solution_display_name: &str) -> String {
    let page = ConfigPage {
        variable,
        solution: solution_display_name,
    };
    page.render()
        .expect("the configuration template renders from plain strings")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mode_has_its_events_and_reads_the_address_from_the_variable() {
        let page = render_apptab(Mode::Screenshare, "duet_Origin");
        assert!(page.contains("\"ScreenShareConnectedEvent\""));
        assert!(page.contains("\"ScreenShareEndedEvent\""));
        assert!(page.contains("var VARIABLE = \"duet_Origin\";"));
        assert!(page.contains("environmentvariabledefinition_environmentvariablevalue"));
        assert!(!page.contains("CobrowseConnectedEvent\""));
        assert!(page.contains("var DUET_ORIGIN = null;") && !page.contains("http://127.0.0.1"));
    }
}
