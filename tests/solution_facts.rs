//! The built files, read back, against reference §8 facts 1, 2, 4, 5 and 6 and the customizations XSD.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

const MANAGED: &str = "DuetCobrowse_1_0_0_0_managed.zip";
const UNMANAGED: &str = "DuetCobrowse_1_0_0_0_unmanaged.zip";

/// Builds the default solution (with the unpacked layout) into a fresh temp dir.
fn build() -> tempfile::TempDir {
    let temp = tempfile::tempdir().expect("a temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_duet"))
        .current_dir(temp.path())
        .args([
            "solution",
            "build",
            "--out",
            "out",
            "--unpacked",
            "unpacked",
        ])
        .output()
        .expect("the duet binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    temp
}

fn zip_entries(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let bytes = std::fs::read(path).expect("the zip is readable");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a valid zip");
    let mut entries = BTreeMap::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).expect("an entry");
        assert_eq!(
            entry.compression(),
            zip::CompressionMethod::Deflated,
            "{}",
            entry.name()
        );
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("the entry unzips");
        entries.insert(entry.name().to_owned(), content);
    }
    entries
}

fn text(entries: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(
        entries
            .get(name)
            .unwrap_or_else(|| panic!("{name} is in the zip"))
            .clone(),
    )
    .expect("UTF-8")
}

fn records(dir: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join("out/records.json")).expect("records.json");
    assert!(text.ends_with("}\n"), "records.json ends with a newline");
    let json: Value = serde_json::from_str(&text).expect("records.json is JSON");
    json["records"].as_array().expect("a records array").clone()
}

fn bodies_of<'a>(records: &'a [Value], table: &str) -> Vec<&'a Value> {
    records
        .iter()
        .filter(|r| r["table"] == table)
        .map(|r| &r["body"])
        .collect()
}

fn bind_of(records: &[Value], key: &str) -> String {
    let record = records
        .iter()
        .find(|r| r["key"] == key)
        .expect("the record exists");
    format!(
        "/{}({})",
        record["entity_set"].as_str().unwrap_or_default(),
        record["id"].as_str().unwrap_or_default()
    )
}

/// Names of the child elements of the first `parent` element, in document order.
fn children(xml: &str, parent: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let (mut depth, mut inside) = (0usize, None);
    let mut names = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                depth += 1;
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if inside == Some(depth - 1) {
                    names.push(name.clone());
                }
                if inside.is_none() && name == parent {
                    inside = Some(depth);
                }
            }
            Event::Empty(e) if inside == Some(depth) => {
                names.push(String::from_utf8_lossy(e.name().as_ref()).into_owned())
            }
            Event::End(_) => {
                if inside == Some(depth) {
                    return names;
                }
                depth -= 1;
            }
            Event::Eof => return names,
            _ => {}
        }
    }
}

/// The text of every `<name>` element.
fn element_texts(xml: &str, name: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let (mut texts, mut capture) = (Vec::new(), false);
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => capture = e.name().as_ref() == name.as_bytes(),
            Event::Text(t) if capture => texts.push(t.decode().expect("text").into_owned()),
            Event::End(_) => capture = false,
            Event::Eof => return texts,
            _ => {}
        }
    }
}

#[test]
fn option_set_values_match_fact_1() {
    let temp = build();
    let records = records(temp.path());

    for action in bodies_of(&records, "msdyn_conversationaction") {
        assert_eq!(action["msdyn_eventname"], 100000000);
    }
    let modes: Vec<&Value> = bodies_of(&records, "msdyn_channelcapability")
        .iter()
        .map(|b| &b["msdyn_escalationchannelmode"])
        .collect();
    assert_eq!(modes, [&Value::from(192350002), &Value::from(100000000)]);
    let locales = bodies_of(&records, "msdyn_conversationactionlocale");
    assert!(
        locales
            .iter()
            .any(|l| l["msdyn_locale_picklist"] == 1033 && l["msdyn_name"] == "duet_cobrowse_1033")
    );
    for lcid in [1031, 1033, 1036, 1041, 3082] {
        assert_eq!(
            locales
                .iter()
                .filter(|l| l["msdyn_locale_picklist"] == lcid)
                .count(),
            2,
            "LCID {lcid}"
        );
    }
}

#[test]
fn records_come_parents_first_in_the_documented_order() {
    let temp = build();
    let tables: Vec<String> = records(temp.path())
        .iter()
        .map(|r| r["table"].as_str().unwrap_or_default().to_owned())
        .collect();
    let mut order = tables.clone();
    order.dedup();
    assert_eq!(
        order,
        [
            "msdyn_provider",
            "msdyn_conversationaction",
            "msdyn_conversationactionlocale",
            "msdyn_channelcapability"
        ]
    );
    assert_eq!(tables.len(), 1 + 2 + 10 + 2);
}

#[test]
fn lookup_bind_names_and_values_match_fact_2() {
    let temp = build();
    let records = records(temp.path());

    let provider = bind_of(&records, "provider");
    assert!(provider.starts_with("/msdyn_providers("));
    for locale in bodies_of(&records, "msdyn_conversationactionlocale") {
        let bind = locale["msdyn_conversationactionkey@odata.bind"]
            .as_str()
            .expect("locale bind");
        assert!(bind.starts_with("/msdyn_conversationactions("), "{bind}");
    }
    for (capability, mode) in bodies_of(&records, "msdyn_channelcapability")
        .iter()
        .zip(["cobrowse", "screenshare"])
    {
        assert_eq!(capability["msdyn_Provider@odata.bind"], provider.as_str());
        assert_eq!(
            capability["msdyn_ConversationAction@odata.bind"],
            bind_of(&records, &format!("action:{mode}")).as_str()
        );
    }
}

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
            "duet_/icons/cobrowse.svg",
            "duet_/icons/screenshare.svg"
        ]
    );
    assert_eq!(
        element_texts(&customizations, "WebResourceType"),
        ["1", "1", "11", "11"]
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

#[test]
fn data_zip_carries_the_same_records_as_cmt_data() {
    let temp = build();
    let entries = zip_entries(&temp.path().join("out/data.zip"));
    assert_eq!(
        entries.keys().collect::<Vec<_>>(),
        ["[Content_Types].xml", "data.xml", "data_schema.xml"]
    );
    let data = text(&entries, "data.xml");
    let records = records(temp.path());
    for record in &records {
        assert!(data.contains(&format!(
            "<record id=\"{}\">",
            record["id"].as_str().unwrap_or_default()
        )));
    }
    assert!(data.contains("name=\"msdyn_provider\" value="));
    assert!(data.contains("lookupentity=\"msdyn_conversationaction\""));
    let schema = text(&entries, "data_schema.xml");
    assert!(schema.contains("name=\"msdyn_escalationchannelmode\" type=\"optionsetvalue\""));
    assert!(schema.contains("name=\"msdyn_conversationactionkey\" type=\"entityreference\" lookupType=\"msdyn_conversationaction\""));
}

fn xsd() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/schemas/dataverse-libxml2/CustomizationsSolution.xsd")
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
