//! Which node of a cluster holds each session and share (`owners`): set when one is created,
//! moved by a claim that names the node it takes it from, let go of at a clean stop.

use super::conn::{Conn, RowReader};
use crate::store::error::StoreError;
use crate::store::rows::{Held, Millis, SubjectKind};

const INSERT: &str = "INSERT INTO owners (tenant, kind, id, node) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (tenant, kind, id) DO NOTHING";

const SELECT_HOLDERS: &str = "SELECT o.tenant, o.id, o.node FROM owners o \
     WHERE o.kind = $1 AND o.id = $2 ORDER BY o.tenant";

const MOVE: &str = "UPDATE owners SET node = $5 \
     WHERE tenant = $1 AND kind = $2 AND id = $3 AND node = $4";

/// Live ones held by a node other than `$2` that stopped (cleanly, or whose last heartbeat is
/// older than `$3`), or held by no node at all.
const SELECT_ORPHANS: &str = "SELECT s.tenant, s.id, o.node FROM subjects s \
     LEFT JOIN owners o ON o.tenant = s.tenant AND o.kind = s.kind AND o.id = s.id \
     LEFT JOIN heartbeats h ON h.node = o.node \
     WHERE s.kind = $1 AND s.live AND (o.node IS NULL OR (o.node <> $2 AND \
     (h.node IS NULL OR h.clean_stop OR h.at < $3))) ORDER BY s.tenant, s.id";

const RELEASE: &str = "DELETE FROM owners WHERE node = $1";

/// The subject holding the claim `$2` among those of kind `$1`, and who holds that subject.
const SELECT_CLAIMANT: &str = "SELECT c.tenant, c.subject_id, o.node FROM claims c \
     LEFT JOIN owners o ON o.tenant = c.tenant AND o.kind = c.kind AND o.id = c.subject_id \
     WHERE c.kind = $1 AND c.claim = $2";

/// The live subjects of kind `$1` of conversation `$2`, and who holds each, oldest first.
const SELECT_CONVERSATION: &str = "SELECT s.tenant, s.id, o.node FROM subjects s \
     LEFT JOIN owners o ON o.tenant = s.tenant AND o.kind = s.kind AND o.id = s.id \
     WHERE s.kind = $1 AND s.live AND s.conversation = $2 ORDER BY s.created_at, s.id";

/// Records that `node` holds the subject just created.
pub(crate) async fn hold(
    conn: &mut dyn Conn,
    (tenant, kind, id): (&str, SubjectKind, &str),
    node: &str,
) -> Result<(), sqlx::Error> {
    let params = [tenant.into(), kind.as_str().into(), id.into(), node.into()];
    conn.execute(INSERT, &params).await.map(drop)
}

/// Who holds the subject `id` of `kind`, per tenant that has one.
pub(crate) async fn holders(
    conn: &mut dyn Conn,
    kind: SubjectKind,
    id: &str,
) -> Result<Vec<Held>, StoreError> {
    let params = [kind.as_str().into(), id.into()];
    held_rows(conn, SELECT_HOLDERS, &params, "reading who holds a session").await
}

/// Moves the subject from `from` (`None`: held by no node) to `to`; false when it is not held
/// by `from` any more (another node claimed it first).
pub(crate) async fn take_hold(
    conn: &mut dyn Conn,
    (tenant, kind, id): (&str, SubjectKind, &str),
    from: Option<&str>,
    to: &str,
) -> Result<bool, StoreError> {
    let failed = |error| StoreError::database("claiming a session for this node", error);
    let key = [tenant.into(), kind.as_str().into(), id.into()];
    let changed = match from {
        Some(from) => {
            let params = [key[0], key[1], key[2], from.into(), to.into()];
            conn.execute(MOVE, &params).await.map_err(failed)?
        }
        None => {
            let params = [key[0], key[1], key[2], to.into()];
            conn.execute(INSERT, &params).await.map_err(failed)?
        }
    };
    Ok(changed == 1)
}

/// The live subjects of `kind` no running node holds (see `SELECT_ORPHANS`).
pub(crate) async fn orphans(
    conn: &mut dyn Conn,
    kind: SubjectKind,
    me: &str,
    stale_before: Millis,
) -> Result<Vec<Held>, StoreError> {
    let params = [kind.as_str().into(), me.into(), stale_before.into()];
    held_rows(
        conn,
        SELECT_ORPHANS,
        &params,
        "reading the sessions no node holds",
    )
    .await
}

/// The subject of `kind` holding `claim` (a pending share's key, an agent), if one does.
pub(crate) async fn claimant(
    conn: &mut dyn Conn,
    kind: SubjectKind,
    claim: &str,
) -> Result<Option<Held>, StoreError> {
    let params = [kind.as_str().into(), claim.into()];
    let rows = held_rows(conn, SELECT_CLAIMANT, &params, "reading who holds a claim").await?;
    Ok(rows.into_iter().next())
}

/// The live subjects of `kind` of `conversation`, oldest first.
pub(crate) async fn of_conversation(
    conn: &mut dyn Conn,
    kind: SubjectKind,
    conversation: &str,
) -> Result<Vec<Held>, StoreError> {
    let params = [kind.as_str().into(), conversation.into()];
    held_rows(
        conn,
        SELECT_CONVERSATION,
        &params,
        "reading a conversation's sessions",
    )
    .await
}

/// Rows of (tenant, id, node or NULL).
async fn held_rows(
    conn: &mut dyn Conn,
    sql: &str,
    params: &[super::conn::Param<'_>],
    what: &'static str,
) -> Result<Vec<Held>, StoreError> {
    let rows = conn
        .fetch(sql, params)
        .await
        .map_err(|error| StoreError::database(what, error))?;
    rows.into_iter()
        .map(|cells| {
            let mut row = RowReader::new("owners", cells);
            let tenant = row.text(0, "tenant");
            let id = row.text(1, "id");
            let node = row.opt_text(2, "node");
            match (tenant, id, node) {
                (Ok(tenant), Ok(id), Ok(node)) => Ok(Held { tenant, id, node }),
                (Err(what), ..) | (_, Err(what), _) | (.., Err(what)) => {
                    Err(StoreError::Corrupt { what })
                }
            }
        })
        .collect()
}

/// Lets go of everything `node` holds; returns how many.
pub(crate) async fn release(conn: &mut dyn Conn, node: &str) -> Result<u64, StoreError> {
    conn.execute(RELEASE, &[node.into()])
        .await
        .map_err(|error| StoreError::database("letting go of this node's sessions", error))
}
