package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"zaakarchief/dossier"
	"zaakarchief/retention"
)

func retentionListShowCommand() *command {
	var asJSON bool
	return retentionCmd("retention list show", "Show a destruction list with its zaken, or every list without an ID",
		"[ID]", func(fs *pflag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "print JSON instead of text") }, [2]int{0, 1},
		func(ctx context.Context, env *environment, a *app, actor dossier.Actor, args []string) error {
			if len(args) == 0 {
				ls, err := a.Retention.Lijsten(ctx, actor)
				if err != nil {
					return err
				}
				if asJSON {
					if ls == nil {
						ls = []retention.Lijst{}
					}
					return printRetentionJSON(env.stdout, ls)
				}
				tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tSTATUS\tPEILDATUM\tOP LIJST\tVERNIETIGD\tUITVOERBAAR VANAF")
				for _, l := range ls {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\n", l.ID, l.Status, l.Peildatum, l.Aantallen[retention.ItemSuggested],
						l.Aantallen[retention.ItemSucceeded], uitvoerbaarTekst(l))
				}
				return tw.Flush()
			}
			l, err := a.Retention.Lijst(ctx, actor, args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return printRetentionJSON(env.stdout, l)
			}
			printLijst(env.stdout, l)
			return nil
		})
}

func uitvoerbaarTekst(l retention.Lijst) string {
	if l.UitvoerbaarVanaf == nil {
		return "-"
	}
	return l.UitvoerbaarVanaf.Format("2006-01-02 15:04 MST")
}

func printLijst(w io.Writer, l *retention.Lijst) {
	fmt.Fprintf(w, "%s (%s): status %s, peildatum %s\n", l.Naam, l.ID, l.Status, l.Peildatum)
	fmt.Fprintf(w, "Voorgesteld %s door %s\n", l.Aangemaakt.Format("2006-01-02 15:04 MST"), l.AangemaaktDoor)
	if l.Ingediend != nil {
		fmt.Fprintf(w, "Ingediend %s door %s\n", l.Ingediend.Format("2006-01-02 15:04 MST"), l.IngediendDoor)
	}
	if l.Goedgekeurd != nil {
		fmt.Fprintf(w, "Goedgekeurd %s door %s; uitvoerbaar vanaf %s\n", l.Goedgekeurd.Format("2006-01-02 15:04 MST"), l.GoedgekeurdDoor, uitvoerbaarTekst(*l))
	}
	if l.Geannuleerd != nil {
		fmt.Fprintf(w, "Geannuleerd %s door %s: %s\n", l.Geannuleerd.Format("2006-01-02 15:04 MST"), l.GeannuleerdDoor, l.Annuleringsreden)
	}
	if l.Uitgevoerd != nil {
		fmt.Fprintf(w, "Uitgevoerd %s\n", l.Uitgevoerd.Format("2006-01-02 15:04 MST"))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ZAAK\tZAAKTYPE\tRESULTAAT\tEINDDATUM\tARCHIEFACTIEDATUM\tSTATUS\tBEOORDELING\tTOELICHTING")
	for _, it := range l.Items {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", it.Zaak, it.Zaaktype, orStreep(it.Resultaattype), it.Einddatum, it.Archiefactiedatum,
			it.Status, orStreep(it.Beoordeling), afkorten(strings.TrimSpace(it.Reden+" "+it.Resultaat), 70))
	}
	tw.Flush()
}

// lijstStep builds a command that runs one step on a list and prints its new status.
func lijstStep(name, summary, usage string, flags func(fs *pflag.FlagSet), nargs [2]int,
	step func(ctx context.Context, a *app, actor dossier.Actor, args []string) (*retention.Lijst, error)) *command {
	return retentionCmd(name, summary, usage, flags, nargs, func(ctx context.Context, env *environment, a *app, actor dossier.Actor, args []string) error {
		l, err := step(ctx, a, actor, args)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "list %s: status %s, %d zaken on it, %d without an answer\n", l.ID, l.Status,
			l.Aantallen[retention.ItemSuggested], l.Aantallen["onbeantwoord"])
		return nil
	})
}

func retentionListSubmitCommand() *command {
	return lijstStep("retention list submit", "Hand a new destruction list to the archivaris for review (recordmanager)", "ID", nil, [2]int{1, 1},
		func(ctx context.Context, a *app, actor dossier.Actor, args []string) (*retention.Lijst, error) {
			return a.Retention.Submit(ctx, actor, args[0])
		})
}

