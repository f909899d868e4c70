package main

import (
	"context"
	"errors"
	"fmt"

	"zaakarchief/configs"
	"zaakarchief/dossier/afspraak"
)

// agreementCheck is one validation pass over a parsed agreement. Passes that need reference
// data (the Selectielijst) load it themselves and return an error when they cannot.
type agreementCheck func(a *afspraak.Afspraak) ([]afspraak.Fout, error)

// agreementChecks are the passes 'agreement check' runs, in order: the structure first, then
// the rules that need reference data.
func agreementChecks() []agreementCheck {
	return []agreementCheck{
		func(a *afspraak.Afspraak) ([]afspraak.Fout, error) { return a.Validate(), nil },
		retentionCheck,
	}
}

// loadAgreement parses the agreement in args (at most one path), or the embedded default.
// It returns the agreement and the name to report it under.
func loadAgreement(name string, args []string) (*afspraak.Afspraak, string, error) {
	switch len(args) {
	case 0:
		a, err := afspraak.LoadDefault()
		return a, configs.DefaultAgreement + " (embedded)", err
	case 1:
		a, err := afspraak.Load(args[0])
		return a, args[0], err
	default:
		return nil, "", usageError{fmt.Sprintf("%s: takes at most one FILE, got %d arguments", name, len(args))}
	}
}

// errorsIn is the one-line failure of 'agreement check'.
func errorsIn(n int, file string) error {
	if n == 1 {
		return fmt.Errorf("1 error in %s", file)
	}
	return fmt.Errorf("%d errors in %s", n, file)
}

func agreementCheckCommand() *command {
	return &command{
		name:    "agreement check",
		summary: "Check an agreement (default: the embedded one); print every problem, exit 1 on errors",
		usage:   "[FILE]",
		run: func(ctx context.Context, env *environment, args []string) error {
			a, file, err := loadAgreement("agreement check", args)
			var fouten afspraak.Fouten
			switch {
			case errors.As(err, &fouten):
				// The file does not parse: report every problem Parse found.
				for _, f := range fouten {
					fmt.Fprintln(env.stdout, f.Error())
				}
				return errorsIn(len(fouten), file)
			case err != nil:
				return err
			}
			var all []afspraak.Fout
			for _, check := range agreementChecks() {
				fs, err := check(a)
				if err != nil {
					return fmt.Errorf("agreement check %s: %w", file, err)
				}
				all = append(all, fs...)
			}
			errs := 0
			for _, f := range all {
				fmt.Fprintln(env.stdout, f.Error())
				if !f.Warning {
					errs++
				}
			}
			if errs > 0 {
				return errorsIn(errs, file)
			}
			fmt.Fprintf(env.stdout, "%s: ok (%d zaaktypen, %d organisaties)\n", file, len(a.Zaaktypen), len(a.Organisaties))
			return nil
		},
	}
}

func agreementShowCommand() *command {
	return &command{
		name:    "agreement show",
		summary: "Print an agreement (default: the embedded one) as tables: phases, who records and archives what, retention",
		usage:   "[FILE]",
		run: func(ctx context.Context, env *environment, args []string) error {
			a, _, err := loadAgreement("agreement show", args)
			if err != nil {
				return err
			}
			return a.WriteTables(env.stdout)
		},
	}
}
