//! The solution's security roles, with the least privileges Duet's pages need: "Duet Agent"
//! (the app tab reads the origin variable and the conversation it is opened for) and "Duet
//! Administrator" (also sets the variable and opens the configuration page). Written into
//! `customizations.xml`'s `<Roles>` and listed as root components (type 20).

use std::io;

use uuid::Uuid;

use super::definition::Definition;
use super::ids;
use super::xml::{self, XmlWriter};

/// Component type of a security role in `RootComponents`.
pub const ROOT_COMPONENT_ROLE: u32 = 20;

/// One security role and its privileges (name, depth).
#[derive(Debug, Clone)]
pub struct SecurityRole {
    /// Deterministic role id.
    pub id: Uuid,
    /// The role's name in the org.
    pub name: &'static str,
    /// Privilege names with their depth (`Basic`, `Local`, `Deep`, `Global`).
    pub privileges: Vec<(&'static str, &'static str)>,
}

/// What every agent's app tab reads: the origin variable (definition and value), the web
/// resources it is, and the conversation (`msdyn_ocliveworkitem`) it was opened for with its
/// context items (the customer script's pairing key).
const AGENT: [(&str, &str); 5] = [
    ("prvReadEnvironmentVariableDefinition", "Global"),
    ("prvReadEnvironmentVariableValue", "Global"),
    ("prvReadWebResource", "Global"),
    ("prvReadmsdyn_ocliveworkitem", "Local"),
    ("prvReadmsdyn_ocliveworkitemcontextitem", "Local"),
];

/// What an administrator adds: setting the variable's value, and reading the solution whose
/// configuration page shows Duet's state.
const ADMINISTRATOR: [(&str, &str); 3] = [
    ("prvCreateEnvironmentVariableValue", "Global"),
    ("prvWriteEnvironmentVariableValue", "Global"),
    ("prvReadSolution", "Global"),
];

/// The two roles, agent first.
pub fn security_roles(definition: &Definition) -> Vec<SecurityRole> {
    let prefix = &definition.publisher.prefix;
    let role = |name: &'static str, privileges: Vec<(&'static str, &'static str)>| SecurityRole {
        id: ids::id(prefix, &["role:", name].concat()),
        name,
        privileges,
    };
    vec![
        role("Duet Agent", AGENT.to_vec()),
        role(
            "Duet Administrator",
            AGENT.iter().chain(&ADMINISTRATOR).copied().collect(),
        ),
    ]
}

/// The `<Roles>` element of `customizations.xml`; not customizable in the managed solution.
pub fn write_roles(
    w: &mut XmlWriter,
    roles: &[SecurityRole],
    version: &str,
    managed: bool,
) -> io::Result<()> {
    w.create_element("Roles").write_inner_content(|w| {
        for role in roles {
            let id = ["{", &role.id.to_string(), "}"].concat();
            w.create_element("Role")
                .with_attribute(("id", id.as_str()))
                .with_attribute(("name", role.name))
                .write_inner_content(|w| {
                    xml::text(w, "IsCustomizable", if managed { "0" } else { "1" })?;
                    xml::text(w, "IntroducedVersion", version)?;
                    w.create_element("RolePrivileges")
                        .write_inner_content(|w| {
                            for (name, level) in &role.privileges {
                                w.create_element("RolePrivilege")
                                    .with_attribute(("name", *name))
                                    .with_attribute(("level", *level))
                                    .write_empty()?;
                            }
                            Ok(())
                        })?;
                    Ok(())
                })?;
        }
        Ok(())
    })?;
    Ok(())
}
