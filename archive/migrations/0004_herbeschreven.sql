-- Archived packages a run described again because their zaak was revalued after archiving.
ALTER TABLE archief_runs ADD COLUMN herbeschreven INTEGER NOT NULL DEFAULT 0;
