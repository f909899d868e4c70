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
// the rules that need reference data. Where two passes find a problem at the same place, the
// earlier pass's message is the one shown (see afspraak.Samenvoegen).
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
		return fmt.Errorf("1 fout in %s", file)
	}
	return fmt.Errorf("%d fouten in %s", n, file)
}

// aantal writes n with the singular or plural of a word: "1 zaaktype", "2 organisaties".
func aantal(n int, enkelvoud, meervoud string) string {
	if n == 1 {
		return "1 " + enkelvoud
	}
	return fmt.Sprintf("%d %s", n, meervoud)
}

func agreementCheckCommand() *command {
	return &command{
		name:    "agreement check",
		summary: "Check an agreement (default: the embedded one); print every problem once, in line order, exit 1 on errors",
		usage:   "[FILE]",
		run: func(ctx context.Context, env *environment, args []string) error {
			a, file, err := loadAgreement("agreement check", args)
			var fouten afspraak.Fouten
			switch {
			case errors.As(err, &fouten):
				// The file does not parse: report every problem Parse found.
				fouten = afspraak.Samenvoegen(fouten)
				for _, f := range fouten {
					fmt.Fprintln(env.stdout, f.Error())
				}
				return errorsIn(len(fouten), file)
			case err != nil:
				return err
			}
			// Every pass's findings, merged into one list in line order in which a problem that
			// two passes find is reported once.
			var passen [][]afspraak.Fout
			for _, check := range agreementChecks() {
				fs, err := check(a)
				if err != nil {
					return fmt.Errorf("controle van %s: %w", file, err)
				}
				passen = append(passen, fs)
			}
			all := afspraak.Samenvoegen(passen...)
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
			fmt.Fprintf(env.stdout, "%s: in orde (%s, %s)\n", file,
				aantal(len(a.Zaaktypen), "zaaktype", "zaaktypen"), aantal(len(a.Organisaties), "organisatie", "organisaties"))
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
