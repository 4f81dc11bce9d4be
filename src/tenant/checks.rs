//! The rules a registration keeps: a tenant id from a name, an Entra tenant id that is a GUID,
//! origins that are https (plain http only on loopback) with no path, and ICE server URLs.

use super::registry::{NewRegistration, Registration, RegistrationError};
use crate::engine::TenantId;

/// The registration `new` describes, or why it cannot be one.
pub(super) fn checked(new: NewRegistration) -> Result<Registration, RegistrationError> {
    let tenant = tenant_id(&new.name)?;
    let entra_tenant = new.entra_tenant.trim().to_ascii_lowercase();
    if uuid::Uuid::parse_str(&entra_tenant).is_err() || entra_tenant.len() != 36 {
        return Err(RegistrationError::BadEntraTenant(new.entra_tenant));
    }
    if new.orgs.is_empty() {
        return Err(RegistrationError::NoOrg);
    }
    Ok(Registration {
        tenant,
        name: new.name.trim().to_owned(),
        entra_tenant,
        orgs: origins(&new.orgs)?,
        sites: origins(&new.sites)?,
        policy: None,
        ice_servers: None,
        chat_key_sha256: None,
    })
}

/// The origins of `urls`, each checked, without repeats.
pub(super) fn origins(urls: &[String]) -> Result<Vec<String>, RegistrationError> {
    let mut all: Vec<String> = Vec::new();
    for url in urls {
        let one = origin(url)?;
        if !all.contains(&one) {
            all.push(one);
        }
    }
    Ok(all)
}

/// STUN or TURN URLs as `RTCConfiguration.iceServers` takes them, each checked.
pub(super) fn ice_servers(urls: &[String]) -> Result<Vec<String>, RegistrationError> {
    urls.iter()
        .map(|url| {
            let url = url.trim();
            let scheme = url.split(':').next().unwrap_or_default();
            let rest = url.get(scheme.len() + 1..).unwrap_or_default();
            let known = matches!(scheme, "stun" | "stuns" | "turn" | "turns");
            let host_like = !rest.is_empty()
                && !rest.starts_with('/')
                && rest
                    .chars()
                    .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\');
            if known && host_like {
                Ok(url.to_owned())
            } else {
                Err(RegistrationError::BadIceServer(url.to_owned()))
            }
        })
        .collect()
}

/// The tenant id a name gives: lower case, every run of other characters one dash.
pub(crate) fn tenant_id(name: &str) -> Result<TenantId, RegistrationError> {
    let name = name.trim();
    let mut id = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    if id.is_empty() || name.chars().count() > 64 || id == TenantId::DEFAULT {
        return Err(RegistrationError::BadName(name.to_owned()));
    }
    Ok(TenantId::new(id))
}

/// The origin of `url`: https, or http on loopback; no path, query or fragment.
pub(super) fn origin(url: &str) -> Result<String, RegistrationError> {
    let bad = || RegistrationError::BadOrigin(url.to_owned());
    let parsed = url::Url::parse(url.trim()).map_err(|_| bad())?;
    let host = parsed.host_str().ok_or_else(bad)?;
    let loopback = host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let secure = parsed.scheme() == "https" || (parsed.scheme() == "http" && loopback);
    let bare = parsed.path() == "/"
        && parsed.query().is_none()
        && parsed.fragment().is_none()
        && parsed.username().is_empty();
    if !secure || !bare {
        return Err(bad());
    }
    Ok(parsed.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contoso() -> NewRegistration {
        NewRegistration {
            name: "Contoso Ltd".to_owned(),
            entra_tenant: "72F988BF-86F1-41AF-91AB-2D7CD011DB47".to_owned(),
            orgs: vec!["https://contoso.crm4.dynamics.com/".to_owned()],
            sites: vec!["https://shop.contoso.com".to_owned()],
        }
    }

    #[test]
    fn a_registration_keeps_lower_case_ids_and_bare_origins() {
        let registration = checked(contoso()).unwrap();
        assert_eq!(registration.tenant.as_str(), "contoso-ltd");
        assert_eq!(
            registration.entra_tenant,
            "72f988bf-86f1-41af-91ab-2d7cd011db47"
        );
        assert_eq!(registration.orgs, ["https://contoso.crm4.dynamics.com"]);
    }

    #[test]
    fn origins_must_be_https_except_on_loopback_and_carry_no_path() {
        assert!(origin("http://127.0.0.1:8080").is_ok());
        assert!(origin("http://localhost:3000/").is_ok());
        for bad in [
            "http://contoso.crm.dynamics.com",
            "https://contoso.crm.dynamics.com/main.aspx",
            "https://user@contoso.com",
            "javascript:alert(1)",
            "contoso.com",
        ] {
            assert!(
                matches!(origin(bad), Err(RegistrationError::BadOrigin(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn ice_servers_must_be_stun_or_turn_urls() {
        let good = [
            "stun:stun.contoso.com:3478",
            "turns:turn.contoso.com:5349?transport=tcp",
        ];
        let urls: Vec<String> = good.iter().map(|url| (*url).to_owned()).collect();
        assert_eq!(ice_servers(&urls).unwrap(), urls);
        for bad in [
            "https://turn.contoso.com",
            "stun:",
            "turn://x",
            "stun:a b",
            "contoso",
        ] {
            assert!(
                matches!(
                    ice_servers(&[bad.to_owned()]),
                    Err(RegistrationError::BadIceServer(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn repeated_origins_are_kept_once() {
        let urls = ["https://a.example/", "https://a.example"].map(str::to_owned);
        assert_eq!(origins(&urls).unwrap(), ["https://a.example"]);
    }

    #[test]
    fn a_name_without_letters_a_bad_tenant_id_or_no_org_is_refused_with_what_to_do() {
        let mut nameless = contoso();
        nameless.name = " -- ".to_owned();
        assert!(matches!(
            checked(nameless),
            Err(RegistrationError::BadName(_))
        ));
        let mut not_a_guid = contoso();
        not_a_guid.entra_tenant = "contoso.onmicrosoft.com".to_owned();
        let refused = checked(not_a_guid).unwrap_err();
        assert!(refused.to_string().contains("Directory (tenant) ID"));
        let mut no_org = contoso();
        no_org.orgs.clear();
        assert!(matches!(checked(no_org), Err(RegistrationError::NoOrg)));
    }
}
