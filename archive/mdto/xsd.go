package mdto

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"zaakarchief/configs"
)

// ErrNoXmllint means xmllint (Debian package libxml2-utils) is not on PATH, so ValidateXSD
// cannot run.
var ErrNoXmllint = errors.New("mdto: xmllint not found on PATH (install libxml2-utils)")

// xmllintBatch bounds the number of files per xmllint run, to stay below the argument limit.
const xmllintBatch = 256

// XSDFailure is one file xmllint refused, with its messages.
type XSDFailure struct {
	// Path is the file as it was passed to ValidateXSD.
	Path string
	// Messages are xmllint's lines about this file.
	Messages []string
}

// XSDError lists the files that do not validate against the MDTO schema.
type XSDError struct {
	// Failures are the refused files in the order they were passed.
	Failures []XSDFailure
}

// Error names every failing file with xmllint's messages.
func (e *XSDError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mdto: %d file(s) do not validate against MDTO 1.0.1:", len(e.Failures))
	for _, f := range e.Failures {
		fmt.Fprintf(&b, "\n%s: %s", f.Path, strings.Join(f.Messages, " | "))
	}
	return b.String()
}

// ValidateXSD validates the XML files at paths against the MDTO 1.0.1 schema embedded in
// package configs, with `xmllint --noout --schema`. It returns nil when every file validates,
// an *XSDError naming each failing file and xmllint's messages, ErrNoXmllint when xmllint is
// missing, or another error when xmllint could not run.
func ValidateXSD(ctx context.Context, paths ...string) error {
	if len(paths) == 0 {
		return nil
	}
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		return ErrNoXmllint
	}
	schema, err := configs.FS.ReadFile(configs.MDTOSchema)
	if err != nil {
		return fmt.Errorf("validate mdto: read embedded schema: %w", err)
	}
	dir, err := os.MkdirTemp("", "mdto-xsd-*")
	if err != nil {
		return fmt.Errorf("validate mdto: %w", err)
	}
	defer os.RemoveAll(dir)
	xsd := filepath.Join(dir, filepath.Base(configs.MDTOSchema))
	if err := os.WriteFile(xsd, schema, 0o600); err != nil {
		return fmt.Errorf("validate mdto: write schema: %w", err)
	}

	var failures []XSDFailure
	for start := 0; start < len(paths); start += xmllintBatch {
		batch := paths[start:min(start+xmllintBatch, len(paths))]
		f, err := runXmllint(ctx, xmllint, xsd, batch)
		if err != nil {
			return err
		}
		failures = append(failures, f...)
	}
	if len(failures) > 0 {
		return &XSDError{Failures: failures}
	}
	return nil
}

// runXmllint validates one batch and attributes xmllint's stderr lines to the files.
func runXmllint(ctx context.Context, xmllint, xsd string, paths []string) ([]XSDFailure, error) {
	args := []string{"--noout", "--nonet", "--schema", xsd}
	for _, p := range paths {
		args = append(args, argPath(p))
	}
	cmd := exec.CommandContext(ctx, xmllint, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("validate mdto: %w", ctx.Err())
	}
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) {
		return nil, fmt.Errorf("validate mdto: run xmllint: %w", runErr)
	}

	// xmllint reports per file: "<file>:<line>: <message>" (plus continuation lines for parser
	// errors), "<file> fails to validate", "<file> validates", or, for an unreadable file,
	// `warning: failed to load external entity "<file>"`.
	msgs := make(map[string][]string, len(paths))
	failed := make(map[string]bool, len(paths))
	owner := ""
	for _, l := range strings.Split(stderr.String(), "\n") {
		if l == "" {
			continue
		}
		if p, rest, ok := lineOwner(l, paths); ok {
			owner = p
			switch rest {
			case "validates":
				owner = ""
				continue
			case "fails to validate":
				failed[p] = true
				continue
			}
			failed[p] = true
			msgs[p] = append(msgs[p], rest)
			continue
		}
		if owner != "" {
			msgs[owner] = append(msgs[owner], strings.TrimSpace(l))
		}
	}
	var failures []XSDFailure
	for _, p := range paths {
		if !failed[p] {
			continue
		}
		m := msgs[p]
		if len(m) == 0 {
			m = []string{"fails to validate"}
		}
		failures = append(failures, XSDFailure{Path: p, Messages: m})
		delete(failed, p)
	}
	if runErr != nil && len(failures) == 0 {
		// xmllint failed without naming a file: the schema or xmllint itself is at fault.
		return nil, fmt.Errorf("validate mdto: xmllint: %w: %s", runErr, strings.TrimSpace(stderr.String()))
	}
	return failures, nil
}

// argPath keeps a path that starts with "-" from being read as an xmllint option.
func argPath(p string) string {
	if strings.HasPrefix(p, "-") {
		return "." + string(filepath.Separator) + p
	}
	return p
}

// lineOwner finds the file an xmllint line is about and the rest of the line.
func lineOwner(l string, paths []string) (path, rest string, ok bool) {
	best := -1
	for i, p := range paths {
		a := argPath(p)
		switch {
		case strings.HasPrefix(l, a+":"), strings.HasPrefix(l, a+" "):
			if best < 0 || len(a) > len(argPath(paths[best])) {
				best = i
				rest = strings.TrimSpace(l[len(a)+1:])
			}
		case strings.HasPrefix(l, "warning: failed to load external entity") && strings.Contains(l, `"`+a+`"`):
			return p, "cannot be read: " + l, true
		}
	}
	if best < 0 {
		return "", "", false
	}
	return paths[best], rest, true
}
