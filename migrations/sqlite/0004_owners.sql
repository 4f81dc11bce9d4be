-- Which node of a cluster holds each session and share: set in the transaction that creates it,
-- moved only by a claim that names the node it takes it from. A single node keeps no rows here.

CREATE TABLE owners (
    tenant TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    node TEXT NOT NULL,
    PRIMARY KEY (tenant, kind, id),
    FOREIGN KEY (tenant, kind, id) REFERENCES subjects (tenant, kind, id) ON DELETE CASCADE
);

-- A node's sessions and shares, for taking over those of a node that stopped.
CREATE INDEX owners_by_node ON owners (node);
