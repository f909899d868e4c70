package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"zaakarchief/dossier"
)

func tokenCreateCommand() *command {
	var df dataFlags
	var org, rol, omschrijving string
	return &command{
		name:    "token create",
		summary: "Create a bearer token; prints it once, alone on stdout",
		flags: func(fs *pflag.FlagSet) {
			df.add(fs)
			fs.StringVar(&org, "organisation", "", "organisation ID from the agreement (required)")
			fs.StringVar(&rol, "role", dossier.RolOrganisatie, fmt.Sprintf("role: one of %v", dossier.Rollen))
			fs.StringVar(&omschrijving, "description", "", "what the token is for (shown by token list)")
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			if org == "" {
				return usageError{"token create: --organisation is required"}
			}
			a, err := openData(ctx, env, &df)
			if err != nil {
				return err
			}
			defer a.Close()
			t, secret, err := a.Dossier.CreateToken(ctx, org, rol, omschrijving)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.stdout, secret)
			fmt.Fprintf(env.stderr, "token %s for %s (%s) created; it is shown only this once\n", t.ID, t.Organisatie, t.Rol)
			return nil
		},
	}
}

func tokenListCommand() *command {
	var df dataFlags
	return &command{
		name:    "token list",
		summary: "List tokens (never their secrets)",
		flags:   df.add,
		run: func(ctx context.Context, env *environment, args []string) error {
			a, err := openData(ctx, env, &df)
			if err != nil {
				return err
			}
			defer a.Close()
			tokens, err := a.Dossier.ListTokens(ctx)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tORGANISATIE\tROL\tAANGEMAAKT\tINGETROKKEN\tOMSCHRIJVING")
			for _, t := range tokens {
				ingetrokken := "-"
				if t.Ingetrokken != nil {
					ingetrokken = t.Ingetrokken.Format("2006-01-02 15:04")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Organisatie, t.Rol, t.Aangemaakt.Format("2006-01-02 15:04"), ingetrokken, t.Omschrijving)
			}
			return tw.Flush()
		},
	}
}

func tokenRevokeCommand() *command {
	var df dataFlags
	return &command{
		name:    "token revoke",
		summary: "Revoke a token by its ID; it stops working at once",
		usage:   "ID",
		flags:   df.add,
		run: func(ctx context.Context, env *environment, args []string) error {
			if len(args) != 1 {
				return usageError{"token revoke takes one token ID"}
			}
			a, err := openData(ctx, env, &df)
			if err != nil {
				return err
			}
			defer a.Close()
			if err := a.Dossier.RevokeToken(ctx, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(env.stdout, "token %s revoked\n", args[0])
			return nil
		},
	}
}

// openData opens the data directory for a command that is not the daemon.
func openData(ctx context.Context, env *environment, df *dataFlags) (*app, error) {
	cfg, err := df.load()
	if err != nil {
		return nil, err
	}
	return openApp(ctx, env, cfg, newLogger(env, "text"))
}
