-- A supervisor's list of sessions: one tenant's, newest first, and one session by id.

-- One tenant's sessions (or shares) walked newest first, stopping at the list's limit.
CREATE INDEX subjects_by_start ON subjects (tenant, kind, created_at, id);

-- Whose a session is, by its id alone (ids are unique within a tenant).
CREATE INDEX subjects_by_id ON subjects (kind, id);
