//! The one implementation of [`Store`] over SQL, for every [`Backend`]: the statements are
//! written once with numbered placeholders, which SQLite and PostgreSQL both accept; the
//! dialects differ only in their migrations and in how they open transactions.

mod audit_rows;
mod chains;
mod claims;
mod commit;
pub(crate) mod conn;
mod listing;
mod owners;
mod prune;
mod rates;
mod subjects;
mod tenant;

use async_trait::async_trait;
use serde_json::Value;
use sqlx::Transaction;

use super::api::Store;
use super::error::StoreError;
use super::rows::{
    Activity, Attempt, AuditQuery, AuditRow, ChainHead, Forgotten, Held, Millis, NewAuditRecord,
    Outcome, Pruned, SubjectKind, SubjectQuery, SubjectRow, Tally, Write,
};
pub(crate) use conn::Backend;

/// Opens a writing transaction on `backend`.
async fn writing<B: Backend>(backend: &B) -> Result<Transaction<'static, B::Db>, StoreError> {
    backend
        .begin_write()
        .await
        .map_err(|error| StoreError::database("starting a transaction", error))
}

/// Opens a reading transaction on `backend`.
async fn reading<B: Backend>(backend: &B) -> Result<Transaction<'static, B::Db>, StoreError> {
    backend
        .begin_read()
        .await
        .map_err(|error| StoreError::database("starting a transaction", error))
}

/// Commits `transaction`.
async fn finish<D: sqlx::Database>(transaction: Transaction<'static, D>) -> Result<(), StoreError> {
    transaction
        .commit()
        .await
        .map_err(|error| StoreError::database("committing a transaction", error))
}

