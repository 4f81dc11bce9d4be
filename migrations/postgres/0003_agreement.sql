-- What several nodes on one database must agree on, kept as constraints here rather than checks
-- in one node's memory (#16).

-- What a live session or share holds alone among those of its kind: an agent (one live
-- co-browse and one live screen share each) or a pending share's key. Written with the
-- subject's state in the same transaction; a claim another subject holds refuses the write.
CREATE TABLE claims (
    kind TEXT NOT NULL CHECK (kind IN ('session', 'share')),
    claim TEXT COLLATE "C" NOT NULL,
    tenant TEXT COLLATE "C" NOT NULL,
    subject_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (kind, claim),
    FOREIGN KEY (tenant, kind, subject_id) REFERENCES subjects (tenant, kind, id) ON DELETE CASCADE
);

CREATE INDEX claims_by_subject ON claims (tenant, kind, subject_id);

-- Rate limits every node counts in: attempts per bucket (a hash of the limit's name and its
-- key, never an address or an id) per fixed window; rows past their expiry are deleted.
CREATE TABLE rate_hits (
    bucket TEXT COLLATE "C" NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

CREATE INDEX rate_hits_by_expiry ON rate_hits (expires_at);
