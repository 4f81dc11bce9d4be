//! The fake org's solution actions: `ImportSolutionAsync`, `UninstallSolutionAsync` and the
//! asynchronous operations they start.

use base64::Engine;
use serde_json::{Value, json};
use uuid::Uuid;

use super::routes::{Reply, fail, ok};
use super::{Package, State};

/// Installs the package (solution, web resources, app tab templates) unless told to fail.
pub fn import(state: &mut State, body: &[u8]) -> Reply {
    let body: Value = serde_json::from_slice(body).unwrap_or_default();
    let zip = body["CustomizationFile"]
        .as_str()
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok());
    let flags = body["OverwriteUnmanagedCustomizations"].is_boolean()
        && body["PublishWorkflows"].is_boolean();
    let package = state.package();
    if !flags
        || zip.is_none()
        || package
            .zip
            .as_ref()
            .is_some_and(|z| Some(z) != zip.as_ref())
    {
        return fail(
            400,
            "ImportSolutionAsync: bad parameters or not the expected zip",
        );
    }
    state.imports += 1;
    let (id, key) = (Uuid::new_v4().to_string(), Uuid::new_v4().to_string());
    if let Some(message) = state.failing_import.take() {
        state.operations.insert(id.clone(), (1, 31, message));
        return ok(json!({ "AsyncOperationId": id, "ImportJobKey": key }));
    }
    install(state, &package);
    state.operations.insert(id.clone(), (1, 30, String::new()));
    ok(json!({ "AsyncOperationId": id, "ImportJobKey": key }))
}

fn install(state: &mut State, package: &Package) {
    let solution = json!({ "solutionid": Uuid::new_v4(), "uniquename": package.unique_name, "version": package.version, "ismanaged": true });
    let solution_key = package.unique_name.to_lowercase();
    state
        .table("solutions")
        .insert(solution_key, solution.as_object().cloned().unwrap());
    for name in &package.web_resources {
        let row = json!({ "webresourceid": Uuid::new_v4(), "name": name });
        state
            .table("webresourceset")
            .insert(name.clone(), row.as_object().cloned().unwrap());
    }
    for name in &package.app_tab_templates {
        let row = json!({ "msdyn_applicationtabtemplateid": Uuid::new_v4(), "msdyn_uniquename": name, "msdyn_name": name });
        state
            .table("msdyn_applicationtabtemplates")
            .insert(name.clone(), row.as_object().cloned().unwrap());
    }
}

/// Removes the solution, its web resources and app tab templates.
pub fn uninstall(state: &mut State, body: &[u8]) -> Reply {
    let body: Value = serde_json::from_slice(body).unwrap_or_default();
    let name = body["SolutionUniqueName"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    if state.table("solutions").remove(&name).is_none() {
        state.prune();
        return fail(404, &format!("solution '{name}' is not installed"));
    }
    let package = state.package();
    let web_resources = if state.uninstall_keeps_web_resources {
        &[][..]
    } else {
        &package.web_resources[..]
    };
    for web_resource in web_resources {
        state.table("webresourceset").remove(web_resource);
    }
    for template in &package.app_tab_templates {
        state
            .table("msdyn_applicationtabtemplates")
            .remove(template);
    }
    state.prune();
    state.uninstalls += 1;
    let id = Uuid::new_v4().to_string();
    state.operations.insert(id.clone(), (1, 30, String::new()));
    ok(json!({ "AsyncOperationId": id }))
}

/// In progress on the first poll, completed after.
pub fn poll(state: &mut State, id: &str) -> Reply {
    let Some((polls_left, status, message)) = state.operations.get_mut(&id.to_lowercase()) else {
        return fail(404, "no such asyncoperation");
    };
    if *polls_left > 0 {
        *polls_left -= 1;
        return ok(json!({ "statecode": 2, "statuscode": 20, "message": null }));
    }
    ok(json!({ "statecode": 3, "statuscode": *status, "message": message }))
}
