//! The Package Deployer package folder and the AppSource bundle around it (reference §5): pure.
//! `package/PkgFolder/` holds `ImportConfig.xml`, which imports the managed solution and the
//! records as Configuration Migration data (`crmmigdataimportfile`), plus the wizard's welcome
//! and end pages; `package/[Content_Types].xml` is for `package.zip`. `appsource/` holds
//! `input.xml`, `[Content_Types].xml`, the 32x32 logo and the terms page with the terms and
//! privacy links. The package DLL is built by the ISV with Microsoft's tooling; then
//! [`check_package_zip`] checks what was built and [`bundle`] makes the flat zip AppSource takes.

use std::collections::BTreeMap;
use std::io::{self, Read};

use super::Artifacts;
use super::definition::Definition;
use super::xml;

/// The package folder's name inside `package.zip`.
pub const PACKAGE_FOLDER: &str = "PkgFolder";
/// The Configuration Migration data file in the package folder.
pub const DATA_FILE: &str = "data.zip";
/// The package file AppSource's `input.xml` names.
pub const PACKAGE_FILE: &str = "package.zip";
/// The logo AppSource shows (32x32 PNG).
pub const LOGO_FILE: &str = "logo32x32.png";
/// The terms page of the listing.
pub const TERMS_FILE: &str = "TermsOfUse.html";

const LOGO: &[u8] = include_bytes!("../../solution/appsource/logo32x32.png");

/// The extensions Microsoft's sample `[Content_Types].xml` lists, each as octet-stream.
const EXTENSIONS: [&str; 13] = [
    "xml", "xaml", "dll", "zip", "jpg", "gif", "png", "htm", "html", "db", "css", "json", "msapp",
];

/// Every file of `package/` and `appsource/`, by path relative to the output folder.
pub fn package_files(
    definition: &Definition,
    built: &Artifacts,
) -> io::Result<BTreeMap<String, Vec<u8>>> {
    let folder = |name: &str| ["package/", PACKAGE_FOLDER, "/", name].concat();
    let mut files = BTreeMap::new();
    files.insert(folder("ImportConfig.xml"), import_config(built)?);
    files.insert(folder(&built.managed_zip_name), built.managed_zip.clone());
    files.insert(folder(DATA_FILE), built.data_zip.clone());
    let name = &definition.solution.display_name;
    files.insert(
        folder("Content/en-us/WelcomeHtml/Default.htm"),
        wizard_page(name, "installs the co-browse and screen share buttons, their app tabs, the Duet Agent and Duet Administrator roles and the provider records. After it, set the environment variable duet_Origin (Duet service address) to your Duet service's https address."),
    );
    files.insert(
        folder("Content/en-us/EndHtml/Default.htm"),
        wizard_page(name, "is installed. Set the environment variable duet_Origin to your Duet service's https address, and give agents the Duet Agent security role."),
    );
    files.insert("package/[Content_Types].xml".to_owned(), content_types()?);
    files.insert(
        "appsource/input.xml".to_owned(),
        input_xml(definition, built)?,
    );
    files.insert("appsource/[Content_Types].xml".to_owned(), content_types()?);
    files.insert(["appsource/", LOGO_FILE].concat(), LOGO.to_vec());
    files.insert(["appsource/", TERMS_FILE].concat(), terms_page(definition));
    Ok(files)
}

