//! The store suite's cases, written once against `&TestDb` and run on both databases.

pub mod agreement;
pub mod audit_chain;
pub mod export;
pub mod listing;
pub mod subjects;
pub mod tampering;
pub mod tenant;
