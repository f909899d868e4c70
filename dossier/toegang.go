package dossier

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"

	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/sqldb"
)

// Autorisatie is what one actor may read, modelled on an Applicatie of the ZGW Autorisaties
// API: per zaaktype the most restricted vertrouwelijkheidaanduiding (maxVertrouwelijkheidaanduiding)
// of the zaken and documents it may see. Zaken of a zaaktype that is not in it, and zaken above
// its level, do not exist for the actor; documents above the level are neither listed nor served.
type Autorisatie struct {
	// Rol is the actor's role.
	Rol string `json:"rol"`
	// Organisatie is the actor's organisation.
	Organisatie string `json:"organisatie"`
	// Zaaktypen maps each zaaktype the actor may read to its maxVertrouwelijkheidaanduiding.
	Zaaktypen map[string]string `json:"zaaktypen"`
	// AlleenStatus is true for the kcc: it reads the status of every zaak and nothing else.
	AlleenStatus bool `json:"alleenStatus"`
}

// DefaultClearance returns the clearance per role when the configuration names none: an auditor
// reads up to vertrouwelijk, a recordmanager and an archivaris up to geheim, an organisation
// everything of its own zaaktypen (zeer_geheim).
func DefaultClearance() map[string]string {
	return map[string]string{RolAuditor: "vertrouwelijk", RolRecordmanager: "geheim", RolArchivaris: "geheim",
		RolOrganisatie: "zeer_geheim"}
}

// toegang holds the clearance of every role, as ranks (VertrouwelijkheidNiveau).
type toegang struct {
	clearance map[string]int
}

// newToegang checks a clearance map (role → vertrouwelijkheidaanduiding) over DefaultClearance.
func newToegang(c map[string]string) (toegang, error) {
	all := DefaultClearance()
	maps.Copy(all, c)
	t := toegang{clearance: map[string]int{}}
	for rol, niveau := range all {
		if !slices.Contains(Rollen, rol) {
			return t, fmt.Errorf("clearance: %q is not a role (one of %v)", rol, Rollen)
		}
		n, ok := VertrouwelijkheidNiveau(niveau)
		if !ok {
			return t, fmt.Errorf("clearance of %s: %q is not a vertrouwelijkheidaanduiding (one of %v)", rol, niveau, Vertrouwelijkheidaanduidingen)
		}
		t.clearance[rol] = n
	}
	return t, nil
}

// zaaktypenVan lists the zaaktypen in which organisatie is responsible for a phase or may
// record something: the ones it needs to know.
func zaaktypenVan(a *afspraak.Afspraak, organisatie string) []string {
	var out []string
	for i := range a.Zaaktypen {
		zt := &a.Zaaktypen[i]
		betrokken := false
		for _, st := range zt.Statustypen {
			if st.Verantwoordelijke == organisatie {
				betrokken = true
			}
			for _, v := range st.Vastleggen {
				if v.Organisatie == organisatie {
					betrokken = true
				}
			}
		}
		if betrokken {
			out = append(out, zt.Identificatie)
		}
	}
	return out
}

// niveaus returns, per zaaktype the actor may read, the rank of its maximum
// vertrouwelijkheidaanduiding. Nil means nothing (the kcc, an unknown role).
func (s *Service) niveaus(actor Actor) map[string]int {
	if actor.Rol == RolSysteem {
		out := map[string]int{}
		for _, zt := range s.afspraak.Zaaktypen {
			out[zt.Identificatie] = len(Vertrouwelijkheidaanduidingen) - 1
		}
		return out
	}
	n, ok := s.toegang.clearance[actor.Rol]
	if !ok || actor.Rol == RolKCC {
		return nil
	}
	out := map[string]int{}
	if actor.Rol == RolOrganisatie {
		for _, zt := range zaaktypenVan(s.afspraak, actor.Organisatie) {
			out[zt] = n
		}
		return out
	}
	for _, zt := range s.afspraak.Zaaktypen {
		out[zt.Identificatie] = n
	}
	return out
}

// Autorisatie returns what actor may read: the one authorization decision every read path
// follows.
func (s *Service) Autorisatie(actor Actor) Autorisatie {
	a := Autorisatie{Rol: actor.Rol, Organisatie: actor.Organisatie, Zaaktypen: map[string]string{}, AlleenStatus: actor.Rol == RolKCC}
	for zt, n := range s.niveaus(actor) {
		a.Zaaktypen[zt] = Vertrouwelijkheidaanduidingen[n]
	}
	return a
}

// rang is the rank of a vertrouwelijkheidaanduiding; an unknown one counts as the most
// restricted.
func rang(v string) int {
	n, ok := VertrouwelijkheidNiveau(v)
	if !ok {
		return len(Vertrouwelijkheidaanduidingen) - 1
	}
	return n
}

// zaakZichtbaar reports whether actor may see zaak z at all.
func (s *Service) zaakZichtbaar(actor Actor, z *Zaak) bool {
	n, ok := s.niveaus(actor)[z.Zaaktype]
	return ok && rang(z.Vertrouwelijkheidaanduiding) <= n
}

