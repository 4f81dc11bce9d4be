//! The Configuration Migration schema of Duet's records: which tables and fields `data.zip` carries, and `data_schema.xml`.

use std::io;

use super::xml;

/// How a field is typed in CMT data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// The primary key (`guid`).
    PrimaryKey,
    /// A text column (`string`).
    Text,
    /// A choice (`optionsetvalue`).
    OptionSet,
    /// A whole number (`number`).
    Number,
    /// A lookup (`entityreference`), read from the record body's `@odata.bind` key, to `target`.
    Lookup {
        /// The Web API bind key, e.g. `msdyn_Provider@odata.bind`.
        bind: &'static str,
        /// The referenced table.
        target: &'static str,
    },
}

/// One field of a table.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Logical name.
    pub name: &'static str,
    /// Display name.
    pub display: &'static str,
    /// Type.
    pub kind: FieldKind,
}

/// One table of the CMT data.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// Logical name.
    pub name: &'static str,
    /// Display name.
    pub display: &'static str,
    /// Its fields, primary key first.
    pub fields: &'static [Field],
}

impl Table {
    /// The primary key's logical name.
    pub fn primary_id(&self) -> &'static str {
        self.fields[0].name
    }
}

const fn field(name: &'static str, display: &'static str, kind: FieldKind) -> Field {
    Field {
        name,
        display,
        kind,
    }
}

const NAME: Field = field("msdyn_name", "Name", FieldKind::Text);

/// The tables, parents before children.
pub const TABLES: [Table; 4] = [
    Table {
        name: "msdyn_provider",
        display: "Provider",
        fields: &[
            field("msdyn_providerid", "Provider", FieldKind::PrimaryKey),
            NAME,
        ],
    },
    Table {
        name: "msdyn_conversationaction",
        display: "Conversation Action",
        fields: &[
            field(
                "msdyn_conversationactionid",
                "Conversation Action",
                FieldKind::PrimaryKey,
            ),
            NAME,
            field("msdyn_eventname", "Event Name", FieldKind::OptionSet),
            field("msdyn_eventparameter", "Event Parameter", FieldKind::Text),
            field("msdyn_order", "Order", FieldKind::Number),
            field("msdyn_icon", "Icon", FieldKind::Text),
        ],
    },
    Table {
        name: "msdyn_conversationactionlocale",
        display: "Conversation Action Locale",
        fields: &[
            field(
                "msdyn_conversationactionlocaleid",
                "Conversation Action Locale",
                FieldKind::PrimaryKey,
            ),
            NAME,
            field("msdyn_label", "Label", FieldKind::Text),
            field("msdyn_tooltip", "Tooltip", FieldKind::Text),
            field("msdyn_locale_picklist", "Locale", FieldKind::OptionSet),
            field("msdyn_slashcommands", "Slash Commands", FieldKind::Text),
            field(
                "msdyn_conversationactionkey",
                "Conversation Action",
                FieldKind::Lookup {
                    bind: "msdyn_conversationactionkey@odata.bind",
                    target: "msdyn_conversationaction",
                },
            ),
        ],
    },
    Table {
        name: "msdyn_channelcapability",
        display: "Channel Capability",
        fields: &[
            field(
                "msdyn_channelcapabilityid",
                "Channel Capability",
                FieldKind::PrimaryKey,
            ),
            NAME,
            field(
                "msdyn_escalationchannelmode",
                "Escalation Channel Mode",
                FieldKind::OptionSet,
            ),
            field(
                "msdyn_provider",
                "Provider",
                FieldKind::Lookup {
                    bind: "msdyn_Provider@odata.bind",
                    target: "msdyn_provider",
                },
            ),
            field(
                "msdyn_conversationaction",
                "Conversation Action",
                FieldKind::Lookup {
                    bind: "msdyn_ConversationAction@odata.bind",
                    target: "msdyn_conversationaction",
                },
            ),
        ],
    },
];

/// `data_schema.xml` describing [`TABLES`].
pub fn data_schema_xml() -> io::Result<Vec<u8>> {
    let mut w = xml::writer();
    w.create_element("entities").write_inner_content(|w| {
        for table in &TABLES {
            w.create_element("entity")
                .with_attribute(("name", table.name))
                .with_attribute(("displayname", table.display))
                .with_attribute(("primaryidfield", table.primary_id()))
                .with_attribute(("primarynamefield", "msdyn_name"))
                .with_attribute(("disableplugins", "false"))
                .write_inner_content(|w| {
                    w.create_element("fields").write_inner_content(|w| {
                        table.fields.iter().try_for_each(|f| schema_field(w, f))
                    })?;
                    w.create_element("relationships").write_empty()?;
                    Ok(())
                })?;
        }
        Ok(())
    })?;
    Ok(xml::finish(w))
}

fn schema_field(w: &mut xml::XmlWriter, field: &Field) -> io::Result<()> {
    let element = w
        .create_element("field")
        .with_attribute(("displayname", field.display))
        .with_attribute(("name", field.name));
    let element = match field.kind {
        FieldKind::PrimaryKey => element
            .with_attribute(("type", "guid"))
            .with_attribute(("primaryKey", "true")),
        FieldKind::Text => element.with_attribute(("type", "string")),
        FieldKind::OptionSet => element.with_attribute(("type", "optionsetvalue")),
        FieldKind::Number => element.with_attribute(("type", "number")),
        FieldKind::Lookup { target, .. } => element
            .with_attribute(("type", "entityreference"))
            .with_attribute(("lookupType", target)),
    };
    let element = if field.kind == FieldKind::PrimaryKey {
        element
    } else {
        element.with_attribute(("customfield", "true"))
    };
    element.write_empty()?;
    Ok(())
}
