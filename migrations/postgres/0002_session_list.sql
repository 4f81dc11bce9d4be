-- A supervisor's list of sessions: one tenant's, newest first, and one session by id.

-- One tenant's sessions (or shares) walked newest first, stopping at the list's limit.
CREATE INDEX subjects_by_start ON subjects (tenant, kind, created_at, id);

-- Whose a session is, by its id alone (ids are unique within a tenant).
CREATE INDEX subjects_by_id ON subjects (kind, id);

-- The list's text filter compares lower(conversation) and lower(name): on the "C" collation,
-- as in SQLite, lower() folds ASCII letters only, so both stores find the same sessions; and
-- these columns sort by their bytes, like the other text columns here.
ALTER TABLE subjects ALTER COLUMN conversation TYPE TEXT COLLATE "C";
ALTER TABLE parties ALTER COLUMN name TYPE TEXT COLLATE "C";
