package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"zaakarchief/retention"
)

// maxLabel caps the naam/omschrijving column so that the table stays readable in a terminal.
const maxLabel = 90

func selectielijstShowCommand() *command {
	var lijst string
	var procestype int
	return &command{
		name:    "selectielijst show",
		summary: "Show a Selectielijst's resultaten with waardering and terms",
		flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&lijst, "lijst", "selectielijst-2020", "selectielijst name (embedded, e.g. selectielijst-2017) or path to a .json file")
			fs.IntVar(&procestype, "procestype", 0, "show only this procestype (e.g. 11); 0 shows all")
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			if len(args) != 0 {
				return usageError{"selectielijst show: takes no arguments"}
			}
			if procestype < 0 {
				return usageError{"selectielijst show: --procestype must be positive"}
			}
			s, err := retention.OpenSelectielijst(lijst)
			if err != nil {
				return err
			}
			resultaten := s.Resultaten
			var p *retention.Procestype
			if procestype != 0 {
				var ok bool
				if p, ok = s.Procestype(procestype); !ok {
					return fmt.Errorf("selectielijst show: procestype %d does not exist in %s %d", procestype, s.Naam, s.Jaar)
				}
				resultaten = s.ResultatenVan(procestype)
			}
			fmt.Fprintf(env.stdout, "%s %d\n", s.Naam, s.Jaar)
			if p != nil {
				fmt.Fprintf(env.stdout, "Procestype %d %s (procesobject: %s)\n", p.Nummer, p.Naam, p.Procesobject)
			}
			fmt.Fprintln(env.stdout)
			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NUMMER\tNAAM\tWAARDERING\tPROCESTERMIJN\tBEWAARTERMIJN")
			for i := range resultaten {
				r := &resultaten[i]
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.VolledigNummer, afkorten(r.Label(), maxLabel),
					orStreep(r.Waardering), orStreep(r.Procestermijn), orStreep(r.Bewaartermijn))
			}
			return tw.Flush()
		},
	}
}

// afkorten shortens s to at most n characters, marking the cut with an ellipsis.
func afkorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// orStreep shows an empty value as a dash.
func orStreep(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