// documentZichtbaar reports whether actor may see document d of zaak z.
func (s *Service) documentZichtbaar(actor Actor, z *Zaak, d *Document) bool {
	n, ok := s.niveaus(actor)[z.Zaaktype]
	return ok && rang(d.Vertrouwelijkheidaanduiding) <= n
}

// redenOnzichtbaar is the reason recorded for a refused read of a zaak outside the autorisatie.
const redenOnzichtbaar = "zaak buiten de autorisatie (zaaktype of vertrouwelijkheidaanduiding)"

// nietZichtbaar is the answer to a zaak the actor may not see: 404, as for a zaak that does not
// exist, because its identificatie alone would tell that it exists (see docs/toegang.md).
func nietZichtbaar(zaak string) error {
	return &Fout{Kind: ErrNotFound, Detail: fmt.Sprintf("zaak %s niet gevonden", zaak)}
}

// MagZaakInzien checks that actor may read zaak: ErrNotFound when the zaak does not exist or
// lies outside the actor's autorisatie (then the refusal is audited in the zaak's chain and the
// access log), ErrForbidden for a role that reads no dossier. Packages that serve a zaak's
// parts (retention, archive, export) ask it first.
func (s *Service) MagZaakInzien(ctx context.Context, actor Actor, zaak, verwerking string) error {
	if err := requireRole(actor, rolesThatRead...); err != nil {
		s.logWeigering(ctx, actor, zaak, "", verwerking, err.Error())
		return err
	}
	var z *Zaak
	err := s.db.View(ctx, func(tx *sqldb.Tx) error {
		var err error
		z, err = getZaak(ctx, tx, zaak)
		return err
	})
	if err != nil {
		return err
	}
	if !s.zaakZichtbaar(actor, z) {
		s.logWeigering(ctx, actor, zaak, "", verwerking, redenOnzichtbaar)
		return nietZichtbaar(zaak)
	}
	return nil
}

// ZaakZichtbaar reports whether actor may see zaak; true when the zaak does not exist (any
// more), so that a caller that keeps records of destroyed zaken answers those itself. A zaak
// outside the actor's autorisatie is false, and that refusal is audited in the zaak's chain and
// the access log as verwerking.
func (s *Service) ZaakZichtbaar(ctx context.Context, actor Actor, zaak, verwerking string) (bool, error) {
	var z *Zaak
	err := s.db.View(ctx, func(tx *sqldb.Tx) error {
		var err error
		z, err = getZaak(ctx, tx, zaak)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if !s.zaakZichtbaar(actor, z) {
		s.logWeigering(ctx, actor, zaak, "", verwerking, redenOnzichtbaar)
		return false, nil
	}
	return true, nil
}

// filterDossier leaves out of d the documents above actor's level.
func (s *Service) filterDossier(actor Actor, d *Dossier) {
	docs := d.Documenten[:0:0]
	for i := range d.Documenten {
		if s.documentZichtbaar(actor, &d.Zaak, &d.Documenten[i]) {
			docs = append(docs, d.Documenten[i])
		}
	}
	d.Documenten = docs
}

// zichtbaarFilter restricts f to the zaken actor may see, in SQL, so that paging and counts
// stay right: per zaaktype the zaken up to its level.
func (s *Service) zichtbaarFilter(actor Actor, f *ZaakFilter) {
	niv := s.niveaus(actor)
	f.Zichtbaar = map[string][]string{}
	types := slices.Collect(maps.Keys(niv))
	sort.Strings(types)
	for _, zt := range types {
		if niv[zt] == len(Vertrouwelijkheidaanduidingen)-1 {
			f.Zichtbaar[zt] = nil // every level, also one the dossier does not know (as zaakZichtbaar)
			continue
		}
		f.Zichtbaar[zt] = Vertrouwelijkheidaanduidingen[:niv[zt]+1]
	}
}

// logWeigering records a refused read in the zaak's audit chain and the access log; a failure
// is logged, as the caller already answers with the refusal.
func (s *Service) logWeigering(ctx context.Context, actor Actor, zaak, document, verwerking, reden string) {
	ctx = context.WithoutCancel(ctx)
	now := s.now()
	err := s.db.Update(ctx, func(tx *sqldb.Tx) error {
		var fase int
		if err := tx.QueryRow(ctx, `SELECT fase FROM zaken WHERE identificatie = ?`, zaak).Scan(&fase); err != nil {
			return nil // no such zaak: nothing to audit in its chain
		}
		details := map[string]string{"verzoek": verwerking, "reden": reden}
		if document != "" {
			details["document"] = document
		}
		if _, err := appendAudit(ctx, tx, zaak, actor, fase, "inzage.geweigerd", details, now); err != nil {
			return err
		}
		return insertVerwerking(ctx, tx, nieuweVerwerking(actor, zaak, document, verwerking, false, reden, now))
	})
	if err != nil {
		s.log.ErrorContext(ctx, "record refused read", "zaak", zaak, "err", err)
	}
}
