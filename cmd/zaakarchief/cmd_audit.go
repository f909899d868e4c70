package main

import (
	"context"
	"fmt"
)

func auditVerifyCommand() *command {
	var df dataFlags
	return &command{
		name:    "audit verify",
		summary: "Check the hash chains of the audit trail; exit 1 on any break",
		flags:   df.add,
		run: func(ctx context.Context, env *environment, args []string) error {
			a, err := openData(ctx, env, &df)
			if err != nil {
				return err
			}
			defer a.Close()
			breaks, n, err := a.Dossier.VerifyAudit(ctx)
			if err != nil {
				return err
			}
			for _, b := range breaks {
				fmt.Fprintln(env.stdout, b.String())
			}
			if len(breaks) > 0 {
				return fmt.Errorf("audit trail broken: %d problems in %d entries", len(breaks), n)
			}
			fmt.Fprintf(env.stdout, "audit trail ok: %d entries\n", n)
			return nil
		},
	}
}
