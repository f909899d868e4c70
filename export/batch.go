package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// Outcomes of one zaak in a batch export.
const (
	StatusGeexporteerd = "geexporteerd"
	StatusGeweigerd    = "geweigerd"
	StatusMislukt      = "mislukt"
)

// Selectie chooses the zaken of a batch export: the zaken of a zaaktype whose startdatum lies
// in a period, or the zaken on a destruction list.
type Selectie struct {
	Zaaktype string
	// Van and Tot bound the startdatum, both inclusive; nil is open.
	Van, Tot *dossier.Datum
	// Vernietigingslijst is the ID of a destruction list; when set, the other fields are unused.
	Vernietigingslijst string
}

// BatchItem is the outcome of a batch export for one zaak.
type BatchItem struct {
	Zaak         string `json:"zaak"`
	Omschrijving string `json:"omschrijving"`
	Zaaktype     string `json:"zaaktype"`
	Startdatum   string `json:"startdatum"`
	Einddatum    string `json:"einddatum"`
	Status       string `json:"status"`
	// Bestand is the ZIP's name in the output directory; empty unless exported.
	Bestand    string `json:"bestand,omitempty"`
	Bytes      int64  `json:"bytes,omitempty"`
	SHA256     string `json:"sha256,omitempty"`
	Documenten int    `json:"documenten"`
	Vernietigd bool   `json:"vernietigd"`
	ExportID   string `json:"exportId,omitempty"`
	Reden      string `json:"reden,omitempty"`
}

// BatchResult is the outcome of a batch export.
type BatchResult struct {
	Items        []BatchItem `json:"items"`
	Geexporteerd int         `json:"geexporteerd"`
	Geweigerd    int         `json:"geweigerd"`
	Mislukt      int         `json:"mislukt"`
}

// Progress follows a batch export; NewProgress gives one for a terminal or a log.
type Progress interface {
	// Start is called once with the number of zaken.
	Start(total int)
	// Done is called after each zaak.
	Done(item BatchItem)
	// Finish is called at the end.
	Finish(r *BatchResult)
}

// batchZaak is a zaak to export with what the index shows of it when the export fails.
type batchZaak struct {
	id, omschrijving, zaaktype, start, eind string
}

// ExportMany exports every selected zaak to its own ZIP in dir (created when missing), named
// after the zaak, and writes an overall index.csv and index.html there. A zaak that is refused
// (clearance) or fails is listed with the reason and the others still go out; ctx ending stops
// the batch. The error is nil when the batch ran, whatever the outcome per zaak.
func (e *Exporter) ExportMany(ctx context.Context, actor dossier.Actor, sel Selectie, dir string, prog Progress) (*BatchResult, error) {
	if _, ok := e.clearance[actor.Rol]; !ok {
		return nil, &dossier.Fout{Kind: dossier.ErrForbidden, Detail: fmt.Sprintf("role %q may not export dossiers (allowed: %v)", actor.Rol, e.roles())}
	}
	zaken, err := e.selecteer(ctx, sel)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if prog == nil {
		prog = nopProgress{}
	}
	prog.Start(len(zaken))
	res := &BatchResult{Items: []BatchItem{}}
	for _, z := range zaken {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		item := BatchItem{Zaak: z.id, Omschrijving: z.omschrijving, Zaaktype: z.zaaktype, Startdatum: z.start, Einddatum: z.eind}
		name := z.id + ".zip"
		r, err := e.ExportFile(ctx, actor, z.id, filepath.Join(dir, name))
		switch {
		case err == nil:
			item.Status, item.Bestand, item.Bytes, item.SHA256 = StatusGeexporteerd, name, r.Bytes, r.SHA256
			item.Documenten, item.Vernietigd, item.ExportID = r.Documenten, r.Vernietigd, r.ExportID
			res.Geexporteerd++
		case errors.Is(err, dossier.ErrForbidden):
			item.Status, item.Reden = StatusGeweigerd, err.Error()
			res.Geweigerd++
		default:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			item.Status, item.Reden = StatusMislukt, err.Error()
			res.Mislukt++
		}
		res.Items = append(res.Items, item)
		prog.Done(item)
	}
	if err := e.writeBatchIndex(dir, sel, actor, res); err != nil {
		return nil, err
	}
	prog.Finish(res)
	return res, nil
}

