//! The environment variable that holds Duet's address in each org (`<prefix>_Origin`, text):
//! its `environmentvariabledefinitions/<schema>/environmentvariabledefinition.xml`, as exported
//! solutions carry it. It has no default value, so no Duet address is in the solution; each org
//! sets its value (`duet provision --origin`, or the solution's Environment variables page).

use std::io;

use super::definition::Definition;
use super::xml;

/// Component type of an environment variable definition in `RootComponents`.
pub const ROOT_COMPONENT_ENVIRONMENT_VARIABLE: u32 = 380;

/// `environmentvariabledefinition.type` for text ("String").
pub const TYPE_TEXT: u32 = 100_000_000;

/// The variable's display name in the org.
pub const DISPLAY_NAME: &str = "Duet service address";

const DESCRIPTION: &str = "The https origin of the Duet service the agent's app tabs connect to, e.g. https://duet.contoso.com.";

/// The zip part of the variable `schema`'s definition.
pub fn definition_part(schema: &str) -> String {
    [
        "environmentvariabledefinitions/",
        schema,
        "/environmentvariabledefinition.xml",
    ]
    .concat()
}

/// The definition of the origin variable: text, not required, not secret, no default; not
/// customizable in the managed solution.
pub fn definition_xml(definition: &Definition, managed: bool) -> io::Result<Vec<u8>> {
    let mut w = xml::writer();
    let schema = definition.origin_variable();
    w.create_element("environmentvariabledefinition")
        .with_attribute(("schemaname", schema.as_str()))
        .write_inner_content(|w| {
            labelled(w, "description", DESCRIPTION)?;
            labelled(w, "displayname", DISPLAY_NAME)?;
            xml::text(w, "introducedversion", &definition.solution.version)?;
            xml::text(w, "iscustomizable", if managed { "0" } else { "1" })?;
            xml::text(w, "isrequired", "0")?;
            xml::text(w, "secretstore", "0")?;
            xml::text(w, "type", &TYPE_TEXT.to_string())
        })?;
    Ok(xml::finish(w))
}

/// `<name default="text"><label description="text" languagecode="1033"/></name>`.
fn labelled(w: &mut xml::XmlWriter, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name)
        .with_attribute(("default", text))
        .write_inner_content(|w| {
            w.create_element("label")
                .with_attribute(("description", text))
                .with_attribute(("languagecode", "1033"))
                .write_empty()?;
            Ok(())
        })?;
    Ok(())
}
