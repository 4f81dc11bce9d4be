//! `DUET_*` environment variables, applied over the defaults and the settings file.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use secrecy::SecretString;

use super::{Config, check_surfaces, split_list};

/// Reads variables through a lookup function, so tests need not touch the process environment.
struct Env<F> {
    var: F,
}

impl<F: Fn(&str) -> Option<String>> Env<F> {
    fn text(&self, name: &str, slot: &mut Option<String>) {
        if let Some(value) = (self.var)(name) {
            *slot = Some(value);
        }
    }

    fn secret(&self, name: &str, slot: &mut Option<SecretString>) {
        if let Some(value) = (self.var)(name) {
            *slot = Some(SecretString::from(value));
        }
    }

    fn list(&self, name: &str, slot: &mut Vec<String>) {
        if let Some(value) = (self.var)(name) {
            *slot = split_list(&value);
        }
    }

    fn parsed<T: FromStr>(&self, name: &str, slot: &mut T, expected: &str) -> anyhow::Result<()> {
        if let Some(value) = (self.var)(name) {
            *slot = value.trim().parse().map_err(|_| {
                anyhow::anyhow!("{name}={value:?} is not valid: set it to {expected}")
            })?;
        }
        Ok(())
    }

    fn secs(&self, name: &str, slot: &mut Duration) -> anyhow::Result<()> {
        let mut secs = slot.as_secs();
        self.parsed(name, &mut secs, "a whole number of seconds")?;
        *slot = Duration::from_secs(secs);
        Ok(())
    }
}

impl Config {
    /// Every `DUET_*` variable Duet reads: those [`Config::apply_env`] asks for, and the log
    /// format (`crate::telemetry`), in the order they are read.
    pub fn variable_names() -> Vec<String> {
        let asked = std::cell::RefCell::new(vec![crate::telemetry::LOG_FORMAT_VAR.to_owned()]);
        let _ = Self::default().apply_env(|name| {
            let mut asked = asked.borrow_mut();
            if !asked.iter().any(|known| known == name) {
                asked.push(name.to_owned());
            }
            None
        });
        asked.into_inner()
    }

