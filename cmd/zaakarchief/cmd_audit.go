package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

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

// auditAccessCommand prints the access log of one zaak: every read of a document's content and
// every export, allowed or refused, and every refused read.
func auditAccessCommand() *command {
	var df dataFlags
	var zaak string
	var asJSON bool
	return &command{
		name:    "audit access",
		summary: "Print the access log of a zaak (who read which document, who exported it, what was refused)",
		flags: func(fs *pflag.FlagSet) {
			df.add(fs)
			fs.StringVar(&zaak, "zaak", "", "identificatie of the zaak")
			fs.BoolVar(&asJSON, "json", false, "print the entries as JSON, one per line")
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			if zaak == "" {
				return usageError{"audit access: geef --zaak"}
			}
			a, err := openData(ctx, env, &df)
			if err != nil {
				return err
			}
			defer a.Close()
			log, err := a.Dossier.Verwerkingen(ctx, dossier.Actor{Rol: dossier.RolSysteem}, zaak)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(env.stdout)
				for _, v := range log {
					if err := enc.Encode(v); err != nil {
						return fmt.Errorf("audit access: %w", err)
					}
				}
				return nil
			}
			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TIJD\tVERWERKING\tDOCUMENT\tORGANISATIE\tROL\tTOKEN\tTOEGESTAAN\tREDEN")
			for _, v := range log {
				toegestaan := "ja"
				if !v.Toegestaan {
					toegestaan = "nee"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Tijd.Format(time.RFC3339), v.Verwerking, orStreep(v.Document),
					orStreep(v.Organisatie), v.Rol, orStreep(v.Token), toegestaan, v.Reden)
			}
			if err := tw.Flush(); err != nil {
				return fmt.Errorf("audit access: %w", err)
			}
			fmt.Fprintf(env.stdout, "%d verwerkingen van zaak %s\n", len(log), zaak)
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
