//! Deterministic ids: UUIDv5 of `<prefix>:<key>` in Duet's own namespace, so rebuilds and re-runs upsert the same rows.

use uuid::Uuid;

/// Duet's UUIDv5 namespace; never change it, or every deployed id changes.
pub const NAMESPACE: Uuid = Uuid::from_u128(0x6d1f_4c0e_8a53_4b7e_9c21_d0e7_5a11_c0b5);

/// The id of the thing called `key` under publisher prefix `prefix`.
pub fn id(prefix: &str, key: &str) -> Uuid {
    let name = [prefix, key].join(":");
    Uuid::new_v5(&NAMESPACE, name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_key_gives_the_same_version_5_id() {
        assert_eq!(id("duet", "provider"), id("duet", "provider"));
        assert_ne!(id("duet", "provider"), id("other", "provider"));
        assert_eq!(id("duet", "provider").get_version_num(), 5);
    }
}
