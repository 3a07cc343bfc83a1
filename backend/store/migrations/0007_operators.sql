-- The operators who work on the record: on a team database each is a named
-- person, asked for a name on first connect; history rows name them in
-- their actor column (by name: the record stays readable without this
-- table). On this computer's file the one operator is listed too.
CREATE TABLE operators (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	name TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX operators_name_idx ON operators (name);
