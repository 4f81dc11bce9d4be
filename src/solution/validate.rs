//! The rules a solution definition must follow, checked all at once so every problem is reported together.

use std::fmt;

use super::definition::{Button, Definition};
use super::webresource::Mode;

/// The LCIDs `msdyn_conversationactionlocale.msdyn_locale_picklist` accepts (reference §1.4).
pub const LOCALE_PICKLIST: [u32; 45] = [
    1025, 1026, 1027, 1028, 1029, 1030, 1031, 1032, 1033, 1035, 1036, 1037, 1038, 1040, 1041, 1042,
    1043, 1044, 1045, 1046, 1048, 1049, 1050, 1051, 1053, 1054, 1055, 1057, 1058, 1060, 1061, 1062,
    1063, 1066, 1069, 1081, 1086, 1087, 1110, 2052, 2070, 2074, 3076, 3082, 3098,
];

/// Longest Dataverse `String(100)` value, in characters.
pub const MAX_TEXT: usize = 100;

/// One broken rule: the field's dotted path and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted path of the field, e.g. `buttons.cobrowse.slash_command`.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Every broken rule of one definition.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the solution definition has {} problem(s):",
            self.0.len()
        )?;
        for problem in &self.0 {
            write!(f, "\n  {}: {}", problem.field, problem.message)?;
        }
        Ok(())
    }
}

impl Problems {
    /// Records a problem with `field`.
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem {
            field: field.into(),
            message: message.into(),
        });
    }

    /// `Ok` when nothing is wrong, else these problems.
    pub fn into_result(self) -> Result<(), Problems> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }

    fn text(&mut self, field: &str, value: &str, max: usize) {
        let length = value.chars().count();
        if value.trim().is_empty() {
            self.push(field, "must not be empty; give it a value");
        } else if length > max {
            self.push(
                field,
                format!("is {length} characters long; shorten it to at most {max}"),
            );
        }
    }
}

/// Checks every rule of `definition` and returns all problems found (empty when valid).
pub fn check(definition: &Definition) -> Problems {
    let mut problems = Problems::default();
    check_publisher(definition, &mut problems);
    check_solution(definition, &mut problems);
    let prefix = &definition.publisher.prefix;
    for (mode, button) in definition.buttons.all() {
        check_button(
            &format!("buttons.{}", mode.as_str()),
            prefix,
            button,
            &mut problems,
        );
    }
    check_unique(definition, &mut problems);
    check_appsource(definition, &mut problems);
    problems
}

fn check_appsource(definition: &Definition, problems: &mut Problems) {
    let listing = &definition.appsource;
    for (field, date) in [
        ("appsource.start_date", &listing.start_date),
        ("appsource.end_date", &listing.end_date),
    ] {
        let parts: Vec<&str> = date.split('/').collect();
        let digits =
            |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        let shaped =
            parts.len() == 3 && digits(parts[0], 2) && digits(parts[1], 2) && digits(parts[2], 4);
        if !shaped {
            problems.push(field, format!("`{date}` is not a date as AppSource writes them: use MM/DD/YYYY, e.g. 12/01/2026"));
        }
    }
    let countries = &listing.supported_countries;
    let codes_ok = countries
        .split(',')
        .all(|code| code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()));
    if !codes_ok {
        problems.push(
            "appsource.supported_countries",
            format!("`{countries}` is not a list of ISO country codes: use e.g. `US,CA,GB`"),
        );
    }
    for (field, url) in [
        ("appsource.terms_url", &listing.terms_url),
        ("appsource.privacy_url", &listing.privacy_url),
    ] {
        if !url.starts_with("https://") || url::Url::parse(url).is_err() {
            problems.push(
                field,
                format!("`{url}` must be an https link, e.g. https://duet.example.com/privacy"),
            );
        }
    }
}

/// Whether `prefix` is 3–8 ASCII letters or digits starting with a letter.
pub fn is_valid_prefix(prefix: &str) -> bool {
    (3..=8).contains(&prefix.len())
        && prefix.starts_with(|c: char| c.is_ascii_alphabetic())
        && prefix.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Whether `version` has 2–4 dot-separated numeric parts.
pub fn is_valid_version(version: &str) -> bool {
    let parts: Vec<&str> = version.split('.').collect();
    (2..=4).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 9 && p.chars().all(|c| c.is_ascii_digit()))
}

fn check_publisher(definition: &Definition, problems: &mut Problems) {
    let publisher = &definition.publisher;
    if !is_identifier(&publisher.unique_name) {
        problems.push(
            "publisher.unique_name",
            "must be letters, digits or `_`, starting with a letter, e.g. `duet`",
        );
    }
    problems.text("publisher.display_name", &publisher.display_name, MAX_TEXT);
    if !is_valid_prefix(&publisher.prefix) {
        problems.push("publisher.prefix", format!("`{}` is not a valid customization prefix; use 3–8 ASCII letters or digits starting with a letter, e.g. `duet`", publisher.prefix));
    }
    if !(10000..=99999).contains(&publisher.option_value_prefix) {
        problems.push(
            "publisher.option_value_prefix",
            format!(
                "{} is out of range; use a number from 10000 to 99999",
                publisher.option_value_prefix
            ),
        );
    }
}

