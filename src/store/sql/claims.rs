//! What a live subject holds alone among those of its kind (`claims`): replaced with every write
//! of its state, in the same transaction, so a claim another subject holds refuses the write on
//! every node sharing the database.

use std::fmt::Write as _;

use super::conn::{Conn, Param, RowReader};
use crate::store::rows::SubjectRow;

/// Takes the claim, or keeps it when this subject already holds it; changes no row when another
/// subject holds it.
const HOLD: &str = "INSERT INTO claims (kind, claim, tenant, subject_id) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (kind, claim) DO UPDATE SET tenant = excluded.tenant \
     WHERE claims.tenant = excluded.tenant AND claims.subject_id = excluded.subject_id";

const HOLDER: &str = "SELECT subject_id FROM claims WHERE kind = $1 AND claim = $2";

/// A claim another subject holds: the claim and that subject's id.
pub(crate) struct Taken {
    pub(crate) claim: String,
    pub(crate) holder: String,
}

/// Makes the subject's claims exactly `subject.claims`: lets go of the others, then takes each;
/// returns the first one another subject holds (the caller rolls the group back).
pub(crate) async fn hold(
    conn: &mut dyn Conn,
    subject: &SubjectRow,
) -> Result<Option<Taken>, sqlx::Error> {
    let kind = subject.kind.as_str();
    let key: [Param<'_>; 3] = [
        subject.tenant.as_str().into(),
        kind.into(),
        subject.id.as_str().into(),
    ];
    let mut release =
        String::from("DELETE FROM claims WHERE tenant = $1 AND kind = $2 AND subject_id = $3");
    let mut params = key.to_vec();
    if !subject.claims.is_empty() {
        let placeholders: Vec<String> = (4..4 + subject.claims.len())
            .map(|n| format!("${n}"))
            .collect();
        let _ = write!(release, " AND claim NOT IN ({})", placeholders.join(", "));
        params.extend(subject.claims.iter().map(Param::from));
    }
    conn.execute(&release, &params).await?;
    for claim in &subject.claims {
        let row = [kind.into(), claim.into(), key[0], key[2]];
        if conn.execute(HOLD, &row).await? == 0 {
            let holder = holder(conn, kind, claim).await?;
            return Ok(Some(Taken {
                claim: claim.clone(),
                holder,
            }));
        }
    }
    Ok(None)
}

/// The id of the subject holding `claim` (empty if it let go meanwhile).
async fn holder(conn: &mut dyn Conn, kind: &str, claim: &str) -> Result<String, sqlx::Error> {
    let rows = conn.fetch(HOLDER, &[kind.into(), claim.into()]).await?;
    Ok(rows
        .into_iter()
        .next()
        .and_then(|cells| RowReader::new("claims", cells).text(0, "subject_id").ok())
        .unwrap_or_default())
}
