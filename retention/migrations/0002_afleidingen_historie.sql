-- Every derivation of a zaak's archival fields, in order: the one at the eindstatus and each
-- one a later fact caused (an eigenschap, a besluit's vervaldatum), so that explain can say
-- why a date changed. Rows are only added.
CREATE TABLE retention_afleidingen_historie (
	zaak TEXT NOT NULL,
	volgnummer INTEGER NOT NULL,
	afgeleid TEXT NOT NULL,
	afleiding TEXT NOT NULL,
	PRIMARY KEY (zaak, volgnummer)
);
INSERT INTO retention_afleidingen_historie (zaak, volgnummer, afgeleid, afleiding)
	SELECT zaak, 1, afgeleid, afleiding FROM retention_afleidingen;
