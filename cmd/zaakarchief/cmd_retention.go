package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"zaakarchief/configs"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/retention"
)

// retentionCheck is the 'agreement check' pass that checks retention against the selectielijst.
func retentionCheck(a *afspraak.Afspraak) ([]afspraak.Fout, error) {
	return retention.CheckAfspraak(a, retention.NewLijsten(configs.FS).Lijst), nil
}

// retentionAs is the flag that says who acts: a token, or without one the daemon itself
// (role systeem), which may read, propose and execute but not review or approve.
type retentionAs struct{ token string }

func (f *retentionAs) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.token, "token", "", "act as this bearer token's organisation and role (default $ZAAKARCHIEF_TOKEN; without one: the daemon itself, role systeem)")
}

func (f *retentionAs) actor(ctx context.Context, env *environment, a *app) (dossier.Actor, error) {
	tok := f.token
	if tok == "" {
		tok = env.getenv("ZAAKARCHIEF_TOKEN")
	}
	if tok == "" {
		return retention.Systeem, nil
	}
	return a.Dossier.Authenticate(ctx, tok)
}

// retentionCmd builds a retention command that opens the data directory and resolves the actor.
func retentionCmd(name, summary, usage string, flags func(fs *pflag.FlagSet), nargs [2]int,
	run func(ctx context.Context, env *environment, a *app, actor dossier.Actor, args []string) error) *command {
	var df dataFlags
	var as retentionAs
	return &command{
		name: name, summary: summary, usage: usage,
		flags: func(fs *pflag.FlagSet) {
			df.add(fs)
			as.add(fs)
			if flags != nil {
				flags(fs)
			}
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			if len(args) < nargs[0] || len(args) > nargs[1] {
				return usageError{fmt.Sprintf("%s: usage: zaakarchief %s [flags] %s", name, name, usage)}
			}
			a, err := openData(ctx, env, &df)
			if err != nil {
				return err
			}
			defer a.Close()
			actor, err := as.actor(ctx, env, a)
			if err != nil {
				return err
			}
			return run(ctx, env, a, actor, args)
		},
	}
}

func printRetentionJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func datumFlag(s string, flag string) (*dossier.Datum, error) {
	if s == "" {
		return nil, nil
	}
	d, err := dossier.ParseDatum(s)
	if err != nil {
		return nil, usageError{fmt.Sprintf("--%s: %v", flag, err)}
	}
	return &d, nil
}

func retentionExplainCommand() *command {
	var asJSON bool
	return retentionCmd("retention explain", "Explain a zaak's retention: derivation step by step, overrides, holds, transfer date, lists",
		"ZAAK", func(fs *pflag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "print JSON instead of text") }, [2]int{1, 1},
		func(ctx context.Context, env *environment, a *app, actor dossier.Actor, args []string) error {
			u, err := a.Retention.Explain(ctx, actor, args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return printRetentionJSON(env.stdout, u)
			}
			printUitleg(env.stdout, u)
			return nil
		})
}

