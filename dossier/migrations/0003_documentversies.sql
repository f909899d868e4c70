-- Documents can get new versions (a document re-registered in an organisation's own
-- Documenten API): the row in documenten always holds the current version, earlier versions are
-- kept here with the metadata and content they had.
ALTER TABLE documenten ADD COLUMN versie INTEGER NOT NULL DEFAULT 1;

CREATE TABLE documentversies (
	document TEXT NOT NULL,
	versie INTEGER NOT NULL,
	zaak TEXT NOT NULL,
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
	geregistreerd TEXT NOT NULL,
	vervangen TEXT NOT NULL,
	PRIMARY KEY (document, versie)
);
CREATE INDEX documentversies_zaak ON documentversies (zaak);
CREATE INDEX documentversies_sha256 ON documentversies (sha256);
