//! The Dataverse client's errors, each worded to tell the admin what to do next.

use reqwest::StatusCode;

/// What went wrong talking to the identity provider or the org; never carries a secret or a token.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A required setting is missing.
    #[error("{variable} is not set: set it (or `{file_key}` under [dataverse] in duet.toml)")]
    MissingSetting {
        /// The environment variable to set.
        variable: &'static str,
        /// The key in `duet.toml`.
        file_key: &'static str,
    },
    /// A URL setting or argument does not parse.
    #[error("{what} {value:?} is not a valid URL: {reason}")]
    InvalidUrl {
        /// Which URL, e.g. `the org URL`.
        what: &'static str,
        /// The value given.
        value: String,
        /// Why it does not parse.
        reason: String,
    },
    /// The token endpoint refused the client id or secret (`invalid_client`).
    #[error(
        "the identity provider refused the client credentials ({description}): check DUET_DATAVERSE_CLIENT_SECRET and DUET_DATAVERSE_CLIENT_ID"
    )]
    BadClientCredentials {
        /// The identity provider's `error_description`, shortened.
        description: String,
    },
    /// The token endpoint refused the request for another reason (tenant, scope …).
    #[error(
        "the identity provider refused the token request ({code}: {description}): check DUET_DATAVERSE_TENANT_ID, DUET_DATAVERSE_AUTHORITY and --org"
    )]
    TokenRejected {
        /// The OAuth2 `error` code.
        code: String,
        /// The identity provider's `error_description`, shortened.
        description: String,
    },
    /// The token endpoint could not be reached or answered something unreadable.
    #[error(
        "getting an access token failed ({reason}): check DUET_DATAVERSE_AUTHORITY and the network"
    )]
    TokenUnavailable {
        /// What happened, without the response body.
        reason: String,
    },
    /// The org answered 401 or 403.
    #[error(
        "{step}: the org refused access (HTTP {status}{detail}): check that the org has an application user for DUET_DATAVERSE_CLIENT_ID and that its security role allows this (System Administrator or System Customizer)"
    )]
    AccessDenied {
        /// The step that failed.
        step: String,
        /// 401 or 403.
        status: u16,
        /// `: <code> <message>` from the Dataverse error body, or empty.
        detail: String,
    },
    /// The org answered with another error status.
    #[error("{step}: the org answered HTTP {status}{detail}")]
    Api {
        /// The step that failed.
        step: String,
        /// The HTTP status.
        status: u16,
        /// `: <code> <message>` from the Dataverse error body, or empty.
        detail: String,
    },
    /// The org could not be reached, or the connection broke.
    #[error("{step}: the org could not be reached ({reason}): check --org and the network")]
    Transport {
        /// The step that failed.
        step: String,
        /// What happened.
        reason: String,
    },
    /// The org kept throttling or failing after every retry.
    #[error(
        "{step}: gave up after {attempts} attempts ({last}): wait a few minutes and run the command again"
    )]
    RetriesExhausted {
        /// The step that failed.
        step: String,
        /// How many attempts were made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The org kept answering 429 beyond the throttling budget.
    #[error(
        "{step}: the org kept throttling Duet ({waits} waits, {waited_secs} s in all): wait for the org's load to drop (or ask its admin about service protection limits), then run the command again"
    )]
    Throttled {
        /// The step that failed.
        step: String,
        /// How many `Retry-After` waits were honoured.
        waits: u32,
        /// How long they lasted in all.
        waited_secs: u64,
    },
    /// A request that starts something got a 5xx, timed out or lost its answer: the org may or
    /// may not have acted on it. Callers find out before sending it again.
    #[error(
        "{step}: no answer from the org ({reason}), so Duet cannot tell whether it started: check the solution history in the maker portal, then run the command again"
    )]
    Unanswered {
        /// The step whose answer was lost.
        step: String,
        /// What happened instead of an answer.
        reason: String,
    },
    /// A newer version of the solution is installed than the one Duet carries.
    #[error(
        "solution {name} {installed} is installed and this Duet carries the older {offered}: refusing to downgrade. Run the Duet release that carries {installed} or later, or remove Duet first with `duet deprovision` (this deletes its records)"
    )]
    Downgrade {
        /// The solution's unique name.
        name: String,
        /// The installed version.
        installed: String,
        /// The version Duet would import.
        offered: String,
    },
    /// An unmanaged solution of the same name is installed (a development copy).
    #[error(
        "an unmanaged solution named {name} ({installed}) is installed, and a managed solution cannot be imported over it: delete the unmanaged one in the maker portal (Solutions, {name}, Delete), then run `duet provision` again"
    )]
    UnmanagedInstalled {
        /// The solution's unique name.
        name: String,
        /// The installed version.
        installed: String,
    },
    /// Components outside Duet's solution depend on it; nothing was deleted.
    #[error(
        "Duet cannot be removed: these components outside its solution depend on it: {}. Remove them or stop them using Duet (e.g. take Duet's app tab out of the session template) in the admin center, then run `duet deprovision` again. Nothing was deleted", .0.join("; ")
    )]
    BlockedByDependencies(Vec<String>),
    /// The solution has no environment variable for the service address.
    #[error(
        "the org has no environment variable definition {schema_name}: the installed Duet solution is too old to hold the service address. Provision a Duet release whose solution has it, or drop --origin"
    )]
    MissingVariable {
        /// The definition's schema name, e.g. `duet_Origin`.
        schema_name: String,
    },
    /// The org answered something that is not the JSON expected.
    #[error("{step}: the org's answer could not be read ({reason})")]
    Decode {
        /// The step that failed.
        step: String,
        /// What was wrong with the answer.
        reason: String,
    },
    /// A table of the extensibility framework is missing from the org.
    #[error(
        "the org has no {table} table: install Omnichannel for Customer Service with third-party co-browse enabled first"
    )]
    MissingTable {
        /// The table's logical name.
        table: String,
    },
    /// An asynchronous operation (import, uninstall) ended without success.
    #[error("{step} {outcome}: {message}{diagnostics}")]
    OperationFailed {
        /// The step that failed.
        step: String,
        /// `failed` or `was canceled`.
        outcome: &'static str,
        /// The async operation's message.
        message: String,
        /// Import job diagnostics, prefixed with a newline, or empty.
        diagnostics: String,
    },
    /// An asynchronous operation did not finish in time.
    #[error(
        "{step} is still running after {waited_secs} s: check it in the Power Platform admin center, then run the command again"
    )]
    OperationTimedOut {
        /// The step that timed out.
        step: String,
        /// How long Duet waited.
        waited_secs: u64,
    },
    /// Records read back after provisioning differ from what was written.
    #[error("read-back after provisioning found differences: {}. Run `duet provision` again", .0.join("; "))]
    NotAsWritten(Vec<String>),
    /// Deprovisioning left something behind.
    #[error("these are still in the org after deprovisioning: {}. Run `duet deprovision` again, or remove them in the maker portal", .0.join(", "))]
    Leftovers(Vec<String>),
}

