//! `data.zip`: Duet's records as Configuration Migration data (`data.xml`, `data_schema.xml`, reference §2.7).

use std::collections::BTreeMap;

use anyhow::Context;
use serde_json::Value;

use super::cmt_schema::{self, Field, FieldKind, TABLES, Table};
use super::content_types::content_types;
use super::records::{Record, RecordSet};
use super::xml::{self, XmlWriter};
use super::zipper;

/// A fixed export time, so the same records give the same bytes.
const TIMESTAMP: &str = "1/1/1980 12:00:00 AM";

/// The files of `data.zip`, by entry name.
pub fn data_files(records: &RecordSet) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    files.insert(
        "data.xml".to_owned(),
        data_xml(records).context("writing data.xml")?,
    );
    files.insert(
        "data_schema.xml".to_owned(),
        cmt_schema::data_schema_xml().context("writing data_schema.xml")?,
    );
    let parts: Vec<String> = files.keys().cloned().collect();
    let types =
        content_types(parts.iter().map(String::as_str)).context("writing [Content_Types].xml")?;
    files.insert("[Content_Types].xml".to_owned(), types);
    Ok(files)
}

/// `data.zip`, bytes.
pub fn data_zip(records: &RecordSet) -> anyhow::Result<Vec<u8>> {
    zipper::zip(&data_files(records)?)
}

/// `data.xml`: every record, grouped by table in [`TABLES`] order.
pub fn data_xml(records: &RecordSet) -> std::io::Result<Vec<u8>> {
    let mut w = xml::writer();
    w.create_element("entities")
        .with_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"))
        .with_attribute(("xmlns:xsd", "http://www.w3.org/2001/XMLSchema"))
        .with_attribute(("timestamp", TIMESTAMP))
        .write_inner_content(|w| {
            TABLES
                .iter()
                .try_for_each(|table| entity(w, table, records))
        })?;
    Ok(xml::finish(w))
}

fn entity(w: &mut XmlWriter, table: &Table, records: &RecordSet) -> std::io::Result<()> {
    w.create_element("entity")
        .with_attribute(("name", table.name))
        .with_attribute(("displayname", table.display))
        .write_inner_content(|w| {
            w.create_element("records").write_inner_content(|w| {
                let rows = records.records.iter().filter(|r| r.table == table.name);
                rows.into_iter()
                    .try_for_each(|record| row(w, table, record, records))
            })?;
            w.create_element("m2mrelationships").write_empty()?;
            Ok(())
        })?;
    Ok(())
}

fn row(w: &mut XmlWriter, table: &Table, record: &Record, all: &RecordSet) -> std::io::Result<()> {
    w.create_element("record")
        .with_attribute(("id", record.id.to_string().as_str()))
        .write_inner_content(|w| {
            table
                .fields
                .iter()
                .try_for_each(|f| field(w, f, record, all))
        })?;
    Ok(())
}

fn field(
    w: &mut XmlWriter,
    field: &Field,
    record: &Record,
    all: &RecordSet,
) -> std::io::Result<()> {
    let element = w
        .create_element("field")
        .with_attribute(("name", field.name));
    match field.kind {
        FieldKind::PrimaryKey => element
            .with_attribute(("value", record.id.to_string().as_str()))
            .write_empty()?,
        FieldKind::Lookup { bind, target } => {
            let Some(target_record) = bound(record, bind, all) else {
                return Ok(());
            };
            element
                .with_attribute(("value", target_record.id.to_string().as_str()))
                .with_attribute(("lookupentity", target))
                .with_attribute(("lookupentityname", name_of(target_record).as_str()))
                .write_empty()?
        }
        _ => match record.body.get(field.name) {
            Some(value) => element
                .with_attribute(("value", plain(value).as_str()))
                .write_empty()?,
            None => return Ok(()),
        },
    };
    Ok(())
}

/// The record a `/<set>(<id>)` bind value in `record.body[bind]` points at.
fn bound<'a>(record: &Record, bind: &str, all: &'a RecordSet) -> Option<&'a Record> {
    let path = record.body.get(bind)?.as_str()?;
    all.records
        .iter()
        .find(|r| ["/", &r.path()].concat() == path)
}

fn name_of(record: &Record) -> String {
    record.body.get("msdyn_name").map(plain).unwrap_or_default()
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
