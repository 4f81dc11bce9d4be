//! The org's Web API: OAuth2 client credentials, requests with retries, provision, deprovision, status.
//!
//! Start at [`command`], which turns settings and flags into a [`Client`] and calls
//! [`provision::provision`], [`deprovision::deprovision`] or [`status::status`]. Those take the
//! client, the solution [`Artifacts`](crate::solution::Artifacts) and where to print, so tests
//! call them directly against a fake org.

pub mod asyncop;
pub mod auth;
pub mod client;
pub mod command;
pub mod configpage;
pub mod dependencies;
pub mod deprovision;
pub mod error;
pub mod importer;
pub mod inventory;
pub mod origin;
pub mod paths;
pub mod plan;
pub mod preflight;
pub mod provision;
pub mod retry;
pub mod solution;
pub mod status;
pub mod widgets;

pub use auth::Credentials;
pub use client::Client;
pub use error::Error;
pub use retry::RetryPolicy;

use std::fmt::Display;
use std::io::Write;

/// Prints one line of progress; a closed output does not stop the work.
pub(crate) fn say(out: &mut (dyn Write + Send), line: impl Display) {
    let _ = writeln!(out, "{line}");
}
