//! One managed solution for every org: no Duet address anywhere in it (the app tabs read the
//! environment variable `duet_Origin`, which the solution defines without a default), the two
//! security roles with the least privileges, a configuration page, and nothing customizable in
//! the managed zip.

mod solution_support;

use solution_support::*;

#[test]
fn no_duet_address_appears_anywhere_in_either_zip() {
    let temp = build();
    for zip in [MANAGED, UNMANAGED] {
        let entries = zip_entries(&temp.path().join("out").join(zip));
        for (part, bytes) in &entries {
            let content = String::from_utf8_lossy(bytes);
            for address in [
                "http://127.0.0.1",
                "http://localhost",
                ":8080",
                "duet_origin",
            ] {
                assert!(!content.contains(address), "{zip}: {part} holds {address}");
            }
        }
    }
}

#[test]
fn the_origin_variable_is_defined_as_text_without_a_default_and_is_a_root_component() {
    let temp = build();
    let entries = zip_entries(&temp.path().join("out").join(MANAGED));
    let variable = text(
        &entries,
        "environmentvariabledefinitions/duet_Origin/environmentvariabledefinition.xml",
    );
    assert!(variable.contains("<environmentvariabledefinition schemaname=\"duet_Origin\">"));
    assert_eq!(element_texts(&variable, "type"), ["100000000"]);
    assert!(
        element_texts(&variable, "defaultvalue").is_empty(),
        "no address in the solution"
    );
    assert_eq!(element_texts(&variable, "iscustomizable"), ["0"]);
    let manifest = text(&entries, "solution.xml");
    assert!(
        manifest
            .contains("<RootComponent type=\"380\" schemaName=\"duet_Origin\" behavior=\"0\"/>")
    );
}

#[test]
fn the_agent_and_administrator_roles_carry_only_what_the_pages_need() {
    let temp = build();
    let entries = zip_entries(&temp.path().join("out").join(MANAGED));
    let customizations = text(&entries, "customizations.xml");
    assert!(customizations.contains("name=\"Duet Agent\""));
    assert!(customizations.contains("name=\"Duet Administrator\""));
    let privileges: Vec<&str> = customizations
        .match_indices("<RolePrivilege name=\"")
        .map(|(at, _)| {
            let rest = &customizations[at + "<RolePrivilege name=\"".len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    let agent = [
        "prvReadEnvironmentVariableDefinition",
        "prvReadEnvironmentVariableValue",
        "prvReadWebResource",
        "prvReadmsdyn_ocliveworkitem",
        "prvReadmsdyn_ocliveworkitemcontextitem",
    ];
    let administrator = [
        "prvCreateEnvironmentVariableValue",
        "prvWriteEnvironmentVariableValue",
        "prvReadSolution",
    ];
    let expected: Vec<&str> = agent
        .iter()
        .chain(&agent)
        .chain(&administrator)
        .copied()
        .collect();
    assert_eq!(
        privileges, expected,
        "the agent's, then the administrator's: nothing else"
    );
    let manifest = text(&entries, "solution.xml");
    assert_eq!(manifest.matches("<RootComponent type=\"20\"").count(), 2);
}

#[test]
fn nothing_in_the_managed_zip_is_customizable_and_everything_in_the_unmanaged_one_is() {
    let temp = build();
    for (zip, flag) in [(MANAGED, "0"), (UNMANAGED, "1")] {
        let entries = zip_entries(&temp.path().join("out").join(zip));
        let customizations = text(&entries, "customizations.xml");
        let mut flags = element_texts(&customizations, "IsCustomizable");
        for (part, bytes) in &entries {
            if part.ends_with(".xml") && part.contains('/') {
                flags.extend(element_texts(
                    &String::from_utf8_lossy(bytes),
                    "iscustomizable",
                ));
            }
        }
        assert!(flags.len() >= 10, "{zip}: {flags:?}");
        assert!(flags.iter().all(|f| f == flag), "{zip}: {flags:?}");
    }
}

#[test]
fn the_configuration_page_is_a_web_resource_that_reads_the_variable() {
    let temp = build();
    let entries = zip_entries(&temp.path().join("out").join(MANAGED));
    let customizations = text(&entries, "customizations.xml");
    assert!(element_texts(&customizations, "Name").contains(&"duet_/config.html".to_owned()));
    let page = entries
        .iter()
        .find(|(part, _)| part.starts_with("WebResources/duet_confightml"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .expect("the configuration page");
    assert!(page.contains("var VARIABLE = \"duet_Origin\";") && page.contains("/api/version"));
}
