//! The JSON API, one file per caller: the customer's script, the agent's console, screen shares,
//! and the tenant's administrator.

pub mod agent;
pub mod customer;
pub mod share;
pub mod tenant;
