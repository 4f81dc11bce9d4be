//! The [`Store`] trait: every durable operation Duet needs, the same for SQLite and PostgreSQL.

use async_trait::async_trait;
use serde_json::Value;

use super::error::StoreError;
use super::rows::{
    Activity, Attempt, AuditQuery, AuditRecord, AuditRow, ChainHead, Forgotten, Held, Millis,
    NewAuditRecord, Outcome, Pruned, SubjectKind, SubjectQuery, SubjectRow, Tally, Write,
};

/// Duet's durable store, shared as `Arc<dyn Store>`.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn dialect(&self) -> &'static str;

    /// Answers `SELECT 1`: whether the database is reachable now (for `GET /readyz`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Stores every group in one transaction, each group atomically on its own: a group that
    /// fails is rolled back alone. Per write: upserts the subject (insert-only when `creates`),
    /// replaces its parties and its claims (a claim another subject of its kind holds fails the
    /// group with [`Outcome::Claimed`]), and appends the audit record to the tenant's chain.
    async fn commit(&self, groups: &[Vec<Write>]) -> Result<Vec<Outcome>, StoreError>;

    /// Every live subject of `kind`, and the ended ones whose `ended_at >= live_or_ended_since`.
    async fn subjects(
        &self,
        kind: SubjectKind,
        live_or_ended_since: Millis,
    ) -> Result<Vec<SubjectRow>, StoreError>;

    /// One tenant's subjects as `query` says: the live ones and the recently ended ones of a
    /// kind, newest first (by `created_at`, then id), at most `query.limit`, with their parties.
    async fn recent_subjects(&self, query: &SubjectQuery) -> Result<Vec<SubjectRow>, StoreError>;

    /// The subject `id` of `kind`, live or ended, with its parties, of every tenant that has
    /// one, in tenant order: ids are unique within a tenant, so this is one row, or none, or
    /// (rarely) one for each tenant that drew the same id.
    async fn subjects_with_id(
        &self,
        kind: SubjectKind,
        id: &str,
    ) -> Result<Vec<SubjectRow>, StoreError>;

    /// Raises each subject's `last_activity_at` (never lowers it), in one transaction.
    async fn touch(&self, activity: &[Activity]) -> Result<(), StoreError>;

    /// Deletes ended subjects (and their parties) that ended before `ended_before`; returns how
    /// many.
    async fn prune_subjects(&self, ended_before: Millis) -> Result<u64, StoreError>;

    /// Records that `node` is alive at `at`, or stopped cleanly at `at`.
    async fn heartbeat(&self, node: &str, at: Millis, clean_stop: bool) -> Result<(), StoreError>;

    /// The last heartbeat of `node`: when, and whether it was a clean stop.
    async fn last_heartbeat(&self, node: &str) -> Result<Option<(Millis, bool)>, StoreError>;

    /// Marks what this store's commits create from now on as held by `node`, a cluster's node
    /// (set once, at start-up; a single node holds nothing).
    fn hold_as(&self, node: &str);

    /// Which node holds the subject `id` of `kind`, per tenant that has one.
    async fn holders(&self, kind: SubjectKind, id: &str) -> Result<Vec<Held>, StoreError>;

    /// Moves the subject from `from` (`None`: held by no node) to `to`; false when another
    /// node claimed it first.
    async fn take_hold(
        &self,
        kind: SubjectKind,
        (tenant, id): (&str, &str),
        from: Option<&str>,
        to: &str,
    ) -> Result<bool, StoreError>;

    /// The live subjects of `kind` no running node holds: held by no node, or by a node other
    /// than `me` that stopped cleanly or whose last heartbeat is older than `stale_before`.
    async fn orphans(
        &self,
        kind: SubjectKind,
        me: &str,
        stale_before: Millis,
    ) -> Result<Vec<Held>, StoreError>;

    /// The subject of `kind` holding `claim` (`key:<digits>` of a pending share, `agent:<id>`),
    /// and the node that holds it.
    async fn claimant(&self, kind: SubjectKind, claim: &str) -> Result<Option<Held>, StoreError>;

    /// The live sessions (or shares) of an Omnichannel conversation, oldest first, and their
    /// nodes.
    async fn of_conversation(
        &self,
        kind: SubjectKind,
        conversation: &str,
    ) -> Result<Vec<Held>, StoreError>;

    /// Lets go of everything `node` holds (a clean stop); returns how many.
    async fn release(&self, node: &str) -> Result<u64, StoreError>;

    /// The tenant's setting `name`, if set.
    async fn setting(&self, tenant: &str, name: &str) -> Result<Option<Value>, StoreError>;

    /// Every tenant's setting `name`, by tenant.
    async fn settings_named(&self, name: &str) -> Result<Vec<(String, Value)>, StoreError>;

    /// Sets the tenant's setting `name` and appends `audit` to the tenant's chain, together.
    async fn put_setting(
        &self,
        tenant: &str,
        name: &str,
        value: &Value,
        audit: NewAuditRecord,
    ) -> Result<(), StoreError>;

    /// The stored secret `name`; stores `candidate` first when there is none, so nodes starting
    /// together agree on one value.
    async fn secret_or_insert(&self, name: &str, candidate: &[u8]) -> Result<Vec<u8>, StoreError>;

    /// Counts `attempt` against its limit where every node sharing the database sees it: a
    /// sliding window (the previous fixed window weighted by its overlap, plus the current one).
    /// An attempt over the limit is refused and not counted.
    async fn count_attempt(&self, attempt: &Attempt) -> Result<Tally, StoreError>;

    /// Audit records matching `query`, ordered by tenant then seq, each one read or the reason it
    /// cannot be (for verification).
    async fn audit_page(&self, query: &AuditQuery) -> Result<Vec<AuditRow>, StoreError>;

    /// Audit records matching `query`, ordered by tenant then seq; a record that cannot be read
    /// is an error.
    async fn audit(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = self.audit_page(query).await?;
        rows.into_iter()
            .collect::<Result<_, _>>()
            .map_err(StoreError::Malformed)
    }

    /// The tenants that have an audit chain, in name order.
    async fn tenants(&self) -> Result<Vec<String>, StoreError>;

    /// Where the tenant's retained chain starts and ends, if it has one.
    async fn chain(&self, tenant: &str) -> Result<Option<ChainHead>, StoreError>;

    /// Deletes the tenant's records older than `before`, as a prefix in seq order (stopping at the
    /// first that is not older), moves the chain's checkpoint, and appends an `audit.pruned`
    /// record at `at`. Nothing to remove appends nothing.
    async fn prune_audit(
        &self,
        tenant: &str,
        before: Millis,
        at: Millis,
    ) -> Result<Pruned, StoreError>;

    /// Removes the tenant's sessions, shares and settings, and its audit trail when
    /// `purge_audit`; what `duet deprovision` removes.
    async fn forget_tenant(&self, tenant: &str, purge_audit: bool)
    -> Result<Forgotten, StoreError>;
}
