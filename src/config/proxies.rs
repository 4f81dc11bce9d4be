//! `DUET_TRUSTED_PROXIES`: the load balancers whose `X-Forwarded-For` Duet believes, as single
//! addresses or CIDR ranges (`web::client_address` uses them).

use std::net::IpAddr;

/// One trusted proxy: an address, or a range of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy {
    network: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for TrustedProxy {
    type Err = String;

    /// `10.0.0.7`, `10.0.0.0/8`, `::1`, `fd00::/8`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{text:?} is not an IP address or a CIDR range like 10.0.0.0/8");
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text.trim(), None),
        };
        let network: IpAddr = address.parse().map_err(|_| bad())?;
        let full = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix.parse().ok().filter(|p| *p <= full).ok_or_else(bad)?,
            None => full,
        };
        Ok(Self { network, prefix })
    }
}

impl TrustedProxy {
    /// Whether `address` is this proxy or within its range.
    pub fn contains(&self, address: IpAddr) -> bool {
        let (network, address, width) = match (self.network, address.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => (u32::from(net).into(), u32::from(ip).into(), 32),
            (IpAddr::V6(net), IpAddr::V6(ip)) => (u128::from(net), u128::from(ip), 128),
            _ => return false,
        };
        let shift = width - u32::from(self.prefix);
        network.checked_shr(shift).unwrap_or(0) == address.checked_shr(shift).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(list: &[&str]) -> Vec<TrustedProxy> {
        list.iter().map(|text| text.parse().unwrap()).collect()
    }

    #[test]
    fn ranges_and_single_addresses_of_both_families_parse_and_match() {
        let trusted = proxies(&["127.0.0.1", "fd00::/8", "172.16.0.0/12"]);
        let inside = |ip: &str| trusted.iter().any(|p| p.contains(ip.parse().unwrap()));
        assert!(inside("127.0.0.1") && !inside("127.0.0.2"));
        assert!(inside("fd12::1") && !inside("fe80::1"));
        assert!(inside("172.31.255.1") && !inside("172.32.0.1"));
        assert!(
            inside("::ffff:127.0.0.1"),
            "an IPv4 address mapped into IPv6"
        );
        assert!("10.0.0.0/33".parse::<TrustedProxy>().is_err());
        assert!("nonsense".parse::<TrustedProxy>().is_err());
    }
}
