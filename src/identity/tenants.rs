//! Which Entra tenants may sign agents in: a small trait the tenants registry will implement.

use std::collections::HashSet;

/// Answers whether an Entra tenant is registered with this Duet.
pub trait RegisteredTenants: Send + Sync {
    /// Whether users of the Entra tenant `entra_tenant_id` (a GUID) may sign in.
    fn is_registered(&self, entra_tenant_id: &str) -> bool;
}

/// The tenants listed in `DUET_ENTRA_TENANTS`; `duet tenant add` and the tenants registry will
/// replace this list.
#[derive(Debug, Clone, Default)]
pub struct ListedTenants {
    ids: HashSet<String>,
}

impl ListedTenants {
    /// The tenants of the setting, compared without regard to case.
    pub fn new(ids: &[String]) -> Self {
        let ids = ids
            .iter()
            .map(|id| id.trim().to_ascii_lowercase())
            .collect();
        Self { ids }
    }
}

impl RegisteredTenants for ListedTenants {
    fn is_registered(&self, entra_tenant_id: &str) -> bool {
        self.ids.contains(&entra_tenant_id.to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_tenant_is_registered_whatever_its_case() {
        let tenants = ListedTenants::new(&[" AAAA-bbbb ".to_owned()]);
        assert!(tenants.is_registered("aaaa-BBBB"));
        assert!(!tenants.is_registered("cccc"));
    }
}