impl Error {
    /// Builds the error for a non-success answer, choosing the advice by status.
    pub fn from_status(step: &str, status: StatusCode, body: &str) -> Self {
        let detail = error_detail(body);
        let step = step.to_owned();
        match status.as_u16() {
            401 | 403 => Self::AccessDenied {
                step,
                status: status.as_u16(),
                detail,
            },
            status => Self::Api {
                step,
                status,
                detail,
            },
        }
    }

    /// Whether the org may have acted on a request whose answer was lost.
    pub fn is_unanswered(&self) -> bool {
        matches!(self, Self::Unanswered { .. })
    }

    /// The HTTP status of an [`Error::Api`] answer, if that is what this is.
    pub fn api_status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// `: <code> <message>` from a Dataverse error body `{"error":{"code","message"}}`, or empty.
fn error_detail(body: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let text = |key: &str| {
        value["error"][key]
            .as_str()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    let (code, message) = (text("code"), text("message"));
    match (code.is_empty(), message.is_empty()) {
        (true, true) => String::new(),
        (true, false) => format!(": {}", shorten(&message)),
        (false, true) => format!(": {code}"),
        (false, false) => format!(": {code} {}", shorten(&message)),
    }
}

/// An error and its sources, `outer: inner: innermost`, for transport failures.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    text
}

/// Cuts long server text so one error stays readable.
pub(crate) fn shorten(text: &str) -> String {
    const MAX_CHARS: usize = 400;
    match text.char_indices().nth(MAX_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dataverse_error_body_is_shown_with_its_step() {
        let body = r#"{"error":{"code":"0x80040265","message":"Bad thing"}}"#;
        let error = Error::from_status("importing", StatusCode::BAD_REQUEST, body);
        assert_eq!(
            error.to_string(),
            "importing: the org answered HTTP 400: 0x80040265 Bad thing"
        );
    }

    #[test]
    fn forbidden_points_at_the_application_user() {
        let error = Error::from_status("reading", StatusCode::FORBIDDEN, "not json");
        assert!(error.to_string().contains("application user"));
    }
}
