package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"zaakarchief/archive"
	"zaakarchief/archive/sipcheck"
	"zaakarchief/archive/target"
	"zaakarchief/cmd/zaakarchief/config"
	"zaakarchief/cmd/zaakarchief/daemon"
)

// archiveCheckCommand runs the checks an e-Depot runs before ingest on one package, or on every
// package of a folder or target, and prints a report per check.
func archiveCheckCommand() *command {
	var cfgPath string
	var edepot bool
	return &command{
		name:    "archive check",
		summary: "Run the checks an e-Depot runs before ingest on packages (PATH, file:// or s3://) and print a report per check; exit 1 on any error",
		flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&cfgPath, "config", "", "configuration file (YAML) with the S3 settings of an s3:// URL")
			fs.BoolVar(&edepot, "edepot", false, "use the e-Depot's S3 settings (archive.edepot_s3) instead of the archive target's (archive.s3)")
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			if len(args) != 1 {
				return usageError{"archive check takes one PATH or URL: a package folder, or a folder or target holding packages"}
			}
			cfg, err := config.Load(cfgPath)
			if err != nil {
				return err
			}
			s3 := cfg.Archive.S3
			if edepot {
				s3 = cfg.Archive.EDepotS3
			}
			fsys, err := openPackages(ctx, args[0], s3, env.getenv)
			if err != nil {
				return fmt.Errorf("archive check: %w", err)
			}
			return checkPackages(ctx, env.stdout, args[0], fsys)
		},
	}
}

// openPackages opens a local directory, or a file:// or s3:// target, as an fs.FS.
func openPackages(ctx context.Context, arg string, s3 config.S3, getenv func(string) string) (fs.FS, error) {
	if !strings.Contains(arg, "://") {
		info, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("%s is not a folder", arg)
		}
		return os.DirFS(arg), nil
	}
	tg, err := daemon.Opener(arg, s3, getenv, nil)(ctx)
	if err != nil {
		return nil, err
	}
	var objs []sipcheck.Object
	err = tg.List(ctx, "", func(oi target.ObjectInfo) error {
		key := oi.Key
		objs = append(objs, sipcheck.Object{Pad: key, Grootte: oi.Size, Open: func() (io.ReadCloser, error) { return tg.Open(ctx, key) }})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		if !fs.ValidPath(o.Pad) {
			return nil, fmt.Errorf("object %q in %s cannot be checked: not a valid path (empty or \".\" parts, a leading or trailing \"/\")", o.Pad, tg.URL())
		}
	}
	return sipcheck.ObjectFS(objs), nil
}

// isPackage reports whether folder dir of fsys is a package folder: it holds a pakbon or a
// manifest.
func isPackage(fsys fs.FS, dir string) bool {
	for _, n := range archive.Boekhouding {
		if _, err := fs.Stat(fsys, path.Join(dir, n)); err == nil {
			return true
		}
	}
	return false
}

// checkPackages checks fsys as one package when it is a package folder (or holds no package
// folders), or else every package folder directly below it, and prints the reports.
func checkPackages(ctx context.Context, w io.Writer, name string, fsys fs.FS) error {
	dirs := []string{"."}
	if !isPackage(fsys, ".") {
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			return fmt.Errorf("archive check: %w", err)
		}
		var pkgs []string
		for _, e := range entries {
			if e.IsDir() && isPackage(fsys, e.Name()) {
				pkgs = append(pkgs, e.Name())
			}
		}
		if len(pkgs) > 0 {
			dirs = pkgs
		}
	}
	sort.Strings(dirs)
	var failed []string
	for _, d := range dirs {
		sub, err := fs.Sub(fsys, d)
		if err != nil {
			return fmt.Errorf("archive check: %w", err)
		}
		label := name
		if d != "." {
			label = strings.TrimSuffix(name, "/") + "/" + d
		}
		rep, err := sipcheck.Controleer(ctx, sub, archive.SIPOpties())
		if err != nil {
			return fmt.Errorf("archive check %s: %w", label, err)
		}
		fmt.Fprintf(w, "pakket %s\n", label)
		if err := rep.Schrijf(w); err != nil {
			return err
		}
		if !rep.OK() {
			failed = append(failed, d)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("archive check: %d van %d pakket(en) afgekeurd (%s): %w", len(failed), len(dirs), strings.Join(failed, ", "), sipcheck.ErrAfgekeurd)
	}
	if len(dirs) > 1 {
		fmt.Fprintf(w, "%d pakketten voldoen aan alle controles\n", len(dirs))
	}
	return nil
}