// selecteer lists the zaken a selection names, ordered by identificatie.
func (e *Exporter) selecteer(ctx context.Context, sel Selectie) ([]batchZaak, error) {
	if sel.Vernietigingslijst != "" {
		return e.zakenVanLijst(ctx, sel.Vernietigingslijst)
	}
	if sel.Zaaktype == "" {
		return nil, &dossier.Fout{Kind: dossier.ErrInvalid, Field: "zaaktype", Detail: "is required (or give a vernietigingslijst)"}
	}
	if _, ok := e.afspraak.Zaaktype(sel.Zaaktype); !ok {
		return nil, &dossier.Fout{Kind: dossier.ErrInvalid, Field: "zaaktype", Detail: fmt.Sprintf("%q is not a zaaktype of the agreement", sel.Zaaktype)}
	}
	if sel.Van != nil && sel.Tot != nil && sel.Tot.Before(*sel.Van) {
		return nil, &dossier.Fout{Kind: dossier.ErrInvalid, Field: "to", Detail: fmt.Sprintf("%s is before from %s", sel.Tot, sel.Van)}
	}
	var out []batchZaak
	err := e.svc.Inzien(ctx, func(in *dossier.Inzage, _ *sqldb.Tx) error {
		zaken, err := in.Zaken(ctx, dossier.ZaakFilter{Zaaktype: sel.Zaaktype})
		if err != nil {
			return err
		}
		for _, z := range zaken {
			if (sel.Van != nil && z.Startdatum.Before(*sel.Van)) || (sel.Tot != nil && sel.Tot.Before(z.Startdatum)) {
				continue
			}
			out = append(out, zaakVan(z))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export: select zaken: %w", err)
	}
	return out, nil
}

func zaakVan(z dossier.Zaak) batchZaak {
	b := batchZaak{id: z.Identificatie, omschrijving: z.Omschrijving, zaaktype: z.Zaaktype, start: z.Startdatum.String()}
	if z.Einddatum != nil {
		b.eind = z.Einddatum.String()
	}
	return b
}

// batchCSVHeader names the columns of index.csv.
var batchCSVHeader = []string{"zaak", "omschrijving", "zaaktype", "startdatum", "einddatum", "status", "bestand", "bytes", "sha256", "documenten", "vernietigd", "export", "reden"}

// writeBatchIndex writes index.csv and index.html of a batch, each atomically.
func (e *Exporter) writeBatchIndex(dir string, sel Selectie, actor dossier.Actor, res *BatchResult) error {
	var c bytes.Buffer
	w := csv.NewWriter(&c)
	_ = w.Write(batchCSVHeader)
	for _, it := range res.Items {
		_ = w.Write([]string{it.Zaak, it.Omschrijving, it.Zaaktype, it.Startdatum, it.Einddatum, it.Status, it.Bestand,
			strconv.FormatInt(it.Bytes, 10), it.SHA256, strconv.Itoa(it.Documenten), strconv.FormatBool(it.Vernietigd), it.ExportID, it.Reden})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("export index.csv: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, "index.csv"), c.Bytes()); err != nil {
		return err
	}
	selectie := fmt.Sprintf("zaaktype %s", sel.Zaaktype)
	if sel.Van != nil || sel.Tot != nil {
		selectie += fmt.Sprintf(", startdatum %s t/m %s", datumOf(sel.Van, "begin"), datumOf(sel.Tot, "heden"))
	}
	if sel.Vernietigingslijst != "" {
		selectie = "vernietigingslijst " + sel.Vernietigingslijst
	}
	org := actor.Organisatie
	if o, ok := e.afspraak.Organisatie(actor.Organisatie); ok {
		org = o.Naam
	}
	v := struct {
		Selectie, Tijd, Organisatie, Rol string
		R                                *BatchResult
	}{selectie, e.svc.Now().In(e.svc.Location()).Format("2006-01-02 15:04"), org, actor.Rol, res}
	var h bytes.Buffer
	if err := templates.ExecuteTemplate(&h, "batch.html", v); err != nil {
		return fmt.Errorf("export index.html: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, "index.html"), h.Bytes())
}

func datumOf(d *dossier.Datum, open string) string {
	if d == nil {
		return open
	}
	return d.String()
}

// writeFileAtomic writes data to path through a synced temporary file and a rename.
func writeFileAtomic(path string, data []byte) error {
	removeStaleTemps(filepath.Dir(path), filepath.Base(path), time.Now().Add(-staleTemp))
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, werr := tmp.Write(data)
	if err := errors.Join(werr, tmp.Sync(), tmp.Close()); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

type nopProgress struct{}

func (nopProgress) Start(int)           {}
func (nopProgress) Done(BatchItem)      {}
func (nopProgress) Finish(*BatchResult) {}