func retentionListReviewCommand() *command {
	var antwoord, reden, datum string
	var rest bool
	return lijstStep("retention list review", "Answer zaken on a list under review (archivaris): vernietigen, bewaren or overbrengen",
		"ID (ZAAK... | --remaining)", func(fs *pflag.FlagSet) {
			fs.StringVar(&antwoord, "answer", retention.BeoordelingVernietigen, "vernietigen, bewaren (with --archiefactiedatum) or overbrengen")
			fs.StringVar(&reden, "reason", "", "why (required with bewaren and overbrengen)")
			fs.StringVar(&datum, "archiefactiedatum", "", "with bewaren: the new, later archiefactiedatum (YYYY-MM-DD)")
			fs.BoolVar(&rest, "remaining", false, "answer every zaak on the list that has no answer yet")
		}, [2]int{1, 1 << 20},
		func(ctx context.Context, a *app, actor dossier.Actor, args []string) (*retention.Lijst, error) {
			d, err := datumFlag(datum, "archiefactiedatum")
			if err != nil {
				return nil, err
			}
			zaken := args[1:]
			switch {
			case rest && len(zaken) > 0:
				return nil, usageError{"retention list review: give zaken or --remaining, not both"}
			case rest:
				l, err := a.Retention.Lijst(ctx, actor, args[0])
				if err != nil {
					return nil, err
				}
				for _, it := range l.Items {
					if it.Status == retention.ItemSuggested && it.Beoordeling == "" {
						zaken = append(zaken, it.Zaak)
					}
				}
				if len(zaken) == 0 {
					return nil, fmt.Errorf("retention list review: list %s has no zaak without an answer", args[0])
				}
			case len(zaken) == 0:
				return nil, usageError{"retention list review: give the zaken to answer, or --remaining"}
			}
			bs := make([]retention.Beoordeling, len(zaken))
			for i, z := range zaken {
				bs[i] = retention.Beoordeling{Zaak: z, Beoordeling: antwoord, Reden: reden, Archiefactiedatum: d}
			}
			return a.Retention.Review(ctx, actor, args[0], bs)
		})
}

func retentionListRemoveCommand() *command {
	var reden string
	return lijstStep("retention list remove", "Take a zaak off a destruction list before approval (recordmanager), with a reason",
		"ID ZAAK", func(fs *pflag.FlagSet) { fs.StringVar(&reden, "reason", "", "why (required)") }, [2]int{2, 2},
		func(ctx context.Context, a *app, actor dossier.Actor, args []string) (*retention.Lijst, error) {
			return a.Retention.RemoveItem(ctx, actor, args[0], args[1], reden)
		})
}

func retentionListApproveCommand() *command {
	return lijstStep("retention list approve", "Approve a reviewed destruction list (archivaris); the waiting period starts", "ID", nil, [2]int{1, 1},
		func(ctx context.Context, a *app, actor dossier.Actor, args []string) (*retention.Lijst, error) {
			return a.Retention.Approve(ctx, actor, args[0])
		})
}

func retentionListCancelCommand() *command {
	var reden string
	return lijstStep("retention list cancel", "Cancel a destruction list before its execution starts, with a reason",
		"ID", func(fs *pflag.FlagSet) { fs.StringVar(&reden, "reason", "", "why (required)") }, [2]int{1, 1},
		func(ctx context.Context, a *app, actor dossier.Actor, args []string) (*retention.Lijst, error) {
			return a.Retention.Cancel(ctx, actor, args[0], reden)
		})
}

func retentionListExecuteCommand() *command {
	return retentionCmd("retention list execute", "Destroy the zaken of an approved list past its waiting period; run again to resume",
		"ID", nil, [2]int{1, 1},
		func(ctx context.Context, env *environment, a *app, actor dossier.Actor, args []string) error {
			// Archived copies go first, through the daemon's archiver.
			u, err := a.Retention.Execute(ctx, actor, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stdout, "list %s: status %s; this run destroyed %d zaken, %d refused by archive storage, %d skipped; %d document contents deleted\n",
				u.Lijst.ID, u.Lijst.Status, u.Vernietigd, u.Geweigerd, u.Overgeslagen, u.BlobsVerwijderd)
			return nil
		})
}

func retentionListCertificateCommand() *command {
	var out, format string
	return retentionCmd("retention list certificate", "Write the verklaring van vernietiging of an executed list (HTML to print, or JSON)",
		"ID --out FILE", func(fs *pflag.FlagSet) {
			fs.StringVar(&out, "out", "", "file to write (required); - writes to stdout")
			fs.StringVar(&format, "format", "", "html or json (default: from the file's extension, else html)")
		}, [2]int{1, 1},
		func(ctx context.Context, env *environment, a *app, actor dossier.Actor, args []string) error {
			if out == "" {
				return usageError{"retention list certificate: --out is required"}
			}
			if format == "" {
				format = "html"
				if strings.EqualFold(filepath.Ext(out), ".json") {
					format = "json"
				}
			}
			if format != "html" && format != "json" {
				return usageError{fmt.Sprintf("retention list certificate: --format %q: want html or json", format)}
			}
			v, err := a.Retention.Verklaring(ctx, actor, args[0])
			if err != nil {
				return err
			}
			data := v.HTML
			if format == "json" {
				data = v.JSON
			}
			if out == "-" {
				_, err := env.stdout.Write(data)
				return err
			}
			if err := writeVerklaring(out, data); err != nil {
				return err
			}
			fmt.Fprintf(env.stderr, "verklaring van vernietiging of %s written to %s (%s)\n", args[0], out, format)
			return nil
		})
}

func retentionListLogCommand() *command {
	return retentionCmd("retention list log", "Print the log of a destruction list: every step, who and when", "ID", nil, [2]int{1, 1},
		func(ctx context.Context, env *environment, a *app, actor dossier.Actor, args []string) error {
			log, err := a.Retention.Logboek(ctx, actor, args[0])
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "#\tTIJD\tDOOR\tACTIE\tZAAK\tDETAILS")
			for _, r := range log {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.Volgnummer, r.Tijd.Format("2006-01-02 15:04:05"), r.Door, r.Actie, orStreep(r.Zaak), afkorten(string(r.Details), 80))
			}
			return tw.Flush()
		})
}

// writeVerklaring writes data to path through a temporary file in the same directory, synced
// and renamed, so that path holds either the old content or all of the new.
func writeVerklaring(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
