package main

import (
	"context"
	"fmt"
	"os"
	"os/user"

	"github.com/spf13/pflag"

	"zaakarchief/dossier"
	"zaakarchief/export"
)

// exportAs are the flags that say who exports: a token, or an organisation and role.
type exportAs struct {
	token       string
	organisatie string
	rol         string
}

func (f *exportAs) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.token, "token", "", "export as this bearer token's organisation and role (default $ZAAKARCHIEF_TOKEN)")
	fs.StringVar(&f.organisatie, "organisation", "", "export as this organisation of the agreement (without --token)")
	fs.StringVar(&f.rol, "role", dossier.RolRecordmanager, "role to export as (without --token): auditor or recordmanager")
}

// actor resolves who exports; the audit trail records it.
func (f *exportAs) actor(ctx context.Context, env *environment, a *app) (dossier.Actor, error) {
	tok := f.token
	if tok == "" {
		tok = env.getenv("ZAAKARCHIEF_TOKEN")
	}
	if tok != "" {
		return a.Dossier.Authenticate(ctx, tok)
	}
	if f.organisatie == "" {
		return dossier.Actor{}, usageError{"export: give --token or --organisation (who exports is recorded in the audit trail)"}
	}
	if _, ok := a.Afspraak.Organisatie(f.organisatie); !ok {
		return dossier.Actor{}, fmt.Errorf("export: %q is not an organisation of the agreement", f.organisatie)
	}
	who := "cli"
	if u, err := user.Current(); err == nil {
		who = "cli:" + u.Username
	}
	return dossier.Actor{Organisatie: f.organisatie, Rol: f.rol, TokenID: who}, nil
}

func exportCommand() *command {
	var df dataFlags
	var as exportAs
	var zaak, zaaktype, van, tot, lijst, out string
	return &command{
		name:    "export",
		summary: "Export complete dossiers for auditors as verifiable BagIt ZIP files",
		usage:   "(--zaak ID --out FILE.zip | --zaaktype X [--from DATE] [--to DATE] --out DIR | --vernietigingslijst ID --out DIR)",
		flags: func(fs *pflag.FlagSet) {
			df.add(fs)
			as.add(fs)
			fs.StringVar(&zaak, "zaak", "", "identificatie of the zaak to export")
			fs.StringVar(&zaaktype, "zaaktype", "", "export every zaak of this zaaktype (one ZIP each, with an index)")
			fs.StringVar(&van, "from", "", "with --zaaktype: zaken that started on or after this date (YYYY-MM-DD)")
			fs.StringVar(&tot, "to", "", "with --zaaktype: zaken that started on or before this date (YYYY-MM-DD)")
			fs.StringVar(&lijst, "vernietigingslijst", "", "export every zaak on this destruction list (one ZIP each, with an index)")
			fs.StringVar(&out, "out", "", "the ZIP file (--zaak) or the directory (--zaaktype, --vernietigingslijst) to write")
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Sprintf("export takes no arguments, got %q (did you mean 'export verify'?)", args[0])}
			}
			modes := 0
			for _, s := range []string{zaak, zaaktype, lijst} {
				if s != "" {
					modes++
				}
			}
			if modes != 1 {
				return usageError{"export: give exactly one of --zaak, --zaaktype or --vernietigingslijst"}
			}
			if out == "" {
				return usageError{"export: --out is required"}
			}
			if zaak == "" && zaaktype == "" && (van != "" || tot != "") {
				return usageError{"export: --from and --to go with --zaaktype"}
			}
			sel := export.Selectie{Zaaktype: zaaktype, Vernietigingslijst: lijst}
			for _, d := range []struct {
				flag, v string
				dst     **dossier.Datum
			}{{"from", van, &sel.Van}, {"to", tot, &sel.Tot}} {
				if d.v == "" {
					continue
				}
				v, err := dossier.ParseDatum(d.v)
				if err != nil {
					return usageError{fmt.Sprintf("export: --%s: %v", d.flag, err)}
				}
				*d.dst = &v
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
			ex := a.Exporter
			if zaak != "" {
				res, err := ex.ExportFile(ctx, actor, zaak, out)
				if err != nil {
					return err
				}
				fmt.Fprintf(env.stdout, "%s: zaak %s, %d documents, %d payload files, %d bytes, sha256 %s\n",
					out, res.Zaak, res.Documenten, res.PayloadFiles, res.Bytes, res.SHA256)
				return nil
			}
			res, err := ex.ExportMany(ctx, actor, sel, out, export.NewProgress(env.stderr, isTerminal(env)))
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stdout, "%s: %d exported, %d refused, %d failed; see index.html and index.csv\n",
				out, res.Geexporteerd, res.Geweigerd, res.Mislukt)
			if res.Geweigerd+res.Mislukt > 0 {
				return fmt.Errorf("export: %d of %d zaken were not exported (see %s/index.csv)", res.Geweigerd+res.Mislukt, len(res.Items), out)
			}
			return nil
		},
	}
}

// isTerminal reports whether the command's stderr is a terminal, for a progress bar instead of
// log lines.
func isTerminal(env *environment) bool {
	f, ok := env.stderr.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func exportVerifyCommand() *command {
	return &command{
		name:    "export verify",
		summary: "Check an export ZIP: BagIt manifests, MDTO, audit chain; exit 1 on any problem",
		usage:   "FILE.zip",
		run: func(ctx context.Context, env *environment, args []string) error {
			if len(args) != 1 {
				return usageError{"export verify takes one ZIP file"}
			}
			r, err := export.Verify(ctx, args[0])
			if err != nil {
				return err
			}
			for _, p := range r.Problems {
				fmt.Fprintln(env.stdout, p.String())
			}
			for _, n := range r.Notes {
				fmt.Fprintln(env.stdout, "note: "+n)
			}
			if r.AuditLaatsteHash != "" {
				// Only the system can vouch for the end of the chain: whoever rewrote the
				// documents and the whole chain could not keep this hash.
				fmt.Fprintf(env.stdout, "audit chain ends at volgnummer %d with hash %s: compare it with the system (zaakarchief audit verify --zaak %s --volgnummer %d)\n",
					r.AuditLaatsteVolgnummer, r.AuditLaatsteHash, r.Bag, r.AuditLaatsteVolgnummer)
			}
			if !r.OK() {
				return fmt.Errorf("export verify %s: %d problems", args[0], len(r.Problems))
			}
			fmt.Fprintf(env.stdout, "%s: ok: bag %s, %d files, %d payload files, %d documents matching payload, MDTO and audit chain, %d MDTO files, %d audit entries with an intact chain\n",
				args[0], r.Bag, r.Files, r.PayloadFiles, r.Documenten, r.MDTOFiles, r.AuditEntries)
			return nil
		},
	}
}
