//! Rate limits every node counts in (`rate_hits`): attempts per bucket per fixed window, read as
//! a sliding window by weighting the previous window by how much of it still overlaps. An
//! attempt over the limit is not counted (its transaction rolls back), as in memory.

use super::conn::{Conn, RowReader};
use crate::store::error::StoreError;
use crate::store::rows::{Attempt, Millis, Tally};

/// Counts one more attempt in the current window and returns the count; the row lock it takes
/// serialises attempts on one bucket across nodes until the transaction ends.
const COUNT: &str = "INSERT INTO rate_hits (bucket, window_start, hits, expires_at) \
     VALUES ($1, $2, 1, $3) ON CONFLICT (bucket, window_start) \
     DO UPDATE SET hits = rate_hits.hits + 1 RETURNING hits";

const PREVIOUS: &str = "SELECT hits FROM rate_hits WHERE bucket = $1 AND window_start = $2";

const EXPIRE: &str = "DELETE FROM rate_hits WHERE expires_at < $1";

/// Counts `attempt` in the transaction `conn` is in; the caller commits only a `Counted` one.
pub(crate) async fn count(conn: &mut dyn Conn, attempt: &Attempt) -> Result<Tally, StoreError> {
    let failed = |error| StoreError::database("counting an attempt against a rate limit", error);
    let window = attempt.window.max(1);
    let start = attempt.at - attempt.at.rem_euclid(window);
    let bucket = attempt.bucket.as_str();
    let expires = start + 2 * window;
    let rows = conn
        .fetch(COUNT, &[bucket.into(), start.into(), expires.into()])
        .await
        .map_err(failed)?;
    let current = first_int(rows)?;
    if current == 1 {
        // A new window: the moment to forget every bucket's windows that no longer count.
        conn.execute(EXPIRE, &[attempt.at.into()])
            .await
            .map_err(failed)?;
    }
    let rows = conn
        .fetch(PREVIOUS, &[bucket.into(), (start - window).into()])
        .await
        .map_err(failed)?;
    let previous = if rows.is_empty() { 0 } else { first_int(rows)? };
    let overlap = window - (attempt.at - start);
    // previous * overlap / window + current > limit, in integers.
    if i128::from(previous) * i128::from(overlap) + i128::from(current) * i128::from(window)
        > i128::from(attempt.limit) * i128::from(window)
    {
        return Ok(Tally::Refused {
            retry_after: overlap,
        });
    }
    Ok(Tally::Counted)
}

fn first_int(rows: Vec<Vec<super::conn::Cell>>) -> Result<Millis, StoreError> {
    let cells = rows.into_iter().next().unwrap_or_default();
    RowReader::new("rate_hits", cells)
        .int(0, "hits")
        .map_err(|what| StoreError::Corrupt { what })
}
