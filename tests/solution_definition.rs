//! Bad solution definitions: `duet solution build` exits non-zero and names the field to fix.

use std::path::Path;
use std::process::Command;

/// Writes the default definition with `from` replaced by `to` (and its icons) into `dir`, returns its path.
fn definition_with(dir: &Path, edits: &[(&str, &str)]) -> std::path::PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("solution");
    let mut text = std::fs::read_to_string(root.join("duet.toml")).expect("the default definition");
    for (from, to) in edits {
        assert!(
            text.contains(from),
            "the default definition has no `{from}`"
        );
        text = text.replacen(from, to, 1);
    }
    std::fs::create_dir_all(dir.join("icons")).expect("icons dir");
    for icon in ["cobrowse.svg", "screenshare.svg"] {
        std::fs::copy(root.join("icons").join(icon), dir.join("icons").join(icon))
            .expect("icon copied");
    }
    let path = dir.join("definition.toml");
    std::fs::write(&path, text).expect("definition written");
    path
}

/// Runs the build with `edits` applied and returns (success, stderr).
fn build_with(edits: &[(&str, &str)]) -> (bool, String) {
    let temp = tempfile::tempdir().expect("a temp dir");
    let definition = definition_with(temp.path(), edits);
    let output = Command::new(env!("CARGO_BIN_EXE_duet"))
        .current_dir(temp.path())
        .args(["solution", "build", "--out"])
        .arg(temp.path().join("out"))
        .arg("--definition")
        .arg(definition)
        .output()
        .expect("the duet binary runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_rejected(edits: &[(&str, &str)], fields: &[&str]) {
    let (success, stderr) = build_with(edits);
    assert!(!success, "the build accepted a bad definition");
    for field in fields {
        assert!(
            stderr.contains(field),
            "stderr does not name `{field}`: {stderr}"
        );
    }
}

#[test]
fn an_unchanged_copy_of_the_default_definition_builds() {
    let (success, stderr) = build_with(&[]);
    assert!(success, "{stderr}");
}

#[test]
fn a_prefix_with_a_dash_is_rejected_naming_publisher_prefix() {
    assert_rejected(
        &[("prefix = \"duet\"", "prefix = \"d-u\"")],
        &["publisher.prefix", "3–8"],
    );
}

#[test]
fn a_prefix_starting_with_a_digit_is_rejected() {
    assert_rejected(
        &[("prefix = \"duet\"", "prefix = \"1duet\"")],
        &["publisher.prefix"],
    );
}

#[test]
fn an_app_tab_name_without_the_prefix_is_rejected() {
    let edit = (
        "unique_name = \"duet_cobrowsetab\"",
        "unique_name = \"cobrowsetab\"",
    );
    assert_rejected(&[edit], &["buttons.cobrowse.app_tab.unique_name", "duet_"]);
}

#[test]
fn a_duplicate_slash_command_is_rejected_naming_the_second_button() {
    let edit = ("slash_command = \"/ss\"", "slash_command = \"/cb\"");
    assert_rejected(&[edit], &["buttons.screenshare.slash_command"]);
}

#[test]
fn a_slash_command_without_a_slash_is_rejected() {
    assert_rejected(
        &[("slash_command = \"/cb\"", "slash_command = \"cb\"")],
        &["buttons.cobrowse.slash_command"],
    );
}

#[test]
fn a_label_over_100_characters_is_rejected_naming_the_locale() {
    let long = format!("label = \"{}\"", "x".repeat(101));
    assert_rejected(
        &[("label = \"Co-browse\"", &long)],
        &["buttons.cobrowse.locales.1033.label", "100"],
    );
}

#[test]
fn an_lcid_outside_the_locale_picklist_is_rejected() {
    let edit = (
        "[buttons.cobrowse.locales.1041]",
        "[buttons.cobrowse.locales.1034]",
    );
    assert_rejected(
        &[edit],
        &["buttons.cobrowse.locales.1034", "msdyn_locale_picklist"],
    );
}

#[test]
fn a_version_with_letters_is_rejected_naming_solution_version() {
    assert_rejected(
        &[("version = \"1.0.0.0\"", "version = \"1.0.x\"")],
        &["solution.version"],
    );
}

#[test]
fn a_version_with_five_parts_is_rejected() {
    assert_rejected(
        &[("version = \"1.0.0.0\"", "version = \"1.0.0.0.1\"")],
        &["solution.version"],
    );
}

#[test]
fn a_button_without_english_texts_is_rejected_naming_its_locales() {
    let edit = (
        "[buttons.screenshare.locales.1033]",
        "[buttons.screenshare.locales.1040]",
    );
    assert_rejected(&[edit], &["buttons.screenshare.locales", "1033"]);
}

#[test]
fn a_baked_in_duet_origin_is_refused_naming_the_environment_variable_instead() {
    let edit = (
        "provider_name = \"Duet\"",
        "provider_name = \"Duet\"\nduet_origin = \"https://duet.contoso.com\"",
    );
    assert_rejected(
        &[edit],
        &["solution.duet_origin", "_Origin", "duet provision --origin"],
    );
}

#[test]
fn an_option_value_prefix_below_10000_is_rejected() {
    let edit = ("option_value_prefix = 38416", "option_value_prefix = 999");
    assert_rejected(&[edit], &["publisher.option_value_prefix", "10000"]);
}

#[test]
fn a_misspelt_field_is_rejected_naming_it() {
    assert_rejected(
        &[("slash_command = \"/cb\"", "slash_comand = \"/cb\"")],
        &["slash_comand"],
    );
}

#[test]
fn a_missing_icon_file_is_rejected_naming_the_icon_field() {
    let edit = (
        "icon = \"icons/cobrowse.svg\"",
        "icon = \"icons/missing.svg\"",
    );
    assert_rejected(&[edit], &["buttons.cobrowse.icon"]);
}

#[test]
fn every_problem_is_reported_at_once() {
    let edits = [
        ("version = \"1.0.0.0\"", "version = \"one\""),
        ("slash_command = \"/ss\"", "slash_command = \"/cb\""),
    ];
    assert_rejected(
        &edits,
        &["solution.version", "buttons.screenshare.slash_command"],
    );
}

#[test]
fn an_appsource_date_or_a_plain_http_privacy_link_is_rejected_naming_the_field() {
    let date = ("start_date = \"12/01/2026\"", "start_date = \"2026-12-01\"");
    let privacy = (
        "privacy_url = \"https://duet.example.com/privacy\"",
        "privacy_url = \"http://duet.example.com/privacy\"",
    );
    assert_rejected(
        &[date, privacy],
        &[
            "appsource.start_date",
            "MM/DD/YYYY",
            "appsource.privacy_url",
        ],
    );
}
