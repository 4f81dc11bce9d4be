//! The solution definition (`solution/duet.toml`): its shape, and loading it from a file or the embedded default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::validate::{self, Problems};
use super::webresource::Mode;

/// The default definition, embedded in the binary.
pub const DEFAULT_DEFINITION: &str = include_str!("../../solution/duet.toml");

/// Icons embedded next to the default definition, by the path the definition names them with.
const EMBEDDED_ICONS: [(&str, &str); 2] = [
    (
        "icons/cobrowse.svg",
        include_str!("../../solution/icons/cobrowse.svg"),
    ),
    (
        "icons/screenshare.svg",
        include_str!("../../solution/icons/screenshare.svg"),
    ),
];

/// Why a definition could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DefinitionError {
    /// The definition file could not be read.
    #[error("cannot read the solution definition {path}; check the --definition path")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The definition is not valid TOML or has unknown or missing fields.
    #[error(
        "the solution definition is not well-formed; fix the TOML as below (solution/duet.toml is a complete example)"
    )]
    Parse(#[from] toml::de::Error),
    /// The definition parsed but breaks one or more rules.
    #[error(transparent)]
    Invalid(#[from] Problems),
}

/// A whole solution definition.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// Who publishes the solution.
    pub publisher: Publisher,
    /// The solution itself.
    pub solution: SolutionInfo,
    /// The two buttons agents see.
    pub buttons: Buttons,
    /// The AppSource listing's package facts (`duet package build`).
    #[serde(default)]
    pub appsource: AppSourceInfo,
}

/// What `input.xml` of the AppSource package says, and the links its terms page gives.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AppSourceInfo {
    /// When the offer starts, `MM/DD/YYYY`.
    pub start_date: String,
    /// When it ends, `MM/DD/YYYY`.
    pub end_date: String,
    /// ISO country codes, comma separated, e.g. `US,CA,GB`.
    pub supported_countries: String,
    /// The terms of use (https).
    pub terms_url: String,
    /// The privacy policy (https); AppSource requires one.
    pub privacy_url: String,
}

impl Default for AppSourceInfo {
    fn default() -> Self {
        Self {
            start_date: "12/01/2026".to_owned(),
            end_date: "01/01/2036".to_owned(),
            supported_countries: "US,CA,GB,IE,DE,FR,ES,NL,JP,AU".to_owned(),
            terms_url: "https://duet.example.com/terms".to_owned(),
            privacy_url: "https://duet.example.com/privacy".to_owned(),
        }
    }
}

/// The solution publisher.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    /// Publisher unique name, e.g. `duet`.
    pub unique_name: String,
    /// Publisher display name.
    pub display_name: String,
    /// Publisher description.
    #[serde(default)]
    pub description: String,
    /// Customization prefix: 3–8 ASCII letters or digits, starting with a letter.
    pub prefix: String,
    /// Option value prefix, 10000–99999.
    pub option_value_prefix: u32,
    /// Support e-mail address.
    pub email: Option<String>,
    /// Support web site.
    pub website: Option<String>,
}

/// The solution's identity and where its pages talk to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SolutionInfo {
    /// Solution unique name, e.g. `DuetCobrowse`.
    pub unique_name: String,
    /// Solution display name.
    pub display_name: String,
    /// Solution description.
    #[serde(default)]
    pub description: String,
    /// Version with 2–4 numeric parts, e.g. `1.0.0.0`.
    pub version: String,
    /// The `msdyn_provider` name, e.g. `Duet`.
    pub provider_name: String,
    /// Refused when present: Duet's address is no longer baked into the solution but read at
    /// run time from the environment variable `<prefix>_Origin` (kept so the refusal can say so).
    #[serde(default)]
    pub duet_origin: Option<String>,
}

/// The co-browse and screen-share buttons.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Buttons {
    /// The co-browse button.
    pub cobrowse: Button,
    /// The screen-share button.
    pub screenshare: Button,
}

impl Buttons {
    /// Both buttons with their mode, co-browse first.
    pub fn all(&self) -> [(Mode, &Button); 2] {
        [
            (Mode::Cobrowse, &self.cobrowse),
            (Mode::Screenshare, &self.screenshare),
        ]
    }
}

