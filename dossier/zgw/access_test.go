package zgw_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"zaakarchief/dossier"
	"zaakarchief/dossier/zgw"
	"zaakarchief/dossier/zgw/zgwtest"
)

// systeem is the actor the tests read the collector as.
var systeem = dossier.Actor{Rol: dossier.RolSysteem}

func TestStatusMeldingenAndOntvangDecideWhoMay(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	zaak := e.om.Voer(1, zgwtest.Seed(1)[:5])[zgwtest.Gemeente]
	tests := []struct {
		name      string
		actor     dossier.Actor
		lezen     error // Status
		meldingen error // Meldingen of the gemeente's source
		melden    error // Ontvang of a notification about a zaak of the gemeente
	}{
		{"organisatie of the source", dossier.Actor{Organisatie: zgwtest.Gemeente, Rol: dossier.RolOrganisatie}, nil, nil, nil},
		{"organisatie of another source", dossier.Actor{Organisatie: zgwtest.Omgevingsdienst, Rol: dossier.RolOrganisatie}, nil, dossier.ErrForbidden, dossier.ErrForbidden},
		{"recordmanager", dossier.Actor{Organisatie: zgwtest.Gemeente, Rol: dossier.RolRecordmanager}, nil, nil, dossier.ErrForbidden},
		{"systeem", systeem, nil, nil, dossier.ErrForbidden},
		{"kcc", dossier.Actor{Organisatie: zgwtest.Gemeente, Rol: dossier.RolKCC}, dossier.ErrForbidden, dossier.ErrForbidden, dossier.ErrForbidden},
	}
	gemeente := dossier.Actor{Organisatie: zgwtest.Gemeente, Rol: dossier.RolOrganisatie}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := e.Collector.Status(ctx, tt.actor)
			if !errors.Is(err, tt.lezen) || (err != nil) != (tt.lezen != nil) || (err == nil && len(st) != 2) {
				t.Errorf("Status: %v %v, want %v", st, err, tt.lezen)
			}
			ms, err := e.Collector.Meldingen(ctx, tt.actor, zgwtest.Gemeente, 10)
			if !errors.Is(err, tt.meldingen) || (err != nil) != (tt.meldingen != nil) || (err == nil && ms == nil) {
				t.Errorf("Meldingen: %v %v, want %v", ms, err, tt.meldingen)
			}
			err = e.Collector.Ontvang(ctx, tt.actor, strings.NewReader(notificatie(zgw.KanaalZaken, zaak, "zaak", zaak)))
			if !errors.Is(err, tt.melden) || (err != nil) != (tt.melden != nil) {
				t.Errorf("Ontvang: %v, want %v", err, tt.melden)
			}
		})
	}
	// The role is decided before the body is read: a body too large or not JSON is refused
	// for the role first.
	for _, tt := range []struct {
		name  string
		actor dossier.Actor
		body  string
		want  error
	}{
		{"too large, kcc", dossier.Actor{Organisatie: zgwtest.Gemeente, Rol: dossier.RolKCC}, strings.Repeat(" ", 64<<10+1), dossier.ErrForbidden},
		{"too large, organisatie", gemeente, strings.Repeat(" ", 64<<10+1), dossier.ErrTooLarge},
		{"not json, recordmanager", dossier.Actor{Organisatie: zgwtest.Gemeente, Rol: dossier.RolRecordmanager}, "{", dossier.ErrForbidden},
		{"not json, organisatie", gemeente, "{", dossier.ErrInvalid},
		{"no kanaal", gemeente, "{}", dossier.ErrInvalid},
		{"another kanaal", gemeente, `{"kanaal": "autorisaties"}`, nil},
	} {
		if err := e.Collector.Ontvang(ctx, tt.actor, strings.NewReader(tt.body)); !errors.Is(err, tt.want) || (err != nil) != (tt.want != nil) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := e.Collector.Meldingen(ctx, systeem, "niemand", 10); !errors.Is(err, dossier.ErrNotFound) {
		t.Errorf("Meldingen of an organisation without a source: %v, want ErrNotFound", err)
	}
}
