-- The dossier: one row per zaak, and what the organisations record on it.
-- Dates are TEXT (YYYY-MM-DD), times TEXT (RFC 3339, UTC): portable between SQLite and PostgreSQL.
CREATE TABLE zaaknummers (
	bronorganisatie TEXT NOT NULL,
	jaar INTEGER NOT NULL,
	laatste BIGINT NOT NULL,
	PRIMARY KEY (bronorganisatie, jaar)
);

CREATE TABLE zaken (
	identificatie TEXT PRIMARY KEY,
	bronorganisatie TEXT NOT NULL,
	zaaktype TEXT NOT NULL,
	omschrijving TEXT NOT NULL,
	toelichting TEXT NOT NULL DEFAULT '',
	startdatum TEXT NOT NULL,
	einddatum_gepland TEXT,
	einddatum TEXT,
	initiator TEXT NOT NULL DEFAULT '',
	vertrouwelijkheidaanduiding TEXT NOT NULL,
	fase INTEGER NOT NULL,
	fase_sinds TEXT NOT NULL,
	archiefnominatie TEXT NOT NULL DEFAULT '',
	archiefactiedatum TEXT,
	archiefstatus TEXT NOT NULL DEFAULT 'nog_te_archiveren',
	startdatum_bewaartermijn TEXT,
	archief_uitgesteld TEXT NOT NULL DEFAULT '',
	aangemaakt TEXT NOT NULL,
	gewijzigd TEXT NOT NULL
);
CREATE INDEX zaken_zaaktype ON zaken (zaaktype, fase);
CREATE INDEX zaken_archief ON zaken (archiefstatus, archiefnominatie, archiefactiedatum);

CREATE TABLE statussen (
	id TEXT PRIMARY KEY,
	zaak TEXT NOT NULL REFERENCES zaken (identificatie),
	volgnummer INTEGER NOT NULL,
	datum_status_gezet TEXT NOT NULL,
	statustoelichting TEXT NOT NULL DEFAULT '',
	organisatie TEXT NOT NULL,
	geregistreerd TEXT NOT NULL
);
CREATE INDEX statussen_zaak ON statussen (zaak, datum_status_gezet);

CREATE TABLE documenten (
	id TEXT PRIMARY KEY,
	zaak TEXT NOT NULL REFERENCES zaken (identificatie),
	informatieobjecttype TEXT NOT NULL,
	titel TEXT NOT NULL,
	auteur TEXT NOT NULL,
	creatiedatum TEXT NOT NULL,
	vertrouwelijkheidaanduiding TEXT NOT NULL,
	taal TEXT NOT NULL,
	bestandsnaam TEXT NOT NULL,
	formaat TEXT NOT NULL,
	status TEXT NOT NULL,
	bestandsomvang BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	fase INTEGER NOT NULL,
	organisatie TEXT NOT NULL,
	geregistreerd TEXT NOT NULL
);
CREATE INDEX documenten_zaak ON documenten (zaak);
CREATE INDEX documenten_sha256 ON documenten (sha256);

CREATE TABLE besluiten (
	id TEXT PRIMARY KEY,
	zaak TEXT NOT NULL REFERENCES zaken (identificatie),
	besluittype TEXT NOT NULL,
	datum TEXT NOT NULL,
	ingangsdatum TEXT NOT NULL,
	vervaldatum TEXT,
	toelichting TEXT NOT NULL DEFAULT '',
	fase INTEGER NOT NULL,
	organisatie TEXT NOT NULL,
	geregistreerd TEXT NOT NULL
);
CREATE INDEX besluiten_zaak ON besluiten (zaak);

CREATE TABLE eigenschappen (
	zaak TEXT NOT NULL REFERENCES zaken (identificatie),
	naam TEXT NOT NULL,
	waarde TEXT NOT NULL,
	fase INTEGER NOT NULL,
	organisatie TEXT NOT NULL,
	geregistreerd TEXT NOT NULL,
	PRIMARY KEY (zaak, naam)
);

CREATE TABLE resultaten (
	zaak TEXT PRIMARY KEY REFERENCES zaken (identificatie),
	resultaattype TEXT NOT NULL,
	toelichting TEXT NOT NULL DEFAULT '',
	fase INTEGER NOT NULL,
	organisatie TEXT NOT NULL,
	geregistreerd TEXT NOT NULL
);

CREATE TABLE rollen (
	id TEXT PRIMARY KEY,
	zaak TEXT NOT NULL REFERENCES zaken (identificatie),
	roltype TEXT NOT NULL,
	betrokkene TEXT NOT NULL,
	roltoelichting TEXT NOT NULL DEFAULT '',
	fase INTEGER NOT NULL,
	organisatie TEXT NOT NULL,
	geregistreerd TEXT NOT NULL
);
CREATE INDEX rollen_zaak ON rollen (zaak);

CREATE TABLE contactmomenten (
	id TEXT PRIMARY KEY,
	zaak TEXT NOT NULL REFERENCES zaken (identificatie),
	kanaal TEXT NOT NULL,
	onderwerp TEXT NOT NULL,
	tekst TEXT NOT NULL,
	fase INTEGER NOT NULL,
	organisatie TEXT NOT NULL,
	geregistreerd TEXT NOT NULL
);
CREATE INDEX contactmomenten_zaak ON contactmomenten (zaak);

-- The audit trail: one hash chain per zaak (zaak '' is the chain of events without a zaak).
CREATE TABLE audit (
	id TEXT PRIMARY KEY,
	zaak TEXT NOT NULL,
	volgnummer BIGINT NOT NULL,
	tijd TEXT NOT NULL,
	organisatie TEXT NOT NULL,
	rol TEXT NOT NULL,
	token TEXT NOT NULL,
	fase INTEGER NOT NULL,
	actie TEXT NOT NULL,
	details TEXT NOT NULL,
	vorige_hash TEXT NOT NULL,
	hash TEXT NOT NULL,
	UNIQUE (zaak, volgnummer)
);

CREATE TABLE tokens (
	id TEXT PRIMARY KEY,
	hash TEXT NOT NULL UNIQUE,
	organisatie TEXT NOT NULL,
	rol TEXT NOT NULL,
	omschrijving TEXT NOT NULL DEFAULT '',
	aangemaakt TEXT NOT NULL,
	ingetrokken TEXT
);
