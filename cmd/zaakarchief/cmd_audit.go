package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

func auditVerifyCommand() *command {
	var df dataFlags
	var zaak string
	var volgnummer int64
	return &command{
		name:    "audit verify",
		summary: "Check the hash chains of the audit trail; exit 1 on any break",
		flags: func(fs *pflag.FlagSet) {
			df.add(fs)
			fs.StringVar(&zaak, "zaak", "", "also print the hash of this zaak's chain at --volgnummer, to compare with what `export verify` printed")
			fs.Int64Var(&volgnummer, "volgnummer", 0, "the entry of --zaak whose hash to print (default: the last)")
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			if volgnummer != 0 && zaak == "" {
				return usageError{"--volgnummer needs --zaak"}
			}
			a, err := openData(ctx, env, &df)
			if err != nil {
				return err
			}
			defer a.Close()
			if zaak != "" {
				if err := printChainHash(ctx, env, a.Dossier, zaak, volgnummer); err != nil {
					return err
				}
			}
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

// printChainHash prints the hash of zaak's audit chain at entry volgnummer (0: the last one).
func printChainHash(ctx context.Context, env *environment, svc *dossier.Service, zaak string, volgnummer int64) error {
	var trail []dossier.AuditEntry
	err := svc.Inzien(ctx, func(in *dossier.Inzage, _ *sqldb.Tx) error {
		var err error
		trail, err = in.AuditTrail(ctx, zaak)
		return err
	})
	if err != nil {
		return fmt.Errorf("audit trail of %s: %w", zaak, err)
	}
	if len(trail) == 0 {
		return fmt.Errorf("zaak %s heeft geen audittrail", zaak)
	}
	e := trail[len(trail)-1]
	if volgnummer != 0 {
		found := false
		for _, x := range trail {
			if x.Volgnummer == volgnummer {
				e, found = x, true
			}
		}
		if !found {
			return fmt.Errorf("zaak %s heeft geen audit entry met volgnummer %d (de laatste is %d)", zaak, volgnummer, e.Volgnummer)
		}
	}
	fmt.Fprintf(env.stdout, "zaak %s: audit chain at volgnummer %d (of %d) has hash %s\n", zaak, e.Volgnummer, trail[len(trail)-1].Volgnummer, e.Hash)
	return nil
}
