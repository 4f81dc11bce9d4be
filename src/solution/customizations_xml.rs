//! `customizations.xml`: the XSD-ordered `ImportExportXml` with the security roles, the web
//! resources and languages (reference §2.4). In the managed solution none is customizable.

use std::io;

use super::components::WebResource;
use super::definition::Definition;
use super::roles::{SecurityRole, security_roles, write_roles};
use super::xml::{self, XmlWriter};

/// What the file holds besides the web resources.
pub struct Contents {
    /// The security roles.
    pub roles: Vec<SecurityRole>,
    /// The solution's version (the roles' `IntroducedVersion`).
    pub version: String,
    /// The LCIDs of the solution's texts.
    pub languages: Vec<u32>,
    /// Whether this is the managed solution.
    pub managed: bool,
}

impl Contents {
    /// What `definition`'s managed or unmanaged solution holds besides its web resources.
    pub fn of(definition: &Definition, managed: bool) -> Self {
        Self {
            roles: security_roles(definition),
            version: definition.solution.version.clone(),
            languages: definition.languages(),
            managed,
        }
    }
}

/// Empty containers after `Roles` and before `WebResources`, in the XSD's sequence order.
const BEFORE_WEB_RESOURCES: [&str; 7] = [
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

/// The `customizations.xml` listing `resources` with `FileName` = their zip part.
pub fn customizations_xml(resources: &[WebResource], contents: &Contents) -> io::Result<Vec<u8>> {
    let file_names: Vec<String> = resources.iter().map(WebResource::file_name).collect();
    write(resources, &file_names, contents)
}

/// The `Other/Customizations.xml` of the unpacked layout: web resources live in sidecar files instead.
pub fn unpacked_customizations_xml(contents: &Contents) -> io::Result<Vec<u8>> {
    write(&[], &[], contents)
}

fn write(
    resources: &[WebResource],
    file_names: &[String],
    contents: &Contents,
) -> io::Result<Vec<u8>> {
    let mut w = xml::writer();
    w.create_element("ImportExportXml")
        .with_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"))
        .write_inner_content(|w| {
            w.create_element("Entities").write_empty()?;
            write_roles(w, &contents.roles, &contents.version, contents.managed)?;
            for name in BEFORE_WEB_RESOURCES {
                w.create_element(name).write_empty()?;
            }
            w.create_element("WebResources").write_inner_content(|w| {
                for (resource, file_name) in resources.iter().zip(file_names) {
                    w.create_element("WebResource").write_inner_content(|w| {
                        web_resource_fields(w, resource, file_name, contents.managed)
                    })?;
                }
                Ok(())
            })?;
            for name in BEFORE_LANGUAGES {
                w.create_element(name).write_empty()?;
            }
            w.create_element("Languages").write_inner_content(|w| {
                contents
                    .languages
                    .iter()
                    .try_for_each(|lcid| xml::text(w, "Language", &lcid.to_string()))
            })?;
            Ok(())
        })?;
    Ok(xml::finish(w))
}

/// The children of one `<WebResource>`, in the XSD's order (reference fact 6); not customizable
/// when `managed`.
pub fn web_resource_fields(
    w: &mut XmlWriter,
    resource: &WebResource,
    file_name: &str,
    managed: bool,
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
    xml::text(w, "IsCustomizable", if managed { "0" } else { "1" })?;
    xml::text(w, "CanBeDeleted", "1")?;
    xml::text(w, "IsHidden", "0")?;
    xml::text(w, "FileName", file_name)
}
