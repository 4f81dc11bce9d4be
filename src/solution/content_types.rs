//! `[Content_Types].xml`: UTF-8 BOM, declaration, `Default` for `.xml` and an `Override` per extension-less part.

use std::io;

use super::xml;

const NAMESPACE: &str = "http://schemas.openxmlformats.org/package/2006/content-types";
const OCTET_STREAM: &str = "application/octet-stream";

/// The `[Content_Types].xml` covering `parts` (zip entry names, without a leading `/`).
pub fn content_types<'a>(parts: impl IntoIterator<Item = &'a str>) -> io::Result<Vec<u8>> {
    let mut w = quick_xml::Writer::new(Vec::new());
    w.write_bom()?;
    xml::declaration(&mut w)?;
    let overrides: Vec<String> = parts
        .into_iter()
        .filter(|part| !covered_by_default(part))
        .map(|part| ["/", part].concat())
        .collect();
    w.create_element("Types")
        .with_attribute(("xmlns", NAMESPACE))
        .write_inner_content(|w| {
            w.create_element("Default")
                .with_attribute(("Extension", "xml"))
                .with_attribute(("ContentType", OCTET_STREAM))
                .write_empty()?;
            for part in &overrides {
                w.create_element("Override")
                    .with_attribute(("PartName", part.as_str()))
                    .with_attribute(("ContentType", OCTET_STREAM))
                    .write_empty()?;
            }
            Ok(())
        })?;
    Ok(w.into_inner())
}

/// Whether `part` is covered by the `Default Extension="xml"` entry.
fn covered_by_default(part: &str) -> bool {
    let file = part.rsplit('/').next().unwrap_or(part);
    file.ends_with(".xml")
}
