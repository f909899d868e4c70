package retention

import (
	"context"
	"errors"
	"fmt"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// Systeem is the actor of the daemon's own scheduled work.
var Systeem = dossier.Actor{Rol: dossier.RolSysteem}

// Job is the scheduled retention work, run as the daemon itself (role systeem): it executes
// every approved list whose waiting period has passed, then proposes a list of what is due now.
// It returns the new proposal (possibly without a list) and every error joined; one list that
// fails does not stop the others.
func (s *Service) Job(ctx context.Context) (*Voorstel, error) {
	var due []string
	err := s.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+lijstColumns+` FROM retention_lijsten WHERE status = ? ORDER BY id`, LijstReadyToDelete)
		if err != nil {
			return fmt.Errorf("find lists to execute: %w", err)
		}
		defer rows.Close()
		now := s.now()
		for rows.Next() {
			l, err := scanLijst(rows)
			if err != nil {
				return fmt.Errorf("find lists to execute: %w", err)
			}
			if l.UitvoerbaarVanaf != nil && !now.Before(*l.UitvoerbaarVanaf) {
				due = append(due, l.ID)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, id := range due {
		if _, err := s.Execute(ctx, Systeem, id); err != nil {
			errs = append(errs, err)
			s.log.ErrorContext(ctx, "scheduled execution failed", "lijst", id, "err", err)
		}
	}
	v, err := s.Propose(ctx, Systeem)
	if err != nil {
		errs = append(errs, err)
	}
	return v, errors.Join(errs...)
}
