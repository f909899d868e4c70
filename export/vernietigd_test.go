package export_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/export"
	"zaakarchief/retention"
)

var archivaris = daemontest.ArchivarisActor

// destroy runs a destruction list over every zaak that is due after the clock moved past its
// archiefactiedatum: propose, submit, review, approve, wait, execute. It returns the list.
func (s *stack) destroy(years int) string {
	s.tb.Helper()
	ctx := context.Background()
	s.Clock.Advance(time.Duration(years)*366*24*time.Hour + 48*time.Hour)
	v, err := s.ret.Propose(ctx, daemontest.RecordmanagerActor)
	s.must(err)
	if v.Lijst == nil {
		s.tb.Fatalf("nothing proposed: %+v", v)
	}
	id := v.Lijst.ID
	l, err := s.ret.Submit(ctx, daemontest.RecordmanagerActor, id)
	s.must(err)
	l, err = s.ret.Lijst(ctx, daemontest.RecordmanagerActor, id)
	s.must(err)
	var bs []retention.Beoordeling
	for _, it := range l.Items {
		bs = append(bs, retention.Beoordeling{Zaak: it.Zaak, Beoordeling: retention.BeoordelingVernietigen})
	}
	_, err = s.ret.Review(ctx, archivaris, id, bs)
	s.must(err)
	_, err = s.ret.Approve(ctx, archivaris, id)
	s.must(err)
	s.Clock.Advance(8 * 24 * time.Hour)
	u, err := s.ret.Execute(ctx, daemontest.RecordmanagerActor, id)
	s.must(err)
	if !u.Voltooid || u.Vernietigd == 0 {
		s.tb.Fatalf("execution %+v", u)
	}
	return id
}

func TestADestroyedZaakExportsAsItsMinimalRecordAndTheVerklaring(t *testing.T) {
	s := newStack(t, nil)
	zaak := s.scenario(zaakOpts{resultaat: "Geweigerd"})
	before := len(s.AuditTrail(zaak))
	lijst := s.destroy(5)

	path, res := s.exportFile(daemontest.AuditorActor, zaak)
	if !res.Vernietigd || res.Documenten != 0 {
		t.Errorf("result %+v, want a destroyed zaak without documents", res)
	}
	b := readBag(t, path)
	if docs := b.names("data/documenten/"); len(docs) != 0 {
		t.Errorf("a destroyed zaak exports documents: %v", docs)
	}
	var rec retention.VernietigdeZaak
	if err := json.Unmarshal(b.files["data/vernietigd/minimale-registratie.json"], &rec); err != nil {
		t.Fatalf("minimale registratie: %v", err)
	}
	if rec.Identificatie != zaak || rec.Lijst != lijst || rec.VolledigNummer != "11.2" || rec.Documenten != 3 {
		t.Errorf("minimal record %+v", rec)
	}
	kept, err := s.ret.Verklaring(context.Background(), daemontest.RecordmanagerActor, lijst)
	if err != nil {
		t.Fatal(err)
	}
	for ext, want := range map[string][]byte{"json": kept.JSON, "html": kept.HTML} {
		got := b.files["data/vernietigd/verklaring-van-vernietiging-"+lijst+"."+ext]
		if string(got) != string(want) {
			t.Errorf("verklaring (%s) in the export differs from the one kept", ext)
		}
	}
	if !strings.Contains(string(b.files["data/vernietigd/verklaring-van-vernietiging-"+lijst+".json"]), zaak) {
		t.Error("the verklaring does not name the zaak")
	}
	// The trail outlives the zaak: it holds the destruction and now the export.
	trail := s.AuditTrail(zaak)
	if len(trail) <= before+1 || trail[len(trail)-1].Actie != export.ActieGeexporteerd {
		t.Errorf("trail after export: %d entries, last %q", len(trail), trail[len(trail)-1].Actie)
	}
	info := b.fields("bag-info.txt")
	if info["Zaak-Status"] != "vernietigd" || info["Source-Organization"] != "Gemeente Voorbeeldstad" {
		t.Errorf("bag-info %v", info)
	}
	html := string(b.files["index.html"])
	for _, want := range []string{"Vernietigde zaak", "11.2", "verklaring-van-vernietiging-" + lijst + ".html", rec.Omschrijving} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html does not show %q", want)
		}
	}
	if problems := verify(t, path); len(problems) != 0 {
		t.Errorf("verify: %v", problems)
	}

	// By destruction list: the one zaak, exported as its record.
	dir := filepath.Join(t.TempDir(), "lijst")
	r, err := s.exp.ExportMany(context.Background(), daemontest.AuditorActor, export.Selectie{Vernietigingslijst: lijst}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Geexporteerd != 1 || !r.Items[0].Vernietigd || r.Items[0].Zaak != zaak {
		t.Errorf("batch by list: %+v", r)
	}
}
