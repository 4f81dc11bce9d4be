//! The Dataverse solution: its definition, and the pure, synchronous build of zips, records and
//! data from it. No tokio, no HTTP.

pub mod command;
pub mod records;
pub mod webresource;
