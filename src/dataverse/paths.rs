//! The Web API requests Duet sends, as paths and bodies, shared by live runs and `--dry-run`.

use base64::Engine;
use serde_json::{Value, json};
use uuid::Uuid;

use super::client::odata_string;

/// The six tables of the extensibility framework that provisioning needs.
pub const FRAMEWORK_TABLES: [&str; 6] = [
    "msdyn_provider",
    "msdyn_conversationaction",
    "msdyn_conversationactionlocale",
    "msdyn_channelcapability",
    "msdyn_applicationtabtemplate",
    "msdyn_templateparameter",
];

/// `WhoAmI`: the connectivity check.
pub const WHO_AM_I: &str = "WhoAmI";
/// The asynchronous import action.
pub const IMPORT_SOLUTION: &str = "ImportSolutionAsync";
/// The asynchronous upgrade action: imports a newer version over the installed managed one.
pub const STAGE_AND_UPGRADE: &str = "StageAndUpgradeAsync";
/// The asynchronous uninstall action.
pub const UNINSTALL_SOLUTION: &str = "UninstallSolutionAsync";

/// `EntityDefinitions(LogicalName='<table>')?$select=LogicalName`.
pub fn entity_definition(table: &str) -> String {
    format!(
        "EntityDefinitions(LogicalName={})?$select=LogicalName",
        odata_string(table)
    )
}

/// The installed solution with this unique name, if any.
pub fn solution_query(unique_name: &str) -> String {
    format!(
        "solutions?$filter=uniquename eq {}&$select=solutionid,uniquename,version,ismanaged",
        odata_string(unique_name)
    )
}

/// The solution row with this id.
pub fn solution(id: &str) -> String {
    format!("solutions({id})")
}

/// The web resource with this name, if any.
pub fn web_resource_query(name: &str) -> String {
    format!(
        "webresourceset?$filter=name eq {}&$select=webresourceid,name",
        odata_string(name)
    )
}

/// The app tab template with this unique name, if any.
pub fn app_tab_template_query(unique_name: &str) -> String {
    format!(
        "msdyn_applicationtabtemplates?$filter=msdyn_uniquename eq {}&$select=msdyn_applicationtabtemplateid,msdyn_uniquename,msdyn_name",
        odata_string(unique_name)
    )
}

/// An asynchronous operation's state.
pub fn async_operation(id: &str) -> String {
    format!("asyncoperations({id})?$select=statecode,statuscode,message")
}

/// An import job: whether it started and finished, and its result data.
pub fn import_job(id: &str) -> String {
    format!("importjobs({id})?$select=progress,startedon,completedon,solutionname,data")
}

/// The `ImportSolutionAsync` / `StageAndUpgradeAsync` body for a managed zip (both take the same
/// parameters); an admin's unmanaged changes are kept. `ImportJobId` is chosen by Duet, so a
/// lost answer can be followed up by asking for `importjobs(<id>)`.
pub fn import_body(zip: &[u8], job_id: Uuid) -> Value {
    json!({
        "OverwriteUnmanagedCustomizations": false,
        "PublishWorkflows": true,
        "CustomizationFile": base64::engine::general_purpose::STANDARD.encode(zip),
        "ImportJobId": job_id,
    })
}

/// `RetrieveDependenciesForUninstall`: components that would stop the managed solution's uninstall.
pub fn uninstall_dependencies(unique_name: &str) -> String {
    format!(
        "RetrieveDependenciesForUninstall(SolutionUniqueName={})",
        odata_string(unique_name)
    )
}

/// The provider columns of every chat widget; matched against Duet's provider client-side.
pub const CHAT_WIDGETS: &str = "msdyn_livechatconfigs?$select=msdyn_livechatconfigid,msdyn_name,msdyn_cobrowseprovider,msdyn_screensharingprovider,msdyn_enablecobrowse,msdyn_enablescreensharing";

/// One chat widget, for an update by id.
pub fn chat_widget(id: &str) -> String {
    format!("msdyn_livechatconfigs({id})")
}

/// The environment variable definition with this schema name, e.g. `duet_Origin`.
pub fn variable_definition_query(schema_name: &str) -> String {
    format!(
        "environmentvariabledefinitions?$filter=schemaname eq {}&$select=environmentvariabledefinitionid,schemaname,defaultvalue",
        odata_string(schema_name)
    )
}

/// The values set for an environment variable definition.
pub fn variable_value_query(definition_id: &str) -> String {
    format!(
        "environmentvariablevalues?$filter=_environmentvariabledefinitionid_value eq {definition_id}&$select=environmentvariablevalueid,value"
    )
}

/// One environment variable value, for an upsert by id.
pub fn variable_value(id: &str) -> String {
    format!("environmentvariablevalues({id})")
}

/// The body creating a value bound to its definition. `EnvironmentVariableDefinitionId` is the
/// single-valued navigation property of `environmentvariablevalue` (lookup column
/// `environmentvariabledefinitionid`, read back as `_environmentvariabledefinitionid_value`).
pub fn variable_value_body(schema_name: &str, definition_id: &str, value: &str) -> Value {
    json!({
        "schemaname": schema_name,
        "value": value,
        "EnvironmentVariableDefinitionId@odata.bind": format!("/environmentvariabledefinitions({definition_id})"),
    })
}

/// The `UninstallSolutionAsync` body.
pub fn uninstall_body(unique_name: &str) -> Value {
    json!({ "SolutionUniqueName": unique_name })
}
