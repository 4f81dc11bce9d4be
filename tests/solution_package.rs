//! `duet package build`, read back as Package Deployer and AppSource would: `ImportConfig.xml`
//! names the managed solution and the data file, and both are in the package folder;
//! `input.xml` names the package, the anchor solution, the logo and the terms page, which
//! links the terms and the privacy policy; an ISV-built `package.zip` is checked before the
//! flat AppSource zip is made.

mod solution_support;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use solution_support::*;

fn package(dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duet"))
        .current_dir(dir)
        .args(["package", "build", "--out", "pkg"])
        .args(extra)
        .output()
        .expect("the duet binary runs")
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join("pkg").join(path)).unwrap_or_else(|_| panic!("{path}"))
}

/// The value of `attribute="…"` on the first element that has it.
fn attribute(xml: &str, attribute: &str) -> String {
    let marker = format!(" {attribute}=\"");
    let start = xml.find(&marker).unwrap_or_else(|| panic!("{attribute}")) + marker.len();
    xml[start..start + xml[start..].find('"').unwrap()].to_owned()
}

#[test]
fn import_config_names_the_solution_and_data_files_that_are_in_the_package_folder() {
    let temp = tempfile::tempdir().unwrap();
    let built = package(temp.path(), &[]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let config = read(temp.path(), "package/PkgFolder/ImportConfig.xml");
    let solution = attribute(&config, "solutionpackagefilename");
    assert_eq!(solution, MANAGED);
    assert_eq!(attribute(&config, "crmmigdataimportfile"), "data.zip");
    let folder = temp.path().join("pkg/package/PkgFolder");
    for file in [
        solution.as_str(),
        "data.zip",
        "Content/en-us/WelcomeHtml/Default.htm",
    ] {
        assert!(
            folder.join(file).is_file(),
            "{file} is in the package folder"
        );
    }
    let solution_zip = zip_entries(&folder.join(&solution));
    assert_eq!(
        element_texts(&text(&solution_zip, "solution.xml"), "Managed"),
        ["1"]
    );
    assert!(read(temp.path(), "package/[Content_Types].xml").contains("Extension=\"dll\""));
}

#[test]
fn input_xml_names_the_package_anchor_logo_and_terms_with_their_links() {
    let temp = tempfile::tempdir().unwrap();
    assert!(package(temp.path(), &[]).status.success());
    let input = read(temp.path(), "appsource/input.xml");
    assert_eq!(element_texts(&input, "PackageFile"), ["package.zip"]);
    assert_eq!(element_texts(&input, "SolutionAnchorName"), [MANAGED]);
    assert_eq!(element_texts(&input, "StartDate"), ["12/01/2026"]);
    let logo = std::fs::read(
        temp.path()
            .join("pkg/appsource")
            .join(&element_texts(&input, "Logo")[0]),
    )
    .unwrap();
    assert!(
        logo.starts_with(b"\x89PNG") && logo[16..24] == [0, 0, 0, 32, 0, 0, 0, 32],
        "a 32x32 PNG"
    );
    let terms = read(
        temp.path(),
        &format!("appsource/{}", attribute(&input, "File")),
    );
    assert!(
        terms.contains("https://duet.example.com/terms")
            && terms.contains("https://duet.example.com/privacy")
    );
}

#[test]
fn an_isv_built_package_zip_is_checked_then_bundled_flat_for_appsource() {
    let temp = tempfile::tempdir().unwrap();
    assert!(package(temp.path(), &[]).status.success());
    let folder = temp.path().join("pkg/package/PkgFolder");
    let mut good = BTreeMap::new();
    good.insert("DuetPackage.dll".to_owned(), b"MZ".to_vec());
    for file in ["ImportConfig.xml", MANAGED, "data.zip"] {
        good.insert(
            format!("PkgFolder/{file}"),
            std::fs::read(folder.join(file)).unwrap(),
        );
    }
    let mut bad = good.clone();
    bad.remove("DuetPackage.dll");
    bad.remove("PkgFolder/data.zip");
    write_zip(&temp.path().join("bad.zip"), &bad);
    let refused = package(temp.path(), &["--package-zip", "bad.zip"]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("no package DLL") && said.contains("names data.zip"),
        "{said}"
    );

    write_zip(&temp.path().join("good.zip"), &good);
    let bundled = package(temp.path(), &["--package-zip", "good.zip"]);
    assert!(
        bundled.status.success(),
        "{}",
        String::from_utf8_lossy(&bundled.stderr)
    );
    let flat = zip_entries(&temp.path().join("pkg/duet_DuetCobrowse_AppSource.zip"));
    let names: Vec<&str> = flat.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "TermsOfUse.html",
            "[Content_Types].xml",
            "input.xml",
            "logo32x32.png",
            "package.zip"
        ],
        "everything at the root, nothing nested"
    );
}

fn write_zip(path: &Path, files: &BTreeMap<String, Vec<u8>>) {
    let mut writer = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        writer.start_file(name.as_str(), options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap();
}
