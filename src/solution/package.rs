//! The solution zip's files: `[Content_Types].xml`, `solution.xml`, `customizations.xml` (with the
//! security roles), web resources, the origin environment variable and app tab records.

use std::collections::BTreeMap;

use anyhow::Context;

use super::apptab_xml::app_tab_files;
use super::components::{AppTabTemplate, WebResource};
use super::content_types::content_types;
use super::customizations_xml::{Contents, customizations_xml};
use super::definition::Definition;
use super::environment::{definition_part, definition_xml};
use super::manifest_xml::solution_xml;

/// Every part of the managed (`managed = true`) or unmanaged solution zip, by entry name.
pub fn solution_files(
    definition: &Definition,
    resources: &[WebResource],
    templates: &[AppTabTemplate],
    managed: bool,
) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    files.insert(
        "solution.xml".to_owned(),
        solution_xml(definition, resources, managed).context("writing solution.xml")?,
    );
    let contents = Contents::of(definition, managed);
    let customizations =
        customizations_xml(resources, &contents).context("writing customizations.xml")?;
    files.insert("customizations.xml".to_owned(), customizations);
    files.insert(
        definition_part(&definition.origin_variable()),
        definition_xml(definition, managed).context("writing the environment variable")?,
    );
    for resource in resources {
        files.insert(resource.zip_part(), resource.content.clone());
    }
    for template in templates {
        let records = app_tab_files(template, managed)
            .with_context(|| format!("writing app tab template {}", template.unique_name))?;
        files.extend(records);
    }
    let parts: Vec<String> = files.keys().cloned().collect();
    let types =
        content_types(parts.iter().map(String::as_str)).context("writing [Content_Types].xml")?;
    files.insert("[Content_Types].xml".to_owned(), types);
    Ok(files)
}
