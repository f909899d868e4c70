-- Content whose last holder was destroyed waits here until the blob store has deleted it, so a
-- crash between the database commit and the deletion is finished on the next purge.
CREATE TABLE te_verwijderen_blobs (
	sha256 TEXT PRIMARY KEY,
	zaak TEXT NOT NULL,
	aangemeld TEXT NOT NULL
);
