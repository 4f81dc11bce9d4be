//! The solution zips read back against reference §8 facts 4, 5 and 6 and the Dataverse customizations XSD.

mod solution_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use solution_support::*;

#[test]
fn both_app_tab_templates_match_fact_4() {
    let temp = build();
    let entries = zip_entries(&temp.path().join("out").join(MANAGED));
    let actions = records(temp.path());
    let actions = bodies_of(&actions, "msdyn_conversationaction");

    for (action, mode) in actions.iter().zip(["cobrowse", "screenshare"]) {
        let unique = format!("duet_{mode}tab");
        assert_eq!(action["msdyn_eventparameter"], unique.as_str());
        let page = format!("duet_/{mode}.html");
        let template = text(
            &entries,
            &format!("msdyn_applicationtabtemplates/{unique}/msdyn_applicationtabtemplate.xml"),
        );
        assert!(template.starts_with(&format!(
            "<msdyn_applicationtabtemplate msdyn_uniquename=\"{unique}\">"
        )));
        assert_eq!(element_texts(&template, "msdyn_pagetype"), ["509180002"]);
        let json =
            format!("{{\"webresourceName\":{{\"value\":\"{page}\"}},\"data\":{{\"value\":null}}}}");
        assert_eq!(element_texts(&template, "msdyn_templateparameters"), [json]);
        assert!(template.contains(&format!("<msdyn_name default=\"{unique}\">")));
        let param = text(
            &entries,
            &format!(
                "msdyn_templateparameters/{unique}_webresourceName/msdyn_templateparameter.xml"
            ),
        );
        assert_eq!(element_texts(&param, "msdyn_value"), [page.as_str()]);
        assert_eq!(element_texts(&param, "msdyn_uniquename"), [unique.as_str()]);
        let data = text(
            &entries,
            &format!("msdyn_templateparameters/{unique}_data/msdyn_templateparameter.xml"),
        );
        assert!(element_texts(&data, "msdyn_value").is_empty());
        assert!(entries.contains_key(&format!(
            "WebResources/{}",
            web_resource_part(&entries, &page)
        )));
    }
}

/// The zip part (after `/WebResources/`) customizations.xml gives the web resource called `name`.
fn web_resource_part(entries: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    let customizations = text(entries, "customizations.xml");
    let names = element_texts(&customizations, "Name");
    let files = element_texts(&customizations, "FileName");
    let index = names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("{name} is a web resource"));
    files[index].trim_start_matches("/WebResources/").to_owned()
}

#[test]
fn both_zips_have_the_parts_and_content_types_of_fact_5() {
    let temp = build();
    for zip in [MANAGED, UNMANAGED] {
        let entries = zip_entries(&temp.path().join("out").join(zip));
        for part in ["[Content_Types].xml", "solution.xml", "customizations.xml"] {
            assert!(entries.contains_key(part), "{zip} lacks {part}");
        }
        assert!(entries.keys().all(|k| !k.contains('\\')));
        let types = &entries["[Content_Types].xml"];
        assert!(
            types.starts_with(b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>"),
            "{zip}: BOM and declaration"
        );
        let types = String::from_utf8_lossy(&types[3..]).into_owned();
        assert!(
            types.contains("<Default Extension=\"xml\" ContentType=\"application/octet-stream\"/>")
        );
        for part in entries.keys().filter(|k| !k.ends_with(".xml")) {
            assert!(
                types.contains(&format!("<Override PartName=\"/{part}\"")),
                "{zip}: {part} has no Override"
            );
        }
        let managed = if zip == MANAGED { "1" } else { "0" };
        assert_eq!(
            element_texts(&text(&entries, "solution.xml"), "Managed"),
            [managed]
        );
    }
}

#[test]
fn customizations_children_follow_the_xsd_sequence() {
    let temp = build();
    let entries = zip_entries(&temp.path().join("out").join(MANAGED));
    let order = children(&text(&entries, "customizations.xml"), "ImportExportXml");
    let web = order
        .iter()
        .position(|c| c == "WebResources")
        .expect("WebResources");
    let controls = order
        .iter()
        .position(|c| c == "CustomControls")
        .expect("CustomControls");
    let providers = order
        .iter()
        .position(|c| c == "EntityDataProviders")
        .expect("EntityDataProviders");
    let languages = order
        .iter()
        .position(|c| c == "Languages")
        .expect("Languages");
    let optionsets = order
        .iter()
        .position(|c| c == "optionsets")
        .expect("optionsets");
    assert!(
        optionsets < web && web < controls && controls < providers && providers < languages,
        "{order:?}"
    );
    let languages = element_texts(&text(&entries, "customizations.xml"), "Language");
    assert_eq!(languages, ["1031", "1033", "1036", "1041", "3082"]);
}

#[test]
fn web_resources_match_fact_6() {
    let temp = build();
    let entries = zip_entries(&temp.path().join("out").join(MANAGED));
    let customizations = text(&entries, "customizations.xml");
    let expected = [
        "WebResourceId",
        "Name",
        "DisplayName",
        "LanguageCode",
        "WebResourceType",
        "IntroducedVersion",
        "IsEnabledForMobileClient",
        "IsAvailableForMobileOffline",
        "IsCustomizable",
        "CanBeDeleted",
        "IsHidden",
        "FileName",
    ];
    assert_eq!(children(&customizations, "WebResource"), expected);
    let names = element_texts(&customizations, "Name");
    assert_eq!(
        names,
        [
            "duet_/cobrowse.html",
            "duet_/screenshare.html",
            "duet_/config.html",
            "duet_/icons/cobrowse.svg",
            "duet_/icons/screenshare.svg"
        ]
    );
    assert_eq!(
        element_texts(&customizations, "WebResourceType"),
        ["1", "1", "1", "11", "11"]
    );
    for file in element_texts(&customizations, "FileName") {
        let part = file.strip_prefix('/').expect("FileName starts with /");
        assert!(entries.contains_key(part), "FileName {file} is no zip part");
    }
    let solution = text(&entries, "solution.xml");
    for name in &names {
        assert!(
            solution.contains(&format!(
                "<RootComponent type=\"61\" schemaName=\"{name}\" behavior=\"0\"/>"
            )),
            "{name}"
        );
    }
    let records = records(temp.path());
    let icon = &bodies_of(&records, "msdyn_conversationaction")[0]["msdyn_icon"];
    assert_eq!(icon, "/WebResources/duet_/icons/cobrowse.svg");
}

/// Microsoft's customization schema, patched for libxml2, kept in the repository
/// (`tests/schemas/dataverse-libxml2/README.md` says what differs and where it comes from).
fn xsd() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schemas/dataverse-libxml2/CustomizationsSolution.xsd")
}

fn xmllint(file: &Path) {
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd())
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "xmllint could not run ({e}): install libxml2-utils (apt-get install libxml2-utils)"
            )
        });
    assert!(
        output.status.success(),
        "{} does not validate: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn customizations_xml_validates_against_the_dataverse_xsd() {
    let temp = build();
    for zip in [MANAGED, UNMANAGED] {
        let entries = zip_entries(&temp.path().join("out").join(zip));
        let file = temp.path().join(format!("{zip}.customizations.xml"));
        std::fs::write(&file, &entries["customizations.xml"]).expect("written");
        xmllint(&file);
    }
    xmllint(&temp.path().join("unpacked/Other/Customizations.xml"));
}
