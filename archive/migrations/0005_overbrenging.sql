-- Verklaringen van overbrenging: one per run that transferred packages to the e-Depot, with its
-- transfer list, kept permanently (never updated or deleted).
CREATE TABLE archief_verklaringen (
    run TEXT PRIMARY KEY,
    opgesteld TEXT NOT NULL,
    naar TEXT NOT NULL,
    json TEXT NOT NULL,
    html TEXT NOT NULL,
    lijst TEXT NOT NULL,
    sha256_json TEXT NOT NULL,
    sha256_html TEXT NOT NULL,
    sha256_lijst TEXT NOT NULL
);
