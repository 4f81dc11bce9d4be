//! Small helpers over quick-xml's writer shared by every XML file the build writes.

use std::io;

use quick_xml::Writer;
use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesDecl, BytesText, Event};

/// The writer every XML file is written with: two-space indent into memory.
pub type XmlWriter = Writer<Vec<u8>>;

/// A new indented writer.
pub fn writer() -> XmlWriter {
    Writer::new_with_indent(Vec::new(), b' ', 2)
}

/// Writes `<?xml version="1.0" encoding="utf-8"?>`.
pub fn declaration(w: &mut XmlWriter) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))
}

/// Writes `<name>text</name>`, escaping only `<`, `>` and `&` so JSON stays readable.
pub fn text(w: &mut XmlWriter, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::from_escaped(partial_escape(value)))?;
    Ok(())
}

/// Writes `<name xsi:nil="true" />`.
pub fn nil(w: &mut XmlWriter, name: &str) -> io::Result<()> {
    w.create_element(name)
        .with_attribute(("xsi:nil", "true"))
        .write_empty()?;
    Ok(())
}

/// Writes `<name default="…">` with one `<label description languagecode />` per language.
pub fn localized(
    w: &mut XmlWriter,
    name: &str,
    default: &str,
    labels: &[(u32, &str)],
) -> io::Result<()> {
    w.create_element(name)
        .with_attribute(("default", default))
        .write_inner_content(|w| {
            for (lcid, label) in labels {
                w.create_element("label")
                    .with_attribute(("description", *label))
                    .with_attribute(("languagecode", lcid.to_string().as_str()))
                    .write_empty()?;
            }
            Ok(())
        })?;
    Ok(())
}

/// The finished document, ending with a newline.
pub fn finish(w: XmlWriter) -> Vec<u8> {
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    bytes
}
