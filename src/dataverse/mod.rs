//! The org's Web API: OAuth2 client credentials, requests with retries, provision, deprovision, status.

pub mod command;
