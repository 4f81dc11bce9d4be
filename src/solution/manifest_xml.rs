//! `solution.xml`: the `ImportExportXml/SolutionManifest` of reference §2.3.

use std::io;

use super::components::WebResource;
use super::definition::Definition;
use super::environment::ROOT_COMPONENT_ENVIRONMENT_VARIABLE;
use super::roles::{ROOT_COMPONENT_ROLE, security_roles};
use super::xml::{self, XmlWriter};

/// Component type of a web resource in `RootComponents`.
pub const ROOT_COMPONENT_WEB_RESOURCE: u32 = 61;

/// The nil elements of each publisher `Address`, in export order.
const ADDRESS_FIELDS: [&str; 24] = [
    "AddressTypeCode",
    "City",
    "County",
    "Country",
    "Fax",
    "FreightTermsCode",
    "ImportSequenceNumber",
    "Latitude",
    "Line1",
    "Line2",
    "Line3",
    "Longitude",
    "Name",
    "PostalCode",
    "PostOfficeBox",
    "PrimaryContactName",
    "ShippingMethodCode",
    "StateOrProvince",
    "Telephone1",
    "Telephone2",
    "Telephone3",
    "TimeZoneRuleVersionNumber",
    "UPSZone",
    "UTCOffset",
];

/// The `solution.xml` of the managed (`managed = true`) or unmanaged solution.
pub fn solution_xml(
    definition: &Definition,
    resources: &[WebResource],
    managed: bool,
) -> io::Result<Vec<u8>> {
    let mut w = xml::writer();
    w.create_element("ImportExportXml")
        .with_attribute(("version", "9.2.0.0"))
        .with_attribute(("SolutionPackageVersion", "9.2"))
        .with_attribute(("languagecode", "1033"))
        .with_attribute(("generatedBy", "CrmLive"))
        .with_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"))
        .write_inner_content(|w| {
            w.create_element("SolutionManifest")
                .write_inner_content(|w| manifest(w, definition, resources, managed))?;
            Ok(())
        })?;
    Ok(xml::finish(w))
}

fn manifest(
    w: &mut XmlWriter,
    definition: &Definition,
    resources: &[WebResource],
    managed: bool,
) -> io::Result<()> {
    let solution = &definition.solution;
    xml::text(w, "UniqueName", &solution.unique_name)?;
    names(w, "LocalizedNames", "LocalizedName", &solution.display_name)?;
    names(w, "Descriptions", "Description", &solution.description)?;
    xml::text(w, "Version", &solution.version)?;
    xml::text(w, "Managed", if managed { "1" } else { "0" })?;
    w.create_element("Publisher")
        .write_inner_content(|w| publisher(w, definition))?;
    w.create_element("RootComponents")
        .write_inner_content(|w| {
            for resource in resources {
                w.create_element("RootComponent")
                    .with_attribute(("type", ROOT_COMPONENT_WEB_RESOURCE.to_string().as_str()))
                    .with_attribute(("schemaName", resource.name.as_str()))
                    .with_attribute(("behavior", "0"))
                    .write_empty()?;
            }
            for role in security_roles(definition) {
                let id = ["{", &role.id.to_string(), "}"].concat();
                w.create_element("RootComponent")
                    .with_attribute(("type", ROOT_COMPONENT_ROLE.to_string().as_str()))
                    .with_attribute(("id", id.as_str()))
                    .with_attribute(("behavior", "0"))
                    .write_empty()?;
            }
            let variable = definition.origin_variable();
            w.create_element("RootComponent")
                .with_attribute((
                    "type",
                    ROOT_COMPONENT_ENVIRONMENT_VARIABLE.to_string().as_str(),
                ))
                .with_attribute(("schemaName", variable.as_str()))
                .with_attribute(("behavior", "0"))
                .write_empty()?;
            Ok(())
        })?;
    w.create_element("MissingDependencies").write_empty()?;
    Ok(())
}

fn publisher(w: &mut XmlWriter, definition: &Definition) -> io::Result<()> {
    let publisher = &definition.publisher;
    xml::text(w, "UniqueName", &publisher.unique_name)?;
    names(
        w,
        "LocalizedNames",
        "LocalizedName",
        &publisher.display_name,
    )?;
    names(w, "Descriptions", "Description", &publisher.description)?;
    optional(w, "EMailAddress", publisher.email.as_deref())?;
    optional(w, "SupportingWebsiteUrl", publisher.website.as_deref())?;
    xml::text(w, "CustomizationPrefix", &publisher.prefix)?;
    xml::text(
        w,
        "CustomizationOptionValuePrefix",
        &publisher.option_value_prefix.to_string(),
    )?;
    w.create_element("Addresses").write_inner_content(|w| {
        for number in ["1", "2"] {
            w.create_element("Address").write_inner_content(|w| {
                xml::text(w, "AddressNumber", number)?;
                ADDRESS_FIELDS
                    .iter()
                    .try_for_each(|field| xml::nil(w, field))
            })?;
        }
        Ok(())
    })?;
    Ok(())
}

/// `<LocalizedNames><LocalizedName description languagecode="1033"/></LocalizedNames>`, empty when `text` is.
fn names(w: &mut XmlWriter, outer: &str, inner: &str, text: &str) -> io::Result<()> {
    if text.is_empty() {
        w.create_element(outer).write_empty()?;
        return Ok(());
    }
    w.create_element(outer).write_inner_content(|w| {
        w.create_element(inner)
            .with_attribute(("description", text))
            .with_attribute(("languagecode", "1033"))
            .write_empty()?;
        Ok(())
    })?;
    Ok(())
}

fn optional(w: &mut XmlWriter, name: &str, value: Option<&str>) -> io::Result<()> {
    match value {
        Some(value) => xml::text(w, name, value),
        None => xml::nil(w, name),
    }
}