func printUitleg(w io.Writer, u *retention.Uitleg) {
	fmt.Fprintf(w, "Zaak %s (%s): %s\n", u.Zaak, u.Zaaktype, u.Omschrijving)
	fmt.Fprintf(w, "Status: %s; startdatum %s, einddatum %s", u.Status, datumOfStreep(u.Startdatum), datumOfStreep(u.Einddatum))
	if u.Resultaattype != "" {
		fmt.Fprintf(w, "; resultaat %s", u.Resultaattype)
	}
	fmt.Fprintln(w)
	if a := u.Archief; a != nil {
		fmt.Fprintf(w, "Archief: nominatie %s, archiefactiedatum %s, archiefstatus %s, brondatum %s\n",
			orStreep(a.Archiefnominatie), datumOfStreep(a.Archiefactiedatum), a.Archiefstatus, datumOfStreep(a.StartdatumBewaartermijn))
		if a.Uitgesteld != "" {
			fmt.Fprintf(w, "Uitgesteld: %s\n", a.Uitgesteld)
		}
	}
	if af := u.Afleiding; af != nil {
		g := af.Selectielijst
		fmt.Fprintf(w, "Selectielijst: %s %d, resultaat %s %q (waardering %s, procestermijn %s, bewaartermijn %s)\n",
			g.Naam, g.Jaar, g.VolledigNummer, g.Resultaat, orStreep(g.Waardering), orStreep(g.Procestermijn), orStreep(g.Bewaartermijn))
		when := "afgeleid " + af.Afgeleid.Format("2006-01-02 15:04:05 UTC")
		if u.Herberekend {
			when = "niet bewaard; nu herberekend met de afspraak van vandaag"
		}
		fmt.Fprintf(w, "Afleiding (%s), resultaattype %q:\n", when, af.Resultaattype)
		for i, st := range af.Uitkomst.Stappen {
			fmt.Fprintf(w, "  %d. %s\n     => %s\n", i+1, st.Regel, st.Resultaat)
			for _, g := range st.Invoer {
				fmt.Fprintf(w, "     %s: %s\n", g.Naam, g.Waarde)
			}
		}
	}
	if u.AfleidingFout != "" {
		fmt.Fprintf(w, "Afleiding niet te herberekenen: %s\n", u.AfleidingFout)
	}
	if len(u.Afleidingen) > 1 {
		fmt.Fprintln(w, "Afleidingen, in volgorde:")
		for _, m := range u.Afleidingen {
			fmt.Fprintf(w, "  %d. %s: nominatie %s, brondatum %s, archiefactiedatum %s", m.Volgnummer, m.Afgeleid.Format("2006-01-02 15:04:05 UTC"),
				orStreep(m.Archiefnominatie), datumOfStreep(m.Brondatum), datumOfStreep(m.Archiefactiedatum))
			if m.Uitgesteld != "" {
				fmt.Fprintf(w, " (uitgesteld: %s)", m.Uitgesteld)
			}
			for _, g := range m.Invoer {
				fmt.Fprintf(w, "; %s: %s", g.Naam, g.Waarde)
			}
			fmt.Fprintln(w)
		}
	}
	if o := u.Overbrenging; o != nil {
		fmt.Fprintf(w, "Overbrenging: %s (%s, vanaf brondatum %s)\n", o.Datum, o.Wet, o.Brondatum)
	}
	for _, o := range u.Overrides {
		fmt.Fprintf(w, "Override %s door %s (%s): nominatie %s -> %s, archiefactiedatum %s -> %s; reden: %s\n",
			o.Tijd.Format("2006-01-02"), o.Door, o.Bron, orStreep(o.Van.Archiefnominatie), o.Naar.Archiefnominatie,
			datumOfStreep(o.Van.Archiefactiedatum), datumOfStreep(o.Naar.Archiefactiedatum), o.Reden)
	}
	for _, h := range u.Holds {
		fmt.Fprintf(w, "Bevroren: %s (%s, %s) sinds %s: %s\n", h.ID, h.Soort, h.Bereik, h.Aangemaakt.Format("2006-01-02"), h.Reden)
	}
	for _, p := range u.Lijsten {
		fmt.Fprintf(w, "Vernietigingslijst %s (%s): %s %s %s\n", p.Lijst, p.Status, p.ItemStatus, p.Beoordeling, strings.TrimSpace(p.Reden+" "+p.Resultaat))
	}
	if v := u.Vernietigd; v != nil {
		fmt.Fprintf(w, "Vernietigd op %s (lijst %s, goedgekeurd door %s op %s); grondslag %s %d %s, bewaartermijn %s\n",
			v.Uitgevoerd.Format("2006-01-02"), v.Lijst, v.GoedgekeurdDoor, v.Goedgekeurd.Format("2006-01-02"),
			v.Selectielijst, v.SelectielijstJaar, v.VolledigNummer, orStreep(v.Bewaartermijn))
	}
}

func datumOfStreep(d *dossier.Datum) string {
	if d == nil {
		return "-"
	}
	return d.String()
}

func retentionOverrideCommand() *command {
	var nominatie, datum, reden string
	return retentionCmd("retention override", "Change a closed zaak's archiefnominatie and/or archiefactiedatum (recordmanager), with a reason",
		"ZAAK", func(fs *pflag.FlagSet) {
			fs.StringVar(&nominatie, "archiefnominatie", "", "new archiefnominatie: vernietigen or blijvend_bewaren")
			fs.StringVar(&datum, "archiefactiedatum", "", "new archiefactiedatum (YYYY-MM-DD)")
			fs.StringVar(&reden, "reason", "", "why (required; kept in the audit trail)")
		}, [2]int{1, 1},
		func(ctx context.Context, env *environment, a *app, actor dossier.Actor, args []string) error {
			d, err := datumFlag(datum, "archiefactiedatum")
			if err != nil {
				return err
			}
			o, err := a.Retention.Override(ctx, actor, args[0], retention.Overschrijving{Archiefnominatie: nominatie, Archiefactiedatum: d, Reden: reden})
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stdout, "zaak %s: nominatie %s, archiefactiedatum %s (override %s)\n", o.Zaak, o.Naar.Archiefnominatie, datumOfStreep(o.Naar.Archiefactiedatum), o.ID)
			return nil
		})
}

