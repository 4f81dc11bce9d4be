//! The JSON API, one file per caller: the customer's script, the agent's console, screen shares,
//! and the tenant's administrator (settings and the audit trail).

pub mod agent;
pub mod audit;
pub mod customer;
pub mod frames;
pub mod overview;
pub mod page_assets;
pub mod share;
pub mod site;
pub mod supervisor;
pub mod supervisor_live;
pub mod tenant;
