//! `duet solution build` run as the real binary: what it writes, and that it writes the same bytes every time.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MANAGED: &str = "DuetCobrowse_1_0_0_0_managed.zip";
const UNMANAGED: &str = "DuetCobrowse_1_0_0_0_unmanaged.zip";

fn build(out: &Path, extra: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_duet"))
        .current_dir(out.parent().expect("the output dir has a parent"))
        .args(["solution", "build", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .expect("the duet binary runs");
    assert!(
        output.status.success(),
        "duet solution build failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("the dir is readable") {
        let path = entry.expect("a dir entry").path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn building_twice_writes_byte_identical_files() {
    let temp = tempfile::tempdir().expect("a temp dir");
    let (first, second) = (temp.path().join("first"), temp.path().join("second"));

    build(
        &first,
        &["--unpacked", &temp.path().join("u1").to_string_lossy()],
    );
    build(
        &second,
        &["--unpacked", &temp.path().join("u2").to_string_lossy()],
    );

    for (one, two) in [
        (first, second),
        (temp.path().join("u1"), temp.path().join("u2")),
    ] {
        let (a, b) = (files_under(&one), files_under(&two));
        assert_eq!(a.len(), b.len());
        for (a, b) in a.iter().zip(&b) {
            assert_eq!(a.strip_prefix(&one).ok(), b.strip_prefix(&two).ok());
            assert_eq!(
                std::fs::read(a).ok(),
                std::fs::read(b).ok(),
                "{} differs",
                a.display()
            );
        }
    }
}

#[test]
fn a_default_build_writes_both_zips_records_and_data() {
    let temp = tempfile::tempdir().expect("a temp dir");
    let out = temp.path().join("out");

    let output = build(&out, &[]);

    for name in [MANAGED, UNMANAGED, "records.json", "data.zip"] {
        assert!(out.join(name).is_file(), "{name} is missing");
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(&format!("  {MANAGED}")), "{stdout}");
    assert!(stdout.contains("    "), "zip entries are listed: {stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.trim_start().ends_with("  customizations.xml"))
    );
}

#[test]
fn the_manifest_lists_each_file_with_its_sha256() {
    let temp = tempfile::tempdir().expect("a temp dir");
    let out = temp.path().join("out");

    let output = build(&out, &[]);

    let stdout = String::from_utf8_lossy(&output.stdout);
    let records = std::fs::read(out.join("records.json")).expect("records.json");
    let digest = sha256(&records);
    assert!(
        stdout.contains(&format!("{digest}  records.json")),
        "{stdout}"
    );
}

#[test]
fn the_managed_flag_writes_only_the_managed_zip() {
    let temp = tempfile::tempdir().expect("a temp dir");
    let out = temp.path().join("out");

    build(&out, &["--managed"]);

    assert!(out.join(MANAGED).is_file());
    assert!(!out.join(UNMANAGED).exists());
}

#[test]
fn the_unpacked_layout_has_other_web_resources_with_sidecars_and_app_tabs() {
    let temp = tempfile::tempdir().expect("a temp dir");
    let unpacked = temp.path().join("src");

    build(
        &temp.path().join("out"),
        &["--unpacked", &unpacked.to_string_lossy()],
    );

    for path in [
        "Other/Solution.xml",
        "Other/Customizations.xml",
        "WebResources/duet_/cobrowse.html",
        "WebResources/duet_/cobrowse.html.data.xml",
        "WebResources/duet_/icons/screenshare.svg.data.xml",
        "msdyn_applicationtabtemplates/duet_cobrowsetab/msdyn_applicationtabtemplate.xml",
        "msdyn_templateparameters/duet_screensharetab_webresourceName/msdyn_templateparameter.xml",
        "WebResources/duet_/config.html",
        "environmentvariabledefinitions/duet_Origin/environmentvariabledefinition.xml",
    ] {
        assert!(unpacked.join(path).is_file(), "{path} is missing");
    }
    let page =
        std::fs::read_to_string(unpacked.join("WebResources/duet_/cobrowse.html")).expect("page");
    assert!(page.contains("var VARIABLE = \"duet_Origin\";"));
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