func retentionProposeCommand() *command {
	return retentionCmd("retention propose", "Put every zaak due for destruction (not on hold, not on an open list) on a new destruction list",
		"", nil, [2]int{0, 0},
		func(ctx context.Context, env *environment, a *app, actor dossier.Actor, args []string) error {
			v, err := a.Retention.Propose(ctx, actor)
			if err != nil {
				return err
			}
			if v.Lijst == nil {
				fmt.Fprintf(env.stdout, "no list: %d zaken due on %s, %d on hold, %d already on an open list\n", v.Verlopen, v.Peildatum, v.Bevroren, v.AlOpLijst)
				return nil
			}
			fmt.Fprintf(env.stdout, "%s\n", v.Lijst.ID)
			fmt.Fprintf(env.stderr, "list %s: %d zaken (%d due on %s, %d on hold, %d already on an open list)\n",
				v.Lijst.ID, v.Opgenomen, v.Verlopen, v.Peildatum, v.Bevroren, v.AlOpLijst)
			return nil
		})
}

func retentionHoldAddCommand() *command {
	var n retention.NieuweHold
	var van, tot, eind string
	return retentionCmd("retention hold add", "Place a hold (juridisch, woo, audit) on a zaak, a zaaktype or the zaken of a period (recordmanager)",
		"", func(fs *pflag.FlagSet) {
			fs.StringVar(&n.Soort, "soort", "", fmt.Sprintf("kind of hold: one of %v (required)", retention.HoldSoorten))
			fs.StringVar(&n.Reden, "reason", "", "why destruction is suspended (required)")
			fs.StringVar(&n.Zaak, "zaak", "", "hold this zaak")
			fs.StringVar(&n.Zaaktype, "zaaktype", "", "hold every zaak of this zaaktype")
			fs.StringVar(&van, "from", "", "hold the zaken running on or after this date (YYYY-MM-DD)")
			fs.StringVar(&tot, "to", "", "hold the zaken running on or before this date (YYYY-MM-DD)")
			fs.StringVar(&eind, "until", "", "the hold ends by itself after this date (default: until released)")
		}, [2]int{0, 0},
		func(ctx context.Context, env *environment, a *app, actor dossier.Actor, args []string) error {
			var err error
			if n.Van, err = datumFlag(van, "from"); err != nil {
				return err
			}
			if n.Tot, err = datumFlag(tot, "to"); err != nil {
				return err
			}
			if n.Einddatum, err = datumFlag(eind, "until"); err != nil {
				return err
			}
			h, err := a.Retention.AddHold(ctx, actor, n)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.stdout, h.ID)
			return nil
		})
}

func retentionHoldListCommand() *command {
	var alle, asJSON bool
	return retentionCmd("retention hold list", "List the active holds (--all: also released and ended ones)",
		"", func(fs *pflag.FlagSet) {
			fs.BoolVar(&alle, "all", false, "also holds that were released or ended")
			fs.BoolVar(&asJSON, "json", false, "print JSON instead of a table")
		}, [2]int{0, 0},
		func(ctx context.Context, env *environment, a *app, actor dossier.Actor, args []string) error {
			hs, err := a.Retention.Holds(ctx, actor, alle)
			if err != nil {
				return err
			}
			if asJSON {
				if hs == nil {
					hs = []retention.Hold{}
				}
				return printRetentionJSON(env.stdout, hs)
			}
			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSOORT\tBEREIK\tWAT\tACTIEF\tSINDS\tTOT\tREDEN")
			for _, h := range hs {
				wat := h.Zaak + h.Zaaktype
				if h.Bereik == retention.BereikPeriode {
					wat = datumOfStreep(h.Van) + " .. " + datumOfStreep(h.Tot)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\t%s\t%s\t%s\n", h.ID, h.Soort, h.Bereik, wat, h.Actief,
					h.Aangemaakt.Format("2006-01-02"), datumOfStreep(h.Einddatum), afkorten(h.Reden, 60))
			}
			return tw.Flush()
		})
}

func retentionHoldReleaseCommand() *command {
	var reden string
	return retentionCmd("retention hold release", "Lift a hold (recordmanager), with a reason",
		"ID", func(fs *pflag.FlagSet) { fs.StringVar(&reden, "reason", "", "why the hold is lifted (required)") }, [2]int{1, 1},
		func(ctx context.Context, env *environment, a *app, actor dossier.Actor, args []string) error {
			h, err := a.Retention.ReleaseHold(ctx, actor, args[0], reden)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stdout, "hold %s released\n", h.ID)
			return nil
		})
}