#[async_trait]
impl<B: Backend> Store for B {
    fn dialect(&self) -> &'static str {
        B::DIALECT
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let mut transaction = reading(self).await?;
        conn::Conn::execute(&mut *transaction, "SELECT 1", &[])
            .await
            .map_err(|error| StoreError::database("answering SELECT 1", error))?;
        finish(transaction).await
    }

    async fn commit(&self, groups: &[Vec<Write>]) -> Result<Vec<Outcome>, StoreError> {
        let mut transaction = writing(self).await?;
        let holder = self.holder().get().map(String::as_str);
        let outcomes = commit::commit(&mut *transaction, groups, holder).await?;
        finish(transaction).await?;
        Ok(outcomes)
    }

    async fn subjects(
        &self,
        kind: SubjectKind,
        live_or_ended_since: Millis,
    ) -> Result<Vec<SubjectRow>, StoreError> {
        let mut transaction = reading(self).await?;
        let rows = subjects::subjects(&mut *transaction, kind, live_or_ended_since).await?;
        finish(transaction).await?;
        Ok(rows)
    }

    async fn recent_subjects(&self, query: &SubjectQuery) -> Result<Vec<SubjectRow>, StoreError> {
        let mut transaction = reading(self).await?;
        let rows = listing::recent(&mut *transaction, query).await?;
        finish(transaction).await?;
        Ok(rows)
    }

    async fn subjects_with_id(
        &self,
        kind: SubjectKind,
        id: &str,
    ) -> Result<Vec<SubjectRow>, StoreError> {
        let mut transaction = reading(self).await?;
        let rows = listing::with_id(&mut *transaction, kind, id).await?;
        finish(transaction).await?;
        Ok(rows)
    }

    async fn touch(&self, activity: &[Activity]) -> Result<(), StoreError> {
        let mut transaction = writing(self).await?;
        subjects::touch(&mut *transaction, activity).await?;
        finish(transaction).await
    }

    async fn prune_subjects(&self, ended_before: Millis) -> Result<u64, StoreError> {
        let mut transaction = writing(self).await?;
        let pruned = subjects::prune(&mut *transaction, ended_before).await?;
        finish(transaction).await?;
        Ok(pruned)
    }

    async fn heartbeat(&self, node: &str, at: Millis, clean_stop: bool) -> Result<(), StoreError> {
        let mut transaction = writing(self).await?;
        tenant::heartbeat(&mut *transaction, node, at, clean_stop).await?;
        finish(transaction).await
    }

    async fn last_heartbeat(&self, node: &str) -> Result<Option<(Millis, bool)>, StoreError> {
        let mut transaction = reading(self).await?;
        let beat = tenant::last_heartbeat(&mut *transaction, node).await?;
        finish(transaction).await?;
        Ok(beat)
    }

    fn hold_as(&self, node: &str) {
        let _ = self.holder().set(node.to_owned());
    }

    async fn holders(&self, kind: SubjectKind, id: &str) -> Result<Vec<Held>, StoreError> {
        let mut transaction = reading(self).await?;
        let held = owners::holders(&mut *transaction, kind, id).await?;
        finish(transaction).await?;
        Ok(held)
    }

    async fn take_hold(
        &self,
        kind: SubjectKind,
        (tenant, id): (&str, &str),
        from: Option<&str>,
        to: &str,
    ) -> Result<bool, StoreError> {
        let mut transaction = writing(self).await?;
        let claimed = owners::take_hold(&mut *transaction, (tenant, kind, id), from, to).await?;
        finish(transaction).await?;
        Ok(claimed)
    }

    async fn orphans(
        &self,
        kind: SubjectKind,
        me: &str,
        stale_before: Millis,
    ) -> Result<Vec<Held>, StoreError> {
        let mut transaction = reading(self).await?;
        let orphans = owners::orphans(&mut *transaction, kind, me, stale_before).await?;
        finish(transaction).await?;
        Ok(orphans)
    }

    async fn claimant(&self, kind: SubjectKind, claim: &str) -> Result<Option<Held>, StoreError> {
        let mut transaction = reading(self).await?;
        let held = owners::claimant(&mut *transaction, kind, claim).await?;
        finish(transaction).await?;
        Ok(held)
    }

    async fn of_conversation(
        &self,
        kind: SubjectKind,
        conversation: &str,
    ) -> Result<Vec<Held>, StoreError> {
        let mut transaction = reading(self).await?;
        let held = owners::of_conversation(&mut *transaction, kind, conversation).await?;
        finish(transaction).await?;
        Ok(held)
    }

    async fn release(&self, node: &str) -> Result<u64, StoreError> {
        let mut transaction = writing(self).await?;
        let released = owners::release(&mut *transaction, node).await?;
        finish(transaction).await?;
        Ok(released)
    }

    async fn setting(&self, tenant: &str, name: &str) -> Result<Option<Value>, StoreError> {
        let mut transaction = reading(self).await?;
        let value = tenant::setting(&mut *transaction, tenant, name).await?;
        finish(transaction).await?;
        Ok(value)
    }

    async fn settings_named(&self, name: &str) -> Result<Vec<(String, Value)>, StoreError> {
        let mut transaction = reading(self).await?;
        let values = tenant::settings_named(&mut *transaction, name).await?;
        finish(transaction).await?;
        Ok(values)
    }

    async fn put_setting(
        &self,
        tenant: &str,
        name: &str,
        value: &Value,
        audit: NewAuditRecord,
    ) -> Result<(), StoreError> {
        let mut transaction = writing(self).await?;
        tenant::put_setting(&mut *transaction, tenant, name, value, &audit).await?;
        finish(transaction).await
    }

    async fn secret_or_insert(&self, name: &str, candidate: &[u8]) -> Result<Vec<u8>, StoreError> {
        let mut transaction = writing(self).await?;
        let secret = tenant::secret_or_insert(&mut *transaction, name, candidate).await?;
        finish(transaction).await?;
        Ok(secret)
    }

    async fn count_attempt(&self, attempt: &Attempt) -> Result<Tally, StoreError> {
        let mut transaction = writing(self).await?;
        let tally = rates::count(&mut *transaction, attempt).await?;
        if tally == Tally::Counted {
            finish(transaction).await?;
        }
        Ok(tally)
    }

    async fn audit_page(&self, query: &AuditQuery) -> Result<Vec<AuditRow>, StoreError> {
        let mut transaction = reading(self).await?;
        let rows = audit_rows::audit_page(&mut *transaction, query).await?;
        finish(transaction).await?;
        Ok(rows)
    }

    async fn tenants(&self) -> Result<Vec<String>, StoreError> {
        let mut transaction = reading(self).await?;
        let tenants = chains::tenants(&mut *transaction).await?;
        finish(transaction).await?;
        Ok(tenants)
    }

    async fn chain(&self, tenant: &str) -> Result<Option<ChainHead>, StoreError> {
        let mut transaction = reading(self).await?;
        let head = chains::head(&mut *transaction, tenant).await?;
        finish(transaction).await?;
        Ok(head)
    }

    async fn prune_audit(
        &self,
        tenant: &str,
        before: Millis,
        at: Millis,
    ) -> Result<Pruned, StoreError> {
        let mut transaction = writing(self).await?;
        let pruned = prune::prune_audit(&mut *transaction, tenant, before, at).await?;
        finish(transaction).await?;
        Ok(pruned)
    }

    async fn forget_tenant(
        &self,
        tenant: &str,
        purge_audit: bool,
    ) -> Result<Forgotten, StoreError> {
        let mut transaction = writing(self).await?;
        let forgotten = tenant::forget_tenant(&mut *transaction, tenant, purge_audit).await?;
        finish(transaction).await?;
        Ok(forgotten)
    }
}
