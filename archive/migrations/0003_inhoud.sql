-- The generated content of a package's objects (MDTO sidecars, pakbon, manifest) moves out of
-- archief_objecten into its own table. The journal rows that the writers update while a run
-- goes on (gedaan, geschreven) stay small, so that marking an object done rewrites a few bytes
-- instead of a row with kilobytes of XML.
CREATE TABLE archief_inhoud (
	zaak TEXT NOT NULL REFERENCES archief_pakketten (zaak),
	sleutel TEXT NOT NULL,
	inhoud TEXT NOT NULL,
	PRIMARY KEY (zaak, sleutel)
);
INSERT INTO archief_inhoud (zaak, sleutel, inhoud)
	SELECT zaak, sleutel, inhoud FROM archief_objecten WHERE inhoud IS NOT NULL;
ALTER TABLE archief_objecten DROP COLUMN inhoud;
