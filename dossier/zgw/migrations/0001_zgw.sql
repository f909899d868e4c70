-- The collector's bookkeeping: which zaken of which source it knows, how they link, which of
-- their parts are in which dossier, and how each source fares. The dossier itself stays in the
-- dossier's tables; these only say where things came from.
CREATE TABLE zgw_zaken (
	url TEXT PRIMARY KEY,
	bron TEXT NOT NULL,
	identificatie TEXT NOT NULL DEFAULT '',
	zaaktype TEXT NOT NULL DEFAULT '',
	laatst_gemuteerd TEXT NOT NULL DEFAULT '',
	etag TEXT NOT NULL DEFAULT '',
	dossier TEXT NOT NULL DEFAULT '',
	toestand TEXT NOT NULL DEFAULT 'nieuw',
	reden TEXT NOT NULL DEFAULT '',
	gezien TEXT NOT NULL,
	gesynchroniseerd TEXT NOT NULL DEFAULT ''
);
CREATE INDEX zgw_zaken_dossier ON zgw_zaken (dossier);
CREATE INDEX zgw_zaken_toestand ON zgw_zaken (bron, toestand);

-- Link keys: two zaken that share a key belong to one dossier.
CREATE TABLE zgw_koppelingen (
	sleutel TEXT NOT NULL,
	url TEXT NOT NULL,
	PRIMARY KEY (sleutel, url)
);
CREATE INDEX zgw_koppelingen_url ON zgw_koppelingen (url);

-- One row per resource found at a source (status, document, besluit, rol, zaakeigenschap,
-- resultaat, the zaak itself): its state in the dossier.
CREATE TABLE zgw_items (
	url TEXT PRIMARY KEY,
	bron TEXT NOT NULL,
	zaak_url TEXT NOT NULL,
	dossier TEXT NOT NULL,
	soort TEXT NOT NULL,
	sleutel TEXT NOT NULL,
	versie INTEGER NOT NULL DEFAULT 0,
	etag TEXT NOT NULL DEFAULT '',
	dossier_id TEXT NOT NULL DEFAULT '',
	toestand TEXT NOT NULL,
	reden TEXT NOT NULL DEFAULT '',
	regel TEXT NOT NULL DEFAULT '',
	tijd TEXT NOT NULL,
	bijgewerkt TEXT NOT NULL
);
CREATE INDEX zgw_items_dossier ON zgw_items (dossier, toestand);
CREATE INDEX zgw_items_zaak ON zgw_items (zaak_url);

CREATE TABLE zgw_bronnen (
	bron TEXT PRIMARY KEY,
	laatste_poging TEXT NOT NULL DEFAULT '',
	laatste_succes TEXT NOT NULL DEFAULT '',
	fout TEXT NOT NULL DEFAULT '',
	opeenvolgende_fouten INTEGER NOT NULL DEFAULT 0
);
