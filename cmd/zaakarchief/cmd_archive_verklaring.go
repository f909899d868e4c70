package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
)

// archiveVerklaringCommand writes the kept verklaring van overbrenging of a run that
// transferred packages to the e-Depot, or its overdrachtslijst.
func archiveVerklaringCommand() *command {
	var df dataFlags
	var out, format string
	return &command{
		name:    "archive verklaring",
		summary: "Write the verklaring van overbrenging of a run that transferred to the e-Depot (HTML to print, JSON) or its overdrachtslijst (CSV)",
		usage:   "RUN --out FILE",
		flags: func(fs *pflag.FlagSet) {
			df.add(fs)
			fs.StringVar(&out, "out", "", "file to write (required); - writes to stdout")
			fs.StringVar(&format, "format", "", "html, json or csv (the overdrachtslijst); default: from the file's extension, else html")
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			if len(args) != 1 {
				return usageError{"archive verklaring: give the id of one run (see 'zaakarchief archive runs')"}
			}
			if out == "" {
				return usageError{"archive verklaring: --out is required"}
			}
			if format == "" {
				format = "html"
				switch strings.ToLower(filepath.Ext(out)) {
				case ".json":
					format = "json"
				case ".csv":
					format = "csv"
				}
			}
			if format != "html" && format != "json" && format != "csv" {
				return usageError{fmt.Sprintf("archive verklaring: --format %q: want html, json or csv", format)}
			}
			a, err := openData(ctx, env, &df)
			if err != nil {
				return err
			}
			defer a.Close()
			v, err := a.Archiver.VerklaringOverbrengingVan(ctx, args[0])
			if err != nil {
				return err
			}
			data := map[string][]byte{"html": v.HTML, "json": v.JSON, "csv": v.Lijst}[format]
			if out == "-" {
				_, err := env.stdout.Write(data)
				return err
			}
			if err := writeVerklaring(out, data); err != nil {
				return err
			}
			fmt.Fprintf(env.stderr, "verklaring van overbrenging of run %s written to %s (%s)\n", args[0], out, format)
			return nil
		},
	}
}
