//! The app tab template and template parameter record files, in the folder layout of reference §2.6.

use std::io;

use super::components::{AppTabTemplate, PAGE_TYPE_WEB_RESOURCE};
use super::xml::{self, XmlWriter};

/// Every (zip part, bytes) of `template`: the template file and its `webresourceName` and `data`
/// parameters; not customizable when `managed`.
pub fn app_tab_files(
    template: &AppTabTemplate,
    managed: bool,
) -> io::Result<Vec<(String, Vec<u8>)>> {
    let customizable = if managed { "0" } else { "1" };
    let unique = &template.unique_name;
    let template_part = [
        "msdyn_applicationtabtemplates/",
        unique,
        "/msdyn_applicationtabtemplate.xml",
    ]
    .concat();
    let mut files = vec![(template_part, template_xml(template, customizable)?)];
    let parameters = [
        ("webresourceName", Some(template.web_resource_name.as_str())),
        ("data", None),
    ];
    for (name, value) in parameters {
        let param_unique = [unique.as_str(), "_", name].concat();
        let part = [
            "msdyn_templateparameters/",
            &param_unique,
            "/msdyn_templateparameter.xml",
        ]
        .concat();
        let record = Parameter {
            unique: &param_unique,
            name,
            value,
            customizable,
        };
        files.push((part, parameter_xml(template, &record)?));
    }
    Ok(files)
}

fn template_xml(template: &AppTabTemplate, customizable: &str) -> io::Result<Vec<u8>> {
    let mut w = xml::writer();
    let unique = template.unique_name.as_str();
    let name_labels: Vec<(u32, &str)> = template
        .titles
        .iter()
        .map(|(lcid, _)| (*lcid, unique))
        .collect();
    let title_labels: Vec<(u32, &str)> = template
        .titles
        .iter()
        .map(|(lcid, t)| (*lcid, t.as_str()))
        .collect();
    w.create_element("msdyn_applicationtabtemplate")
        .with_attribute(("msdyn_uniquename", unique))
        .write_inner_content(|w| {
            xml::text(w, "iscustomizable", customizable)?;
            xml::localized(w, "msdyn_name", unique, &name_labels)?;
            xml::text(w, "msdyn_pagetype", &PAGE_TYPE_WEB_RESOURCE.to_string())?;
            xml::text(w, "msdyn_pinned", "0")?;
            xml::text(w, "msdyn_templateparameters", &template.parameters_json())?;
            xml::localized(w, "msdyn_title", &template.title, &title_labels)?;
            active(w)
        })?;
    Ok(xml::finish(w))
}

/// One template parameter record.
struct Parameter<'a> {
    unique: &'a str,
    name: &'a str,
    value: Option<&'a str>,
    customizable: &'a str,
}

fn parameter_xml(template: &AppTabTemplate, parameter: &Parameter) -> io::Result<Vec<u8>> {
    let Parameter {
        unique,
        name,
        value,
        customizable,
    } = *parameter;
    let mut w = xml::writer();
    w.create_element("msdyn_templateparameter")
        .with_attribute(("msdyn_uniquename", unique))
        .write_inner_content(|w| {
            xml::text(w, "iscustomizable", customizable)?;
            w.create_element("msdyn_applicationtabtemplateid")
                .write_inner_content(|w| xml::text(w, "msdyn_uniquename", &template.unique_name))?;
            xml::localized(w, "msdyn_name", name, &[(1033, name)])?;
            if let Some(value) = value {
                xml::text(w, "msdyn_value", value)?;
            }
            active(w)
        })?;
    Ok(xml::finish(w))
}

fn active(w: &mut XmlWriter) -> io::Result<()> {
    xml::text(w, "statecode", "0")?;
    xml::text(w, "statuscode", "1")
}
