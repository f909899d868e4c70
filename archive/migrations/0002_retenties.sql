-- Packages whose object lock a run extended because the zaak must now be kept longer.
ALTER TABLE archief_runs ADD COLUMN retenties_verlengd INTEGER NOT NULL DEFAULT 0;
