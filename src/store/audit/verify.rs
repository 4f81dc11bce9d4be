//! Verifying a tenant's audit chain: a pure check over the chain's head and its records in seq
//! order, fed one record at a time so a long trail needs little memory, and
//! [`verify_store`], which pages every chain of a store through it.

use super::chain::record_hash;
use crate::store::rows::{AuditQuery, AuditRow, ChainHead};
use crate::store::{Store, StoreError};

/// How many records [`verify_store`] reads at a time.
const PAGE: u32 = 500;

/// A chain that verified: every record from its checkpoint to its head is there, linked and
/// unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The tenant whose chain it is.
    pub tenant: String,
    /// How many records were checked.
    pub records: u64,
    /// The chain's checkpoint (its first retained seq).
    pub first_seq: i64,
    /// The chain's head (its last seq).
    pub last_seq: i64,
}

/// A chain that does not verify: the first bad seq and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the audit chain of tenant {tenant} is broken at record {seq}: {problem}")]
pub struct Broken {
    /// The tenant whose chain it is.
    pub tenant: String,
    /// The first seq found wrong.
    pub seq: i64,
    /// What is wrong, in words.
    pub problem: String,
}

/// Why [`verify_store`] did not verify every chain.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The tenant asked for has no audit chain.
    #[error("tenant {0} has no audit trail: check the tenant's name")]
    NoChain(String),
    /// One or more chains are broken (each with its first bad seq).
    #[error(
        "{}: restore the audit records from a backup, and keep this report",
        .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    )]
    Broken(Vec<Broken>),
}

/// Checks one chain record by record; a pure state machine, fed in seq order.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    tenant: String,
    head: ChainHead,
    next_seq: i64,
    next_prev: String,
    records: u64,
}

impl ChainVerifier {
    /// Starts checking `tenant`'s chain, whose checkpoint and head are `head`.
    pub fn new(tenant: &str, head: &ChainHead) -> Self {
        Self {
            tenant: tenant.to_owned(),
            head: head.clone(),
            next_seq: head.first_seq,
            next_prev: head.first_prev.clone(),
            records: 0,
        }
    }

    /// Checks the next record of the chain.
    pub fn check(&mut self, row: AuditRow) -> Result<(), Broken> {
        let record = row.map_err(|malformed| {
            let seq = malformed.seq.unwrap_or(self.next_seq);
            self.broken(
                seq,
                format!("the record cannot be read: {}", malformed.problem),
            )
        })?;
        let seq = record.seq;
        if record.tenant != self.tenant {
            let problem = format!("it names tenant {} instead", record.tenant);
            return Err(self.broken(seq, problem));
        }
        self.check_place(seq)?;
        if record.prev != self.next_prev {
            return Err(self.broken(seq, self.prev_problem(seq)));
        }
        if record_hash(&record) != record.hash {
            let problem =
                "its hash does not match its contents: it was edited after it was written";
            return Err(self.broken(seq, problem.to_owned()));
        }
        self.next_seq = seq + 1;
        self.next_prev = record.hash;
        self.records += 1;
        Ok(())
    }

    /// Ends the check: the records must have reached the head.
    pub fn finish(self) -> Result<Verified, Broken> {
        let reached = self.next_seq - 1;
        if reached != self.head.last_seq {
            let problem = format!(
                "the chain ends at record {reached} but its head says it ends at {}: records \
                 were removed from the end",
                self.head.last_seq
            );
            return Err(self.broken(self.next_seq, problem));
        }
        if self.next_prev != self.head.last_hash {
            let problem = "its hash does not match the chain's head: it was rewritten";
            return Err(self.broken(reached, problem.to_owned()));
        }
        Ok(Verified {
            tenant: self.tenant,
            records: self.records,
            first_seq: self.head.first_seq,
            last_seq: self.head.last_seq,
        })
    }

    /// The record's seq must be the next one, within checkpoint and head.
    fn check_place(&self, seq: i64) -> Result<(), Broken> {
        let problem = if seq > self.head.last_seq {
            format!("it lies past the chain's head ({})", self.head.last_seq)
        } else if seq < self.next_seq && self.records == 0 {
            format!(
                "it lies before the chain's checkpoint ({})",
                self.head.first_seq
            )
        } else if seq < self.next_seq {
            format!("it comes after record {} out of order", self.next_seq - 1)
        } else if seq > self.next_seq && self.records == 0 {
            format!(
                "the chain should start at its checkpoint {} but starts at {seq}: records were \
                 deleted",
                self.next_seq
            )
        } else if seq > self.next_seq {
            format!(
                "the chain jumps from {} to {seq}: records were deleted",
                self.next_seq - 1
            )
        } else {
            return Ok(());
        };
        Err(self.broken(seq, problem))
    }

    fn prev_problem(&self, seq: i64) -> String {
        if self.records == 0 {
            "its prev does not match the chain's checkpoint".to_owned()
        } else {
            format!("its prev does not match the hash of record {}", seq - 1)
        }
    }

    fn broken(&self, seq: i64, problem: String) -> Broken {
        Broken {
            tenant: self.tenant.clone(),
            seq,
            problem,
        }
    }
}

/// Verifies `tenant`'s chain, whose checkpoint and head are `head`, from its records in seq order.
pub fn verify(
    tenant: &str,
    head: &ChainHead,
    records: impl IntoIterator<Item = AuditRow>,
) -> Result<Verified, Broken> {
    let mut verifier = ChainVerifier::new(tenant, head);
    for row in records {
        verifier.check(row)?;
    }
    verifier.finish()
}

/// Verifies the chain of `tenant`, or of every tenant when `None`, reading the records in pages.
pub async fn verify_store(
    store: &dyn Store,
    tenant: Option<&str>,
) -> Result<Vec<Verified>, VerifyError> {
    let tenants = match tenant {
        Some(tenant) => vec![tenant.to_owned()],
        None => store.tenants().await?,
    };
    let mut verified = Vec::new();
    let mut broken = Vec::new();
    for tenant in tenants {
        let head = store
            .chain(&tenant)
            .await?
            .ok_or_else(|| VerifyError::NoChain(tenant.clone()))?;
        match verify_chain(store, &tenant, &head).await? {
            Ok(chain) => verified.push(chain),
            Err(chain) => broken.push(chain),
        }
    }
    if broken.is_empty() {
        Ok(verified)
    } else {
        Err(VerifyError::Broken(broken))
    }
}

/// Pages one tenant's records up to `head` through a [`ChainVerifier`].
async fn verify_chain(
    store: &dyn Store,
    tenant: &str,
    head: &ChainHead,
) -> Result<Result<Verified, Broken>, StoreError> {
    let mut verifier = ChainVerifier::new(tenant, head);
    let mut after_seq = None;
    loop {
        let query = AuditQuery {
            tenant: Some(tenant.to_owned()),
            after_seq,
            limit: PAGE,
            ..AuditQuery::default()
        };
        let page = store.audit_page(&query).await?;
        let full = page.len() == PAGE as usize;
        for row in page {
            // Records appended after the head was read are not part of this check.
            if matches!(&row, Ok(record) if record.seq > head.last_seq) {
                return Ok(verifier.finish());
            }
            after_seq = row.as_ref().ok().map(|record| record.seq);
            if let Err(broken) = verifier.check(row) {
                return Ok(Err(broken));
            }
        }
        if !full {
            return Ok(verifier.finish());
        }
    }
}
