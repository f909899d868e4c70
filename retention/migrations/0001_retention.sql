-- Retention: how each zaak's archival fields were derived, overrides, holds, destruction lists,
-- the minimal record of every destroyed zaak and the verklaringen van vernietiging.
-- Dates are TEXT (YYYY-MM-DD), times TEXT (RFC 3339, UTC), "who" columns JSON: portable between
-- SQLite and PostgreSQL, as in the dossier.

-- The derivation of a zaak's archiefnominatie and dates, step by step (JSON), as it was when the
-- eindstatus was set or the missing fact arrived.
CREATE TABLE retention_afleidingen (
	zaak TEXT PRIMARY KEY,
	afgeleid TEXT NOT NULL,
	afleiding TEXT NOT NULL
);

-- Changes by a recordmanager to a zaak's archiefnominatie or archiefactiedatum, with the reason.
CREATE TABLE retention_overrides (
	id TEXT PRIMARY KEY,
	zaak TEXT NOT NULL,
	volgnummer BIGINT NOT NULL,
	tijd TEXT NOT NULL,
	door TEXT NOT NULL,
	bron TEXT NOT NULL,
	van TEXT NOT NULL,
	naar TEXT NOT NULL,
	reden TEXT NOT NULL
);
CREATE UNIQUE INDEX retention_overrides_zaak ON retention_overrides (zaak, volgnummer);

-- Holds (bevriezingen) that suspend destruction: of one zaak, of a zaaktype, or of the zaken that
-- ran during a period.
CREATE TABLE retention_holds (
	id TEXT PRIMARY KEY,
	soort TEXT NOT NULL,
	reden TEXT NOT NULL,
	bereik TEXT NOT NULL,
	zaak TEXT NOT NULL DEFAULT '',
	zaaktype TEXT NOT NULL DEFAULT '',
	van TEXT,
	tot TEXT,
	einddatum TEXT,
	aangemaakt TEXT NOT NULL,
	aangemaakt_door TEXT NOT NULL,
	opgeheven TEXT,
	opgeheven_door TEXT,
	opheffingsreden TEXT NOT NULL DEFAULT ''
);
CREATE INDEX retention_holds_zaak ON retention_holds (zaak);

-- Destruction lists (vernietigingslijsten) and their items.
CREATE TABLE retention_lijsten (
	id TEXT PRIMARY KEY,
	naam TEXT NOT NULL,
	status TEXT NOT NULL,
	peildatum TEXT NOT NULL,
	aangemaakt TEXT NOT NULL,
	aangemaakt_door TEXT NOT NULL,
	ingediend TEXT,
	ingediend_door TEXT,
	goedgekeurd TEXT,
	goedgekeurd_door TEXT,
	uitvoerbaar_vanaf TEXT,
	geannuleerd TEXT,
	geannuleerd_door TEXT,
	annuleringsreden TEXT NOT NULL DEFAULT '',
	uitvoering_gestart TEXT,
	uitgevoerd TEXT,
	gewijzigd TEXT NOT NULL
);
CREATE INDEX retention_lijsten_status ON retention_lijsten (status);

CREATE TABLE retention_lijst_items (
	lijst TEXT NOT NULL REFERENCES retention_lijsten (id),
	zaak TEXT NOT NULL,
	zaaktype TEXT NOT NULL,
	omschrijving TEXT NOT NULL,
	startdatum TEXT NOT NULL,
	einddatum TEXT NOT NULL,
	archiefactiedatum TEXT NOT NULL,
	resultaattype TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL,
	beoordeling TEXT NOT NULL DEFAULT '',
	reden TEXT NOT NULL DEFAULT '',
	beoordeeld TEXT,
	beoordeeld_door TEXT,
	nieuwe_archiefactiedatum TEXT,
	resultaat TEXT NOT NULL DEFAULT '',
	verwerkt TEXT,
	PRIMARY KEY (lijst, zaak)
);
CREATE INDEX retention_lijst_items_zaak ON retention_lijst_items (zaak, status);

-- The log of every step on a list (the zaken's own audit chains record them too).
CREATE TABLE retention_lijst_log (
	lijst TEXT NOT NULL,
	volgnummer BIGINT NOT NULL,
	tijd TEXT NOT NULL,
	door TEXT NOT NULL,
	actie TEXT NOT NULL,
	zaak TEXT NOT NULL DEFAULT '',
	details TEXT NOT NULL,
	PRIMARY KEY (lijst, volgnummer)
);

-- The minimal record kept of a destroyed zaak (Archiefbesluit art. 8).
CREATE TABLE retention_vernietigd (
	zaak TEXT PRIMARY KEY,
	lijst TEXT NOT NULL,
	zaaktype TEXT NOT NULL,
	omschrijving TEXT NOT NULL,
	startdatum TEXT NOT NULL,
	einddatum TEXT NOT NULL,
	resultaattype TEXT NOT NULL,
	selectielijst TEXT NOT NULL,
	selectielijst_jaar INTEGER NOT NULL,
	volledig_nummer TEXT NOT NULL,
	bewaartermijn TEXT NOT NULL,
	archiefactiedatum TEXT NOT NULL,
	goedgekeurd_door TEXT NOT NULL,
	goedgekeurd TEXT NOT NULL,
	documenten INTEGER NOT NULL,
	afwijkingen TEXT NOT NULL,
	uitgevoerd TEXT NOT NULL
);
CREATE INDEX retention_vernietigd_lijst ON retention_vernietigd (lijst, zaak);

-- The verklaring van vernietiging of each executed list, kept permanently.
CREATE TABLE retention_verklaringen (
	lijst TEXT PRIMARY KEY,
	opgesteld TEXT NOT NULL,
	json TEXT NOT NULL,
	html TEXT NOT NULL,
	sha256_json TEXT NOT NULL,
	sha256_html TEXT NOT NULL
);