    /// Applies `DUET_*` variables read through `var`.
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        let env = Env { var };
        self.apply_service_env(&env)?;
        self.apply_policy_env(&env)?;
        self.apply_timeout_env(&env)?;
        let dataverse = &mut self.dataverse;
        env.text("DUET_DATAVERSE_TENANT_ID", &mut dataverse.tenant_id);
        env.text("DUET_DATAVERSE_CLIENT_ID", &mut dataverse.client_id);
        env.secret("DUET_DATAVERSE_CLIENT_SECRET", &mut dataverse.client_secret);
        if let Some(authority) = (env.var)("DUET_DATAVERSE_AUTHORITY") {
            dataverse.authority = authority;
        }
        let entra = &mut self.entra;
        env.text("DUET_ENTRA_CLIENT_ID", &mut entra.client_id);
        env.secret("DUET_ENTRA_CLIENT_SECRET", &mut entra.client_secret);
        if let Some(authority) = (env.var)("DUET_ENTRA_AUTHORITY") {
            entra.authority = authority;
        }
        Ok(())
    }

    fn apply_service_env<F: Fn(&str) -> Option<String>>(
        &mut self,
        env: &Env<F>,
    ) -> anyhow::Result<()> {
        env.parsed(
            "DUET_LISTEN",
            &mut self.listen,
            "an address such as 127.0.0.1:8080",
        )?;
        env.text("DUET_PUBLIC_URL", &mut self.public_url);
        let mut dev_signin = self.dev_signin.unwrap_or_default();
        if (env.var)("DUET_DEV_SIGNIN").is_some() {
            env.parsed("DUET_DEV_SIGNIN", &mut dev_signin, "true or false")?;
            self.dev_signin = Some(dev_signin);
        }
        env.secret("DUET_TOKEN_SECRET", &mut self.token_secret);
        env.list("DUET_ALLOWED_ORIGINS", &mut self.allowed_origins);
        env.list("DUET_ORG_ORIGINS", &mut self.org_origins);
        env.parsed(
            "DUET_MAX_MESSAGE_BYTES",
            &mut self.max_message_bytes,
            "a number of bytes",
        )?;
        env.secret("DUET_ADMIN_KEY", &mut self.admin_key);
        let per_address = &mut self.joins_per_address_per_minute;
        env.parsed(
            "DUET_JOINS_PER_ADDRESS_PER_MINUTE",
            per_address,
            "a whole number of join attempts",
        )?;
        if let Some(dir) = (env.var)("DUET_DATA_DIR") {
            self.data_dir = dir.into();
        }
        env.text("DUET_DATABASE_URL", &mut self.database_url);
        env.text("DUET_BUS_URL", &mut self.bus_url);
        env.text("DUET_NODE_NAME", &mut self.node_name);
        if let Some(value) = (env.var)("DUET_TRUSTED_PROXIES") {
            self.trusted_proxies = super::split_list(&value)
                .iter()
                .map(|text| text.parse())
                .collect::<Result<_, String>>()
                .map_err(|why| anyhow::anyhow!("DUET_TRUSTED_PROXIES: {why}"))?;
        }
        env.parsed(
            "DUET_AUDIT_RETENTION_DAYS",
            &mut self.audit_retention_days,
            "a whole number of days (0 keeps the audit trail forever)",
        )?;
        env.parsed(
            "DUET_RECORDING_RETENTION_DAYS",
            &mut self.recording_retention_days,
            "a whole number of days (0 keeps recordings forever)",
        )?;
        env.list("DUET_ICE_SERVERS", &mut self.ice_servers);
        Ok(())
    }

    fn apply_policy_env<F: Fn(&str) -> Option<String>>(
        &mut self,
        env: &Env<F>,
    ) -> anyhow::Result<()> {
        let policy = &mut self.policy;
        env.list("DUET_SHARE_SITES", &mut policy.share_sites);
        env.list("DUET_MASK_SELECTORS", &mut policy.mask_selectors);
        env.list("DUET_UNMASK_SELECTORS", &mut policy.unmask_selectors);
        env.list(
            "DUET_RESTRICTED_SELECTORS",
            &mut policy.restricted_selectors,
        );
        env.parsed(
            "DUET_PRIVATE_BY_DEFAULT",
            &mut policy.private_by_default,
            "true or false",
        )?;
        env.list("DUET_ALLOW_SELECTORS", &mut policy.allow_selectors);
        env.parsed(
            "DUET_RECORD_SESSIONS",
            &mut policy.record_sessions,
            "true or false",
        )?;
        env.parsed(
            "DUET_WATCH_NEEDS_CONSENT",
            &mut policy.watch_needs_consent,
            "true or false",
        )?;
        env.parsed(
            "DUET_AGENTS_SEE_RECORDINGS",
            &mut policy.agents_see_recordings,
            "true or false",
        )?;
        if (env.var)("DUET_ALLOWED_SURFACES").is_some() {
            let mut surfaces = Vec::new();
            env.list("DUET_ALLOWED_SURFACES", &mut surfaces);
            check_surfaces(&surfaces).context("DUET_ALLOWED_SURFACES is not valid")?;
            policy.allowed_surfaces = surfaces;
        }
        Ok(())
    }

    fn apply_timeout_env<F: Fn(&str) -> Option<String>>(
        &mut self,
        env: &Env<F>,
    ) -> anyhow::Result<()> {
        let timeouts = &mut self.timeouts;
        env.secs("DUET_IDLE_EXPIRY_SECS", &mut timeouts.idle_expiry)?;
        env.secs("DUET_INACTIVITY_SECS", &mut timeouts.inactivity)?;
        env.secs("DUET_AGENT_GRACE_SECS", &mut timeouts.agent_grace)?;
        env.secs("DUET_CONTROL_REQUEST_SECS", &mut timeouts.control_request)?;
        env.secs(
            "DUET_SCREENSHARE_ACCEPT_SECS",
            &mut timeouts.screenshare_accept,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_names_are_those_read_and_include_the_bus_and_the_log_format() {
        let names = Config::variable_names();
        for name in [
            "DUET_LISTEN",
            "DUET_DATABASE_URL",
            "DUET_BUS_URL",
            "DUET_LOG_FORMAT",
        ] {
            assert!(names.iter().any(|known| known == name), "{name}: {names:?}");
        }
        assert!(
            names.iter().all(|name| name.starts_with("DUET_")),
            "{names:?}"
        );
    }
}
