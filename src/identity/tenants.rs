//! Which Entra tenants may sign agents in: the registered tenants (`tenant::directory`)
//! answer it.

/// Answers whether an Entra tenant is registered with this Duet.
pub trait RegisteredTenants: Send + Sync {
    /// Whether users of the Entra tenant `entra_tenant_id` (a GUID) may sign in.
    fn is_registered(&self, entra_tenant_id: &str) -> bool;
}

impl RegisteredTenants for crate::tenant::directory::Directory {
    fn is_registered(&self, entra_tenant_id: &str) -> bool {
        self.by_entra_tenant(entra_tenant_id).is_some()
    }
}
