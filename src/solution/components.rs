//! The solution components derived from a definition: web resources and app tab templates.

use uuid::Uuid;

use super::definition::{Button, Definition};
use super::ids;
use super::webresource::{Mode, render_apptab, render_config};

/// The app tab template page type "Web Resource" (`msdyn_pagetype`).
pub const PAGE_TYPE_WEB_RESOURCE: u32 = 509_180_002;

/// A web resource's type (`webresourcetype`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebResourceType {
    /// Webpage (HTML), 1.
    Html = 1,
    /// Vector format (SVG), 11.
    Svg = 11,
}

/// One web resource the solution installs.
#[derive(Debug, Clone)]
pub struct WebResource {
    /// Deterministic `WebResourceId`.
    pub id: Uuid,
    /// Name, e.g. `duet_/cobrowse.html`.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// HTML or SVG.
    pub kind: WebResourceType,
    /// The file's bytes.
    pub content: Vec<u8>,
}

impl WebResource {
    /// The zip part holding the content, as exports name it: `WebResources/<name without punctuation><ID>`.
    pub fn zip_part(&self) -> String {
        let stem: String = self
            .name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let id = self.id.simple().to_string().to_uppercase();
        ["WebResources/", &stem, &id].concat()
    }

    /// The `FileName` in customizations.xml: the zip part with a leading `/`.
    pub fn file_name(&self) -> String {
        ["/", &self.zip_part()].concat()
    }
}

/// One app tab template (and its two template parameters).
#[derive(Debug, Clone)]
pub struct AppTabTemplate {
    /// Unique name, e.g. `duet_cobrowsetab`.
    pub unique_name: String,
    /// Default title.
    pub title: String,
    /// Title per LCID.
    pub titles: Vec<(u32, String)>,
    /// Name of the HTML web resource the tab opens.
    pub web_resource_name: String,
}

impl AppTabTemplate {
    /// The `msdyn_templateparameters` JSON: `{"webresourceName":{"value":…},"data":{"value":null}}`.
    pub fn parameters_json(&self) -> String {
        let parameters = TemplateParameters {
            web_resource_name: ParameterValue {
                value: Some(&self.web_resource_name),
            },
            data: ParameterValue { value: None },
        };
        serde_json::to_string(&parameters).unwrap_or_default()
    }
}

/// The JSON shape of `msdyn_templateparameters`, keys in the order Microsoft's sample has them.
#[derive(serde::Serialize)]
struct TemplateParameters<'a> {
    #[serde(rename = "webresourceName")]
    web_resource_name: ParameterValue<'a>,
    data: ParameterValue<'a>,
}

#[derive(serde::Serialize)]
struct ParameterValue<'a> {
    value: Option<&'a str>,
}

/// Name of the app tab page of `mode`: `<prefix>_/<mode>.html`.
pub fn page_name(prefix: &str, mode: Mode) -> String {
    [prefix, "_/", mode.as_str(), ".html"].concat()
}

/// Name of the icon of `mode`: `<prefix>_/icons/<mode>.svg`.
pub fn icon_name(prefix: &str, mode: Mode) -> String {
    [prefix, "_/icons/", mode.as_str(), ".svg"].concat()
}

/// Name of the solution's configuration page: `<prefix>_/config.html`.
pub fn config_page_name(prefix: &str) -> String {
    [prefix, "_/config.html"].concat()
}

/// Every web resource: the app-tab pages, the configuration page, then the icons, in button
/// order. None holds Duet's address (the pages read the environment variable).
pub fn web_resources(definition: &Definition) -> Vec<WebResource> {
    let prefix = &definition.publisher.prefix;
    let variable = definition.origin_variable();
    let buttons = definition.buttons.all();
    let config = resource(
        prefix,
        config_page_name(prefix),
        "Duet configuration",
        WebResourceType::Html,
        render_config(&variable, &definition.solution.display_name).into_bytes(),
    );
    let pages = buttons.iter().map(|(mode, button)| {
        let html = render_apptab(*mode, &variable).into_bytes();
        resource(
            prefix,
            page_name(prefix, *mode),
            &button.app_tab.title,
            WebResourceType::Html,
            html,
        )
    });
    let icons = buttons.iter().map(|(mode, button)| {
        let label = english_label(button);
        let svg = button.icon_svg.clone().into_bytes();
        resource(
            prefix,
            icon_name(prefix, *mode),
            &label,
            WebResourceType::Svg,
            svg,
        )
    });
    pages.chain(std::iter::once(config)).chain(icons).collect()
}

/// Every app tab template, in button order.
pub fn app_tab_templates(definition: &Definition) -> Vec<AppTabTemplate> {
    let prefix = &definition.publisher.prefix;
    definition
        .buttons
        .all()
        .iter()
        .map(|(mode, button)| AppTabTemplate {
            unique_name: button.app_tab.unique_name.clone(),
            title: button.app_tab.title.clone(),
            titles: button
                .lcids()
                .into_iter()
                .map(|(lcid, text)| {
                    (
                        lcid,
                        text.tab_title
                            .clone()
                            .unwrap_or_else(|| button.app_tab.title.clone()),
                    )
                })
                .collect(),
            web_resource_name: page_name(prefix, *mode),
        })
        .collect()
}

fn resource(
    prefix: &str,
    name: String,
    display: &str,
    kind: WebResourceType,
    content: Vec<u8>,
) -> WebResource {
    WebResource {
        id: ids::id(prefix, &["webresource:", &name].concat()),
        display_name: display.to_owned(),
        name,
        kind,
        content,
    }
}

fn english_label(button: &Button) -> String {
    let label = button
        .locales
        .get("1033")
        .map(|t| t.label.as_str())
        .unwrap_or(&button.name);
    [label, " icon"].concat()
}