/// `ImportConfig.xml`: the managed solution, then the records as Configuration Migration data.
fn import_config(built: &Artifacts) -> io::Result<Vec<u8>> {
    let mut w = xml::writer();
    xml::declaration(&mut w)?;
    w.create_element("configdatastorage")
        .with_attribute(("installsampledata", "false"))
        .with_attribute(("waitforsampledatatoinstall", "false"))
        .with_attribute(("agentdesktopzipfile", ""))
        .with_attribute(("agentdesktopexename", ""))
        .with_attribute(("crmmigdataimportfile", DATA_FILE))
        .write_inner_content(|w| {
            w.create_element("solutions").write_inner_content(|w| {
                w.create_element("configsolutionfile")
                    .with_attribute(("solutionpackagefilename", built.managed_zip_name.as_str()))
                    .with_attribute(("overwriteunmanagedcustomizations", "false"))
                    .with_attribute(("publishworkflowsandactivateplugins", "true"))
                    .write_empty()?;
                Ok(())
            })?;
            w.create_element("filestoimport").write_empty()?;
            w.create_element("filesmapstoimport").write_empty()?;
            w.create_element("cmtdatafiles").write_inner_content(|w| {
                w.create_element("cmtdatafile")
                    .with_attribute(("filename", DATA_FILE))
                    .with_attribute(("lcid", "1033"))
                    .with_attribute(("usermapfilename", ""))
                    .write_empty()?;
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(xml::finish(w))
}

/// AppSource's `input.xml`: who provides it, the package file, the anchor solution, dates,
/// countries, the learn-more link and the English locale with logo and terms.
fn input_xml(definition: &Definition, built: &Artifacts) -> io::Result<Vec<u8>> {
    let listing = &definition.appsource;
    let publisher = &definition.publisher;
    let learn_more = publisher
        .website
        .clone()
        .unwrap_or_else(|| listing.terms_url.clone());
    let mut w = xml::writer();
    xml::declaration(&mut w)?;
    w.create_element("PvsPackageData")
        .write_inner_content(|w| {
            xml::text(w, "ProviderName", &publisher.display_name)?;
            xml::text(w, "PackageFile", PACKAGE_FILE)?;
            xml::text(w, "SolutionAnchorName", &built.managed_zip_name)?;
            xml::text(w, "StartDate", &listing.start_date)?;
            xml::text(w, "EndDate", &listing.end_date)?;
            xml::text(w, "SupportedCountries", &listing.supported_countries)?;
            xml::text(w, "LearnMoreLink", &learn_more)?;
            w.create_element("Locales").write_inner_content(|w| {
                w.create_element("PackageLocale")
                    .with_attribute(("Code", "1033"))
                    .with_attribute(("IsDefault", "true"))
                    .write_inner_content(|w| {
                        xml::text(w, "Logo", LOGO_FILE)?;
                        w.create_element("Terms").write_inner_content(|w| {
                            w.create_element("PackageTerm")
                                .with_attribute(("File", TERMS_FILE))
                                .write_empty()?;
                            Ok(())
                        })?;
                        Ok(())
                    })?;
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(xml::finish(w))
}

fn content_types() -> io::Result<Vec<u8>> {
    let mut w = xml::writer();
    xml::declaration(&mut w)?;
    w.create_element("Types")
        .with_attribute((
            "xmlns",
            "http://schemas.openxmlformats.org/package/2006/content-types",
        ))
        .write_inner_content(|w| {
            for extension in EXTENSIONS {
                w.create_element("Default")
                    .with_attribute(("Extension", extension))
                    .with_attribute(("ContentType", "application/octet-stream"))
                    .write_empty()?;
            }
            Ok(())
        })?;
    Ok(xml::finish(w))
}

fn wizard_page(solution: &str, text: &str) -> Vec<u8> {
    let solution = escape(solution);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{solution}</title></head>\n<body><h1>{solution}</h1><p>{solution} {text}</p></body></html>\n"
    )
    .into_bytes()
}

fn terms_page(definition: &Definition) -> Vec<u8> {
    let listing = &definition.appsource;
    let provider = escape(&definition.publisher.display_name);
    let (terms, privacy) = (escape(&listing.terms_url), escape(&listing.privacy_url));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{provider}: terms of use</title></head>\n<body><h1>{provider}: terms of use</h1>\n<p>Using this app means accepting {provider}'s <a href=\"{terms}\">terms of use</a> ({terms}).</p>\n<p>How {provider} handles personal data: <a href=\"{privacy}\">privacy policy</a> ({privacy}).</p>\n</body></html>\n"
    )
    .into_bytes()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// What is wrong with an ISV-built `package.zip`, each problem with what to do (empty when it
/// has a DLL at its root and a `PkgFolder/ImportConfig.xml` whose solution and data files are
/// in the folder).
pub fn check_package_zip(bytes: &[u8]) -> Vec<String> {
    let mut archive = match zip::ZipArchive::new(io::Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(error) => {
            return vec![format!(
                "it is not a zip file ({error}); give the package.zip that dotnet publish made"
            )];
        }
    };
    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    let mut problems = Vec::new();
    if !names
        .iter()
        .any(|name| !name.contains('/') && name.ends_with(".dll"))
    {
        problems.push("it has no package DLL at its root: build it with `pac package init` and `dotnet publish` (see README)".to_owned());
    }
    let config_name = [PACKAGE_FOLDER, "/ImportConfig.xml"].concat();
    let mut config = String::new();
    let read = archive
        .by_name(&config_name)
        .map_err(|e| e.to_string())
        .and_then(|mut file| file.read_to_string(&mut config).map_err(|e| e.to_string()));
    if read.is_err() {
        problems.push(format!("it has no {config_name}: copy package/{PACKAGE_FOLDER} into the package project before building"));
        return problems;
    }
    for named in named_files(&config) {
        let path = [PACKAGE_FOLDER, "/", &named].concat();
        if !names.contains(&path) {
            problems.push(format!("ImportConfig.xml names {named}, which is not in {PACKAGE_FOLDER}: copy it there and build again"));
        }
    }
    problems
}

/// The solution and data files `ImportConfig.xml` names.
fn named_files(config: &str) -> Vec<String> {
    let mut named = Vec::new();
    for attribute in [
        "solutionpackagefilename=\"",
        "crmmigdataimportfile=\"",
        "filename=\"",
    ] {
        for (at, _) in config.match_indices(attribute) {
            let rest = &config[at + attribute.len()..];
            if let Some(end) = rest.find('"') {
                let value = &rest[..end];
                if !value.is_empty() && !named.iter().any(|n| n == value) {
                    named.push(value.to_owned());
                }
            }
        }
    }
    named
}

/// The flat zip AppSource takes: `package.zip` and everything in `appsource/`, at the root.
pub fn bundle(
    appsource: &BTreeMap<String, Vec<u8>>,
    package_zip: &[u8],
) -> anyhow::Result<Vec<u8>> {
    let mut files: BTreeMap<String, Vec<u8>> = appsource
        .iter()
        .filter_map(|(path, bytes)| {
            path.strip_prefix("appsource/")
                .map(|name| (name.to_owned(), bytes.clone()))
        })
        .collect();
    files.insert(PACKAGE_FILE.to_owned(), package_zip.to_vec());
    super::zipper::zip(&files)
}