fn check_solution(definition: &Definition, problems: &mut Problems) {
    let solution = &definition.solution;
    if !is_identifier(&solution.unique_name) {
        problems.push(
            "solution.unique_name",
            "must be letters, digits or `_`, starting with a letter, e.g. `DuetCobrowse`",
        );
    }
    problems.text("solution.display_name", &solution.display_name, MAX_TEXT);
    problems.text("solution.provider_name", &solution.provider_name, MAX_TEXT);
    if !is_valid_version(&solution.version) {
        problems.push(
            "solution.version",
            format!(
                "`{}` is not a version; use 2 to 4 numbers separated by dots, e.g. `1.0.0.0`",
                solution.version
            ),
        );
    }
    if solution.duet_origin.is_some() {
        problems.push(
            "solution.duet_origin",
            "is no longer part of the solution: one solution serves every org, and each org keeps Duet's address in the environment variable <prefix>_Origin; remove the line and set the address with `duet provision --origin https://…`",
        );
    }
}

fn check_button(field: &str, prefix: &str, button: &Button, problems: &mut Problems) {
    // The locale rows are named `<name>_<lcid>`, which must fit in 100 characters too.
    problems.text(&format!("{field}.name"), &button.name, MAX_TEXT - 5);
    if button.order < 0 || button.order > i64::from(i32::MAX) {
        problems.push(
            format!("{field}.order"),
            "must be a number from 0 to 2147483647",
        );
    }
    let slash = &button.slash_command;
    if !slash.starts_with('/') || slash.len() < 2 || slash.chars().any(char::is_whitespace) {
        problems.push(
            format!("{field}.slash_command"),
            format!("`{slash}` must start with `/` followed by a word without spaces, e.g. `/cb`"),
        );
    }
    problems.text(&format!("{field}.slash_command"), slash, MAX_TEXT);
    check_app_tab(field, prefix, button, problems);
    check_locales(field, button, problems);
}

fn check_app_tab(field: &str, prefix: &str, button: &Button, problems: &mut Problems) {
    let unique = &button.app_tab.unique_name;
    let rest = unique
        .strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('_'));
    if !rest
        .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        problems.push(format!("{field}.app_tab.unique_name"), format!("`{unique}` must be `{prefix}_<name>` with letters, digits or `_` after the publisher prefix, e.g. `{prefix}_cobrowsetab`"));
    }
    // Its template parameters are named `<unique name>_webresourceName` (128 characters at most).
    problems.text(&format!("{field}.app_tab.unique_name"), unique, MAX_TEXT);
    problems.text(
        &format!("{field}.app_tab.title"),
        &button.app_tab.title,
        200,
    );
}

fn check_locales(field: &str, button: &Button, problems: &mut Problems) {
    if !button.locales.contains_key("1033") {
        problems.push(
            format!("{field}.locales"),
            "has no `1033` (en-US) entry; add [..locales.1033] with label and tooltip",
        );
    }
    for (key, text) in &button.locales {
        let here = format!("{field}.locales.{key}");
        if !key
            .parse()
            .is_ok_and(|lcid: u32| LOCALE_PICKLIST.contains(&lcid))
        {
            problems.push(&here, format!("`{key}` is not an LCID Omnichannel knows; use one of msdyn_locale_picklist's values, e.g. 1033, 1031, 1036, 3082, 1041"));
        }
        problems.text(&format!("{here}.label"), &text.label, MAX_TEXT);
        problems.text(&format!("{here}.tooltip"), &text.tooltip, MAX_TEXT);
        if let Some(title) = &text.tab_title {
            problems.text(&format!("{here}.tab_title"), title, 200);
        }
    }
}

fn check_unique(definition: &Definition, problems: &mut Problems) {
    let [(_, cobrowse), (_, screenshare)] = definition.buttons.all();
    let field = |what: &str| format!("buttons.{}.{what}", Mode::Screenshare.as_str());
    if cobrowse.slash_command == screenshare.slash_command {
        problems.push(
            field("slash_command"),
            "repeats the co-browse button's slash command; give each button its own",
        );
    }
    if cobrowse.name == screenshare.name {
        problems.push(
            field("name"),
            "repeats the co-browse button's name; give each button its own",
        );
    }
    if cobrowse.app_tab.unique_name == screenshare.app_tab.unique_name {
        problems.push(
            field("app_tab.unique_name"),
            "repeats the co-browse app tab's unique name; give each its own",
        );
    }
}

fn is_identifier(value: &str) -> bool {
    value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && value.len() <= MAX_TEXT
}
