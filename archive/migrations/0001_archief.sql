-- The archive journal: runs, what each run did per zaak, the package of each zaak with every
-- object in it, and the lock that keeps two runs from overlapping.
-- Dates are TEXT (YYYY-MM-DD), times TEXT (RFC 3339, UTC), booleans INTEGER 0/1: portable
-- between SQLite and PostgreSQL.

-- One archive run or fixity check.
CREATE TABLE archief_runs (
	id TEXT PRIMARY KEY,
	soort TEXT NOT NULL,
	doel TEXT NOT NULL,
	gestart TEXT NOT NULL,
	beeindigd TEXT,
	status TEXT NOT NULL,
	pakketten INTEGER NOT NULL DEFAULT 0,
	objecten INTEGER NOT NULL DEFAULT 0,
	bytes BIGINT NOT NULL DEFAULT 0,
	fouten INTEGER NOT NULL DEFAULT 0,
	overgedragen INTEGER NOT NULL DEFAULT 0,
	holds_gezet INTEGER NOT NULL DEFAULT 0,
	holds_opgeheven INTEGER NOT NULL DEFAULT 0,
	afwijkingen INTEGER NOT NULL DEFAULT 0,
	melding TEXT NOT NULL DEFAULT ''
);
CREATE INDEX archief_runs_gestart ON archief_runs (gestart);

-- What one run did for one zaak in one step (archiveren, overbrengen, legal_hold, verifieren).
CREATE TABLE archief_items (
	run TEXT NOT NULL REFERENCES archief_runs (id),
	zaak TEXT NOT NULL,
	stap TEXT NOT NULL,
	status TEXT NOT NULL,
	objecten INTEGER NOT NULL DEFAULT 0,
	bytes BIGINT NOT NULL DEFAULT 0,
	fout TEXT NOT NULL DEFAULT '',
	gestart TEXT NOT NULL,
	beeindigd TEXT,
	PRIMARY KEY (run, zaak, stap)
);
CREATE INDEX archief_items_zaak ON archief_items (zaak);

-- The package of a zaak: where it is, its state, and the retention and legal hold it carries.
CREATE TABLE archief_pakketten (
	zaak TEXT PRIMARY KEY,
	map TEXT NOT NULL,
	doel TEXT NOT NULL,
	status TEXT NOT NULL,
	run TEXT NOT NULL,
	gepland TEXT NOT NULL,
	voltooid TEXT,
	vingerafdruk TEXT NOT NULL,
	nominatie TEXT NOT NULL,
	brondatum TEXT,
	archiefactiedatum TEXT,
	retentie_modus TEXT NOT NULL DEFAULT '',
	retentie_tot TEXT,
	legal_hold INTEGER NOT NULL DEFAULT 0,
	objecten INTEGER NOT NULL,
	bytes BIGINT NOT NULL,
	manifest_sha256 TEXT NOT NULL,
	laatst_geverifieerd TEXT,
	fout TEXT NOT NULL DEFAULT ''
);
CREATE INDEX archief_pakketten_status ON archief_pakketten (status, doel);

-- Every object of a package in write order; gedaan means written to the package's target and
-- verified there with this size and SHA-256.
CREATE TABLE archief_objecten (
	zaak TEXT NOT NULL REFERENCES archief_pakketten (zaak),
	sleutel TEXT NOT NULL,
	volgorde INTEGER NOT NULL,
	soort TEXT NOT NULL,
	grootte BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	mediatype TEXT NOT NULL,
	blob TEXT NOT NULL DEFAULT '',
	inhoud TEXT,
	gedaan INTEGER NOT NULL DEFAULT 0,
	geschreven TEXT,
	PRIMARY KEY (zaak, sleutel)
);

-- The run lock: one row per lock name while someone holds it.
CREATE TABLE archief_slot (
	naam TEXT PRIMARY KEY,
	eigenaar TEXT NOT NULL,
	host TEXT NOT NULL,
	pid INTEGER NOT NULL,
	sinds TEXT NOT NULL,
	verloopt TEXT NOT NULL
);
