-- Duet's store in PostgreSQL: sessions and shares with their parties, each tenant's audit chain
-- (its checkpoint and head) and records, tenant settings, secrets and node heartbeats.
-- Times are unix milliseconds (UTC) except audit_records.at, the RFC 3339 text that was hashed.
-- Tenants and audit times sort by their bytes (COLLATE "C"), as in SQLite.

CREATE TABLE subjects (
    tenant TEXT COLLATE "C" NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('session', 'share')),
    id TEXT COLLATE "C" NOT NULL,
    state TEXT NOT NULL,
    live BOOLEAN NOT NULL,
    conversation TEXT,
    created_at BIGINT NOT NULL,
    last_activity_at BIGINT NOT NULL,
    ended_at BIGINT,
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant, kind, id)
);

-- Resuming after a restart: the live ones and the recently ended ones of a kind.
CREATE INDEX subjects_by_end ON subjects (kind, live, ended_at);

CREATE TABLE parties (
    tenant TEXT COLLATE "C" NOT NULL,
    kind TEXT NOT NULL,
    subject_id TEXT COLLATE "C" NOT NULL,
    position BIGINT NOT NULL,
    role TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (tenant, kind, subject_id, position),
    FOREIGN KEY (tenant, kind, subject_id) REFERENCES subjects (tenant, kind, id) ON DELETE CASCADE
);

CREATE TABLE audit_chains (
    tenant TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    first_seq BIGINT NOT NULL,
    first_prev TEXT NOT NULL,
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);

CREATE TABLE audit_records (
    tenant TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    at TEXT COLLATE "C" NOT NULL,
    session TEXT COLLATE "C",
    actor_role TEXT NOT NULL,
    actor_id TEXT,
    actor_name TEXT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (tenant, seq)
);

CREATE INDEX audit_records_by_session ON audit_records (session, tenant, seq);
CREATE INDEX audit_records_by_time ON audit_records (tenant, at);

CREATE TABLE settings (
    tenant TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant, name)
);

CREATE TABLE secrets (
    name TEXT NOT NULL PRIMARY KEY,
    value BYTEA NOT NULL
);

CREATE TABLE heartbeats (
    node TEXT NOT NULL PRIMARY KEY,
    at BIGINT NOT NULL,
    clean_stop BOOLEAN NOT NULL
);
