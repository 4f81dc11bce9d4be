//! The `pac solution unpack` source layout: `Other/`, `WebResources/<name>` with `.data.xml` sidecars, and the app tab folders.

use std::collections::BTreeMap;
use std::io;

use anyhow::Context;

use super::apptab_xml::app_tab_files;
use super::components::{AppTabTemplate, WebResource};
use super::customizations_xml::{Contents, unpacked_customizations_xml, web_resource_fields};
use super::definition::Definition;
use super::environment::{definition_part, definition_xml};
use super::manifest_xml::solution_xml;
use super::xml;

/// Every file of the unpacked (unmanaged) solution, by path relative to the unpack folder.
pub fn unpacked_files(
    definition: &Definition,
    resources: &[WebResource],
    templates: &[AppTabTemplate],
) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    files.insert(
        "Other/Solution.xml".to_owned(),
        solution_xml(definition, resources, false)?,
    );
    files.insert(
        "Other/Customizations.xml".to_owned(),
        unpacked_customizations_xml(&Contents::of(definition, false))?,
    );
    files.insert(
        definition_part(&definition.origin_variable()),
        definition_xml(definition, false)?,
    );
    for resource in resources {
        let path = ["WebResources/", &resource.name].concat();
        files.insert(
            [&path, ".data.xml"].concat(),
            sidecar(resource).context("writing a web resource sidecar")?,
        );
        files.insert(path, resource.content.clone());
    }
    for template in templates {
        files.extend(app_tab_files(template, false)?);
    }
    Ok(files)
}

/// The `WebResources/<name>.data.xml` sidecar of `resource`.
fn sidecar(resource: &WebResource) -> io::Result<Vec<u8>> {
    let mut w = xml::writer();
    xml::declaration(&mut w)?;
    let file_name = ["/WebResources/", &resource.name].concat();
    w.create_element("WebResource")
        .with_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"))
        .write_inner_content(|w| web_resource_fields(w, resource, &file_name, false))?;
    Ok(xml::finish(w))
}