/// One conversation action button.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Button {
    /// The conversation action's `msdyn_name`, e.g. `duet_cobrowse`.
    pub name: String,
    /// Position among the conversation action buttons.
    pub order: i64,
    /// SVG icon path relative to the definition; the embedded icon when absent.
    pub icon: Option<String>,
    /// Slash command, e.g. `/cb`.
    pub slash_command: String,
    /// The app tab template the button opens.
    pub app_tab: AppTab,
    /// Label, tooltip and tab title per LCID (keys are LCIDs such as `1033`).
    pub locales: BTreeMap<String, LocaleText>,
    /// The icon's SVG text, resolved on load.
    #[serde(skip)]
    pub icon_svg: String,
}

/// An app tab template.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppTab {
    /// Unique name `<prefix>_<name>`, e.g. `duet_cobrowsetab`.
    pub unique_name: String,
    /// Default tab title.
    pub title: String,
}

/// The texts of a button in one language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocaleText {
    /// Button label.
    pub label: String,
    /// Button tooltip.
    pub tooltip: String,
    /// App tab title in this language; the app tab's default title when absent.
    pub tab_title: Option<String>,
}

impl Button {
    /// The locales as (LCID, texts), in LCID order; keys that are no number are skipped (validation reports them).
    pub fn lcids(&self) -> Vec<(u32, &LocaleText)> {
        let mut all: Vec<(u32, &LocaleText)> = self
            .locales
            .iter()
            .filter_map(|(key, text)| key.parse().ok().map(|lcid| (lcid, text)))
            .collect();
        all.sort_by_key(|(lcid, _)| *lcid);
        all
    }
}

impl Definition {
    /// The schema name of the environment variable holding Duet's address: `<prefix>_Origin`.
    pub fn origin_variable(&self) -> String {
        [self.publisher.prefix.as_str(), "_Origin"].concat()
    }

    /// Every LCID any button has texts for, ascending.
    pub fn languages(&self) -> Vec<u32> {
        let mut all: Vec<u32> = self
            .buttons
            .all()
            .iter()
            .flat_map(|(_, button)| button.lcids().into_iter().map(|(lcid, _)| lcid))
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }
}

/// Loads and validates the definition at `path`, or the embedded default when `None`.
pub fn load(path: Option<&Path>) -> Result<Definition, DefinitionError> {
    let (text, base) = match path {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| DefinitionError::Read {
                path: path.to_owned(),
                source,
            })?;
            (text, path.parent().map(Path::to_owned))
        }
        None => (DEFAULT_DEFINITION.to_owned(), None),
    };
    parse(&text, base.as_deref())
}

/// Parses and validates definition text; icons resolve against `base`, or the embedded icons when `None`.
pub fn parse(text: &str, base: Option<&Path>) -> Result<Definition, DefinitionError> {
    let mut definition: Definition = toml::from_str(text)?;
    let mut problems = validate::check(&definition);
    for (mode, button) in [
        (Mode::Cobrowse, &mut definition.buttons.cobrowse),
        (Mode::Screenshare, &mut definition.buttons.screenshare),
    ] {
        match resolve_icon(mode, button.icon.as_deref(), base) {
            Ok(svg) => button.icon_svg = svg,
            Err(problem) => problems.push(format!("buttons.{}.icon", mode.as_str()), problem),
        }
    }
    problems.into_result()?;
    Ok(definition)
}

fn resolve_icon(mode: Mode, icon: Option<&str>, base: Option<&Path>) -> Result<String, String> {
    let default_path = format!("icons/{}.svg", mode.as_str());
    let svg = match (icon, base) {
        (Some(icon), Some(base)) => std::fs::read_to_string(base.join(icon)).map_err(|e| {
            format!("cannot read `{icon}` (relative to the definition): {e}; point it at an SVG file or remove it to use the built-in icon")
        })?,
        (icon, _) => embedded_icon(icon.unwrap_or(&default_path))
            .or_else(|| embedded_icon(&default_path))
            .unwrap_or_default()
            .to_owned(),
    };
    if svg.contains("<svg") {
        Ok(svg)
    } else {
        Err("the icon is not an SVG document (no `<svg` element); use an SVG file".to_owned())
    }
}

fn embedded_icon(path: &str) -> Option<&'static str> {
    EMBEDDED_ICONS
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, svg)| *svg)
}
