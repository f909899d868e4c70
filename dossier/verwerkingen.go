package dossier

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"zaakarchief/dossier/sqldb"
)

// Verwerkingen of the access log.
const (
	// VerwerkingDocumentInhoud is a read of a document's content.
	VerwerkingDocumentInhoud = "document.inhoud"
	// VerwerkingExport is an export of a dossier.
	VerwerkingExport = "export"
)

// Verwerking is one entry of the access log, after the VNG standard "Logboek
// dataverwerkingen": which processing (verwerking), by whom (organisatie, rol, token), for which
// subject (zaak, document), when, and whether it was allowed.
type Verwerking struct {
	ID          string    `json:"id"`
	Tijd        time.Time `json:"tijd"`
	Zaak        string    `json:"zaak"`
	Document    string    `json:"document,omitempty"`
	Verwerking  string    `json:"verwerking"`
	Organisatie string    `json:"organisatie"`
	Rol         string    `json:"rol"`
	Token       string    `json:"token,omitempty"`
	Toegestaan  bool      `json:"toegestaan"`
	Reden       string    `json:"reden,omitempty"`
}

func nieuweVerwerking(actor Actor, zaak, document, verwerking string, toegestaan bool, reden string, now time.Time) Verwerking {
	return Verwerking{ID: newID(), Tijd: now.UTC(), Zaak: zaak, Document: document, Verwerking: verwerking,
		Organisatie: actor.Organisatie, Rol: actor.Rol, Token: actor.TokenID, Toegestaan: toegestaan, Reden: reden}
}

func insertVerwerking(ctx context.Context, tx *sqldb.Tx, v Verwerking) error {
	toegestaan := 0
	if v.Toegestaan {
		toegestaan = 1
	}
	_, err := tx.Exec(ctx, `INSERT INTO verwerkingen (id, tijd, zaak, document, verwerking, organisatie, rol, token, toegestaan, reden)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.ID, fmtTime(v.Tijd), v.Zaak, v.Document, v.Verwerking, v.Organisatie, v.Rol, v.Token, toegestaan, v.Reden)
	if err != nil {
		return fmt.Errorf("record %s of zaak %s in the access log: %w", v.Verwerking, v.Zaak, err)
	}
	return nil
}

// LogVerwerking records a processing of zaak (and document, "" for the whole zaak) by actor in
// the access log: an export (VerwerkingExport) writes it here, the dossier writes its own
// content reads.
func (s *Service) LogVerwerking(ctx context.Context, actor Actor, zaak, document, verwerking string, toegestaan bool, reden string) error {
	ctx = context.WithoutCancel(ctx)
	v := nieuweVerwerking(actor, zaak, document, verwerking, toegestaan, reden, s.now())
	return s.db.Update(ctx, func(tx *sqldb.Tx) error { return insertVerwerking(ctx, tx, v) })
}

// Verwerkingen returns the access log of one zaak, oldest first. Only the auditor (and the
// system) reads it.
func (s *Service) Verwerkingen(ctx context.Context, actor Actor, zaak string) ([]Verwerking, error) {
	if err := requireRole(actor, RolAuditor, RolSysteem); err != nil {
		return nil, err
	}
	out := []Verwerking{}
	err := s.db.View(ctx, func(tx *sqldb.Tx) error {
		return each(ctx, tx, `SELECT id, tijd, zaak, document, verwerking, organisatie, rol, token, toegestaan, reden
			FROM verwerkingen WHERE zaak = ? ORDER BY tijd, id`, zaak, func(r *sql.Rows) error {
			var v Verwerking
			var tijd string
			var toegestaan int
			if err := r.Scan(&v.ID, &tijd, &v.Zaak, &v.Document, &v.Verwerking, &v.Organisatie, &v.Rol, &v.Token, &toegestaan, &v.Reden); err != nil {
				return fmt.Errorf("read the access log: %w", err)
			}
			t, err := parseTime(tijd)
			if err != nil {
				return fmt.Errorf("read the access log: %w", err)
			}
			v.Tijd, v.Toegestaan = t, toegestaan == 1
			out = append(out, v)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
