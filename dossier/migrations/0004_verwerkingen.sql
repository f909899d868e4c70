-- The access log (after the VNG standard "Logboek dataverwerkingen"): every read of document
-- content and every export, allowed or refused, with who did it and for which zaak.
CREATE TABLE verwerkingen (
	id TEXT PRIMARY KEY,
	tijd TEXT NOT NULL,
	zaak TEXT NOT NULL,
	document TEXT NOT NULL,
	verwerking TEXT NOT NULL,
	organisatie TEXT NOT NULL,
	rol TEXT NOT NULL,
	token TEXT NOT NULL,
	toegestaan INTEGER NOT NULL,
	reden TEXT NOT NULL
);
CREATE INDEX verwerkingen_zaak ON verwerkingen (zaak, tijd);
