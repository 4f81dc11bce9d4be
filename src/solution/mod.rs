//! The Dataverse solution: its definition, and the pure, synchronous build of zips, records and
//! data from it. No tokio, no HTTP.
//!
//! Start at [`artifacts`]: [`definition`] loads and [`validate`]s `solution/duet.toml`,
//! [`components`] derives the web resources and app tab templates, [`package`] lays out the
//! solution zip (with [`content_types`], [`manifest_xml`], [`customizations_xml`], [`apptab_xml`]),
//! [`records_build`] makes `records.json`, [`cmt`] makes `data.zip`, [`unpacked`] the
//! `pac solution unpack` layout, and [`zipper`] zips deterministically.

pub mod appsource;
pub mod apptab_xml;
pub mod cmt;
pub mod cmt_schema;
pub mod command;
pub mod components;
pub mod content_types;
pub mod customizations_xml;
pub mod definition;
pub mod environment;
pub mod ids;
pub mod manifest_xml;
pub mod package;
pub mod records;
pub mod records_build;
pub mod roles;
pub mod unpacked;
pub mod validate;
pub mod webresource;
pub mod xml;
pub mod zipper;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;

use definition::Definition;
use records::RecordSet;

/// Everything built from one solution definition, in memory.
#[derive(Debug, Clone)]
pub struct Artifacts {
    /// The solution's unique name, e.g. `DuetCobrowse`.
    pub unique_name: String,
    /// The solution's version, e.g. `1.0.0.0`.
    pub version: String,
    /// The publisher's customization prefix, e.g. `duet` (names `duet_Origin`).
    pub publisher_prefix: String,
    /// `<UniqueName>_<version>_managed.zip`, bytes.
    pub managed_zip: Vec<u8>,
    /// `<UniqueName>_<version>_unmanaged.zip`, bytes.
    pub unmanaged_zip: Vec<u8>,
    /// The records `duet provision` upserts (`records.json`).
    pub records: RecordSet,
    /// The configuration page's web resource name, e.g. `duet_/config.html`.
    pub configuration_page_name: String,
    /// The configuration page's web resource id.
    pub configuration_page_id: uuid::Uuid,
    /// Names of the web resources the solution installs, e.g. `duet_/cobrowse.html`.
    pub web_resource_names: Vec<String>,
    /// Unique names of the app tab templates the solution installs.
    pub app_tab_template_names: Vec<String>,
    /// File name of the managed zip, e.g. `DuetCobrowse_1_0_0_0_managed.zip`.
    pub managed_zip_name: String,
    /// File name of the unmanaged zip, e.g. `DuetCobrowse_1_0_0_0_unmanaged.zip`.
    pub unmanaged_zip_name: String,
    /// `records.json`, bytes (pretty JSON with a trailing newline).
    pub records_json: Vec<u8>,
    /// `data.zip` (Configuration Migration data of the same records), bytes.
    pub data_zip: Vec<u8>,
    /// The `pac solution unpack` layout, by relative path.
    pub unpacked: BTreeMap<String, Vec<u8>>,
}

/// The id of the configuration page's web resource (the id `components` gives it).
fn configuration_page_id(definition: &Definition) -> uuid::Uuid {
    let prefix = &definition.publisher.prefix;
    let name = components::config_page_name(prefix);
    ids::id(prefix, &["webresource:", &name].concat())
}

/// Loads the definition (the embedded default when `definition` is `None`) and builds every artifact.
pub fn artifacts(definition: Option<&Path>) -> anyhow::Result<Artifacts> {
    let definition = definition::load(definition)?;
    build(&definition)
}

/// Builds every artifact of an already validated `definition`.
pub fn build(definition: &Definition) -> anyhow::Result<Artifacts> {
    let resources = components::web_resources(definition);
    let templates = components::app_tab_templates(definition);
    let zip_of = |managed| {
        let files = package::solution_files(definition, &resources, &templates, managed)?;
        zipper::zip(&files)
    };
    let records = records_build::record_set(definition);
    let stem = zip_stem(definition);
    Ok(Artifacts {
        unique_name: definition.solution.unique_name.clone(),
        version: definition.solution.version.clone(),
        publisher_prefix: definition.publisher.prefix.clone(),
        managed_zip: zip_of(true).context("building the managed solution zip")?,
        unmanaged_zip: zip_of(false).context("building the unmanaged solution zip")?,
        configuration_page_name: components::config_page_name(&definition.publisher.prefix),
        configuration_page_id: configuration_page_id(definition),
        web_resource_names: resources.iter().map(|r| r.name.clone()).collect(),
        app_tab_template_names: templates.iter().map(|t| t.unique_name.clone()).collect(),
        managed_zip_name: [stem.as_str(), "_managed.zip"].concat(),
        unmanaged_zip_name: [stem.as_str(), "_unmanaged.zip"].concat(),
        records_json: records_build::records_json(&records).context("writing records.json")?,
        data_zip: cmt::data_zip(&records).context("building data.zip")?,
        unpacked: unpacked::unpacked_files(definition, &resources, &templates)?,
        records,
    })
}

/// `<UniqueName>_<version with dots as underscores>`.
fn zip_stem(definition: &Definition) -> String {
    let version = definition.solution.version.replace('.', "_");
    [definition.solution.unique_name.as_str(), "_", &version].concat()
}
