package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"zaakarchief/dossier"
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
