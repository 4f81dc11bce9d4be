-- What several nodes on one database must agree on, kept as constraints here rather than checks
-- in one node's memory (#16).

-- What a live session or share holds alone among those of its kind: an agent (one live
-- co-browse and one live screen share each) or a pending share's key. Written with the
-- subject's state in the same transaction; a claim another subject holds refuses the write.
CREATE TABLE claims (
    kind TEXT NOT NULL CHECK (kind IN ('session', 'share')),
    claim TEXT NOT NULL,
    tenant TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    PRIMARY KEY (kind, claim),
    FOREIGN KEY (tenant, kind, subject_id) REFERENCES subjects (tenant, kind, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX claims_by_subject ON claims (tenant, kind, subject_id);

-- Rate limits every node counts in: attempts per bucket (a hash of the limit's name and its
-- key, never an address or an id) per fixed window; rows past their expiry are deleted.
CREATE TABLE rate_hits (
    bucket TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
) STRICT;

CREATE INDEX rate_hits_by_expiry ON rate_hits (expires_at);
