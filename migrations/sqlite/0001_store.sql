-- Duet's store in SQLite: sessions and shares with their parties, each tenant's audit chain
-- (its checkpoint and head) and records, tenant settings, secrets and node heartbeats.
-- Times are unix milliseconds (UTC) except audit_records.at, the RFC 3339 text that was hashed.
-- STRICT tables refuse values of the wrong type.

CREATE TABLE subjects (
    tenant TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('session', 'share')),
    id TEXT NOT NULL,
    state TEXT NOT NULL,
    live INTEGER NOT NULL CHECK (live IN (0, 1)),
    conversation TEXT,
    created_at INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL,
    ended_at INTEGER,
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant, kind, id)
) STRICT;

-- Resuming after a restart: the live ones and the recently ended ones of a kind.
CREATE INDEX subjects_by_end ON subjects (kind, live, ended_at);

CREATE TABLE parties (
    tenant TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    role TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, kind, subject_id, position),
    FOREIGN KEY (tenant, kind, subject_id) REFERENCES subjects (tenant, kind, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE audit_chains (
    tenant TEXT NOT NULL PRIMARY KEY,
    first_seq INTEGER NOT NULL,
    first_prev TEXT NOT NULL,
    last_seq INTEGER NOT NULL,
    last_hash TEXT NOT NULL
) STRICT;

CREATE TABLE audit_records (
    tenant TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    session TEXT,
    actor_role TEXT NOT NULL,
    actor_id TEXT,
    actor_name TEXT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (tenant, seq)
) STRICT;

CREATE INDEX audit_records_by_session ON audit_records (session, tenant, seq);
CREATE INDEX audit_records_by_time ON audit_records (tenant, at);

CREATE TABLE settings (
    tenant TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, name)
) STRICT;

CREATE TABLE secrets (
    name TEXT NOT NULL PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

CREATE TABLE heartbeats (
    node TEXT NOT NULL PRIMARY KEY,
    at INTEGER NOT NULL,
    clean_stop INTEGER NOT NULL CHECK (clean_stop IN (0, 1))
) STRICT;
