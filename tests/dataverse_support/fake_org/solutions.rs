//! The fake org's solution actions: `ImportSolutionAsync`, `UninstallSolutionAsync` and the
//! asynchronous operations they start.

use base64::Engine;
use serde_json::{Value, json};
use uuid::Uuid;

use super::routes::{Reply, error, fail, ok};
use super::{Package, State};

/// Installs the package (solution, web resources, app tab templates) unless told to fail.
pub fn import(state: &mut State, body: &[u8]) -> Reply {
    start_import(state, body, false)
}

/// `StageAndUpgradeAsync`: like an import, but only over an installed managed solution.
pub fn upgrade(state: &mut State, body: &[u8]) -> Reply {
    let name = state.package().unique_name.to_lowercase();
    let managed = state
        .table("solutions")
        .get(&name)
        .is_some_and(|row| row["ismanaged"] == true);
    state.prune();
    if !managed {
        return fail(400, "StageAndUpgradeAsync: no managed solution to upgrade");
    }
    start_import(state, body, true)
}

fn start_import(state: &mut State, body: &[u8], upgrading: bool) -> Reply {
    let body: Value = serde_json::from_slice(body).unwrap_or_default();
    let zip = body["CustomizationFile"]
        .as_str()
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok());
    let flags = body["OverwriteUnmanagedCustomizations"].is_boolean()
        && body["PublishWorkflows"].is_boolean();
    let job_id = body["ImportJobId"]
        .as_str()
        .and_then(|id| Uuid::parse_str(id).ok());
    let package = state.package();
    let wrong_zip = package
        .zip
        .as_ref()
        .is_some_and(|z| Some(z) != zip.as_ref());
    let (Some(job_id), true, Some(_), false) = (job_id, flags, &zip, wrong_zip) else {
        return fail(
            400,
            "bad parameters (ImportJobId, flags, CustomizationFile) or not the expected zip",
        );
    };
    if state.import_server_errors > 0 {
        state.import_server_errors -= 1;
        return (error(500, "", "Internal server error"), false);
    }
    if state.table("importjobs").contains_key(&job_id.to_string()) {
        return fail(400, "an import job with this ImportJobId already exists");
    }
    match upgrading {
        true => state.upgrades += 1,
        false => state.imports += 1,
    }
    let id = Uuid::new_v4().to_string();
    let (status, message, data) = match state.failing_import.take() {
        Some(message) => (
            31,
            message,
            "<importexportxml><result result=\"failure\"/></importexportxml>",
        ),
        None => {
            install(state, &package);
            (
                30,
                String::new(),
                "<importexportxml><result result=\"success\"/></importexportxml>",
            )
        }
    };
    state.operations.insert(id.clone(), (1, status, message));
    let job = json!({ "importjobid": job_id, "solutionname": package.unique_name, "progress": 100.0,
        "startedon": "2026-01-01T00:00:00Z", "completedon": "2026-01-01T00:01:00Z", "data": data });
    state
        .table("importjobs")
        .insert(job_id.to_string(), job.as_object().cloned().unwrap());
    if std::mem::take(&mut state.lose_import_response) {
        return (error(500, "", "the answer was lost (test)"), true);
    }
    ok(json!({ "AsyncOperationId": id, "ImportJobKey": job_id }))
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
    for name in &package.env_vars {
        let id = Uuid::new_v5(&Uuid::NAMESPACE_OID, name.as_bytes());
        let row = json!({ "environmentvariabledefinitionid": id, "schemaname": name, "defaultvalue": null });
        state
            .table("environmentvariabledefinitions")
            .insert(id.to_string(), row.as_object().cloned().unwrap());
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
    // A definition goes with the solution, and its values with it.
    state.tables.remove("environmentvariabledefinitions");
    state.tables.remove("environmentvariablevalues");
    state.tables.remove("importjobs");
    state.prune();
    state.uninstalls += 1;
    let id = Uuid::new_v4().to_string();
    state.operations.insert(id.clone(), (1, 30, String::new()));
    if std::mem::take(&mut state.lose_uninstall_response) {
        return (error(500, "", "the answer was lost (test)"), true);
    }
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
