//! `customizations.xml`: the XSD-ordered `ImportExportXml` with the web resources and languages (reference §2.4).

use std::io;

use super::components::WebResource;
use super::xml::{self, XmlWriter};

/// Empty containers before `WebResources`, in the XSD's sequence order.
const BEFORE_WEB_RESOURCES: [&str; 9] = [
    "Entities",
    "Roles",
    "Workflows",
    "FieldSecurityProfiles",
    "Templates",
    "EntityMaps",
    "EntityRelationships",
    "OrganizationSettings",
    "optionsets",
];

/// Empty containers between `WebResources` and `Languages`, in the XSD's sequence order.
const BEFORE_LANGUAGES: [&str; 2] = ["CustomControls", "EntityDataProviders"];

/// The `customizations.xml` listing `resources` with `FileName` = their zip part, and `languages`.
pub fn customizations_xml(resources: &[WebResource], languages: &[u32]) -> io::Result<Vec<u8>> {
    let file_names: Vec<String> = resources.iter().map(WebResource::file_name).collect();
    write(resources, &file_names, languages)
}

/// The `Other/Customizations.xml` of the unpacked layout: web resources live in sidecar files instead.
pub fn unpacked_customizations_xml(languages: &[u32]) -> io::Result<Vec<u8>> {
    write(&[], &[], languages)
}

fn write(
    resources: &[WebResource],
    file_names: &[String],
    languages: &[u32],
) -> io::Result<Vec<u8>> {
    let mut w = xml::writer();
    w.create_element("ImportExportXml")
        .with_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"))
        .write_inner_content(|w| {
            for name in BEFORE_WEB_RESOURCES {
                w.create_element(name).write_empty()?;
            }
            w.create_element("WebResources").write_inner_content(|w| {
                for (resource, file_name) in resources.iter().zip(file_names) {
                    w.create_element("WebResource")
                        .write_inner_content(|w| web_resource_fields(w, resource, file_name))?;
                }
                Ok(())
            })?;
            for name in BEFORE_LANGUAGES {
                w.create_element(name).write_empty()?;
            }
            w.create_element("Languages").write_inner_content(|w| {
                languages
                    .iter()
                    .try_for_each(|lcid| xml::text(w, "Language", &lcid.to_string()))
            })?;
            Ok(())
        })?;
    Ok(xml::finish(w))
}

/// The children of one `<WebResource>`, in the XSD's order (reference fact 6).
pub fn web_resource_fields(
    w: &mut XmlWriter,
    resource: &WebResource,
    file_name: &str,
) -> io::Result<()> {
    xml::text(
        w,
        "WebResourceId",
        &["{", &resource.id.to_string(), "}"].concat(),
    )?;
    xml::text(w, "Name", &resource.name)?;
    xml::text(w, "DisplayName", &resource.display_name)?;
    xml::text(w, "LanguageCode", "1033")?;
    xml::text(w, "WebResourceType", &(resource.kind as u32).to_string())?;
    xml::text(w, "IntroducedVersion", "1.0")?;
    xml::text(w, "IsEnabledForMobileClient", "0")?;
    xml::text(w, "IsAvailableForMobileOffline", "0")?;
    xml::text(w, "IsCustomizable", "1")?;
    xml::text(w, "CanBeDeleted", "1")?;
    xml::text(w, "IsHidden", "0")?;
    xml::text(w, "FileName", file_name)
}
