//! The Web API requests Duet sends, as paths and bodies, shared by live runs and `--dry-run`.

use base64::Engine;
use serde_json::{Value, json};

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

/// An import job's result data, for diagnostics.
pub fn import_job(key: &str) -> String {
    format!("importjobs({key})?$select=data")
}

/// The `ImportSolutionAsync` body for a managed zip; an admin's unmanaged changes are kept.
pub fn import_body(zip: &[u8]) -> Value {
    json!({
        "OverwriteUnmanagedCustomizations": false,
        "PublishWorkflows": true,
        "CustomizationFile": base64::engine::general_purpose::STANDARD.encode(zip),
    })
}

/// The `UninstallSolutionAsync` body.
pub fn uninstall_body(unique_name: &str) -> Value {
    json!({ "SolutionUniqueName": unique_name })
}
