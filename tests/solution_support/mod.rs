//! Helpers shared by the solution tests: build with the real binary, read zips, records.json and XML back.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::Path;
use std::process::Command;

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

/// The managed zip's file name for the default definition.
pub const MANAGED: &str = "DuetCobrowse_1_0_0_0_managed.zip";
/// The unmanaged zip's file name for the default definition.
pub const UNMANAGED: &str = "DuetCobrowse_1_0_0_0_unmanaged.zip";

/// Builds the default solution (with the unpacked layout) into a fresh temp dir.
pub fn build() -> tempfile::TempDir {
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

pub fn zip_entries(path: &Path) -> BTreeMap<String, Vec<u8>> {
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

pub fn text(entries: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(
        entries
            .get(name)
            .unwrap_or_else(|| panic!("{name} is in the zip"))
            .clone(),
    )
    .expect("UTF-8")
}

pub fn records(dir: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join("out/records.json")).expect("records.json");
    assert!(text.ends_with("}\n"), "records.json ends with a newline");
    let json: Value = serde_json::from_str(&text).expect("records.json is JSON");
    json["records"].as_array().expect("a records array").clone()
}

pub fn bodies_of<'a>(records: &'a [Value], table: &str) -> Vec<&'a Value> {
    records
        .iter()
        .filter(|r| r["table"] == table)
        .map(|r| &r["body"])
        .collect()
}

pub fn bind_of(records: &[Value], key: &str) -> String {
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
pub fn children(xml: &str, parent: &str) -> Vec<String> {
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
pub fn element_texts(xml: &str, name: &str) -> Vec<String> {
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
