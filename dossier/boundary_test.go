package dossier_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The dossier is a boundary: other packages read it through Service.Inzien and change it through
// Service.Wijzig. These tests read the source of the module and fail when a package outside
// dossier goes around that.

// dossierImport is the import path of this package.
const dossierImport = "zaakarchief/dossier"

// dossierTables returns the tables the dossier's migrations create.
func dossierTables(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("dossier migrations: %v (%d files)", err, len(files))
	}
	create := regexp.MustCompile(`(?i)CREATE TABLE (?:IF NOT EXISTS )?(\w+)`)
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range create.FindAllStringSubmatch(string(b), -1) {
			out = append(out, strings.ToLower(m[1]))
		}
	}
	return out
}

// tableSQL matches SQL that names one of tables after FROM, JOIN, UPDATE or INTO (DELETE FROM
// included). Keywords are matched in capitals, as the project writes its SQL, so that prose
// ("read from audit") does not count.
func tableSQL(tables []string) *regexp.Regexp {
	return regexp.MustCompile(`\b(?:FROM|JOIN|UPDATE|INTO)\s+(` + strings.Join(tables, "|") + `)\b`)
}

// txFunctions returns the exported functions and methods of package dossier (its non-test files
// in dir) that take a *sqldb.Tx parameter: functions that would let a caller work inside the
// dossier's transaction around its rules.
func txFunctions(t *testing.T, dir string) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || !fn.Name.IsExported() {
				continue
			}
			for _, p := range fn.Type.Params.List {
				if isSQLDBTx(p.Type) {
					out[fn.Name.Name] = true
				}
			}
		}
	}
	return out
}

// isSQLDBTx reports whether e is the type *sqldb.Tx.
func isSQLDBTx(e ast.Expr) bool {
	star, ok := e.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == "sqldb" && sel.Sel.Name == "Tx"
}

// rawStores are the Service methods that would hand out the dossier's database and blob store.
var rawStores = []string{"DB", "Blobs"}

// violations parses one Go file and returns where it goes around the dossier: SQL naming a
// dossier table, a call of an exported dossier function that takes a *sqldb.Tx, or a call of
// Service.DB()/Blobs().
func violations(fset *token.FileSet, name string, src any, sqlRe *regexp.Regexp, txFuncs map[string]bool) ([]string, error) {
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	pkg := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == dossierImport {
			pkg = "dossier"
			if imp.Name != nil {
				pkg = imp.Name.Name
			}
		}
	}
	var out []string
	report := func(n ast.Node, format string, args ...any) {
		out = append(out, fset.Position(n.Pos()).String()+": "+fmt.Sprintf(format, args...))
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			if n.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(n.Value)
			if err != nil {
				s = n.Value
			}
			if m := sqlRe.FindStringSubmatch(s); m != nil {
				report(n, "SQL names dossier table %s: ask dossier.Inzage instead", m[1])
			}
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && pkg != "" && id.Name == pkg && txFuncs[sel.Sel.Name] {
				report(n, "calls dossier.%s, which works inside a dossier transaction: use Service.Inzien or Service.Wijzig", sel.Sel.Name)
			}
			if pkg != "" && len(n.Args) == 0 && slices.Contains(rawStores, sel.Sel.Name) {
				report(n, "calls %s(), which hands out a raw store of the dossier", sel.Sel.Name)
			}
		}
		return true
	})
	return out, nil
}

// TestNoPackageOutsideDossierGoesAroundIt parses every non-test Go file of the module outside
// dossier/ and fails on each place that reads the dossier's tables or works inside its
// transactions.
func TestNoPackageOutsideDossierGoesAroundIt(t *testing.T) {
	tables := dossierTables(t)
	for _, want := range []string{"zaken", "documenten", "audit", "statussen"} {
		if !slices.Contains(tables, want) {
			t.Fatalf("the migrations create %v, not %s: the table list is read wrongly", tables, want)
		}
	}
	sqlRe := tableSQL(tables)
	txFuncs := txFunctions(t, ".")
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root %s: %v", root, err)
	}
	fset := token.NewFileSet()
	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel == "dossier" || rel == "testdata" || strings.HasSuffix(rel, string(filepath.Separator)+"testdata") ||
				(rel != "." && strings.HasPrefix(d.Name(), ".")) || d.Name() == "vendor" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		checked++
		v, err := violations(fset, path, nil, sqlRe, txFuncs)
		if err != nil {
			return err
		}
		for _, msg := range v {
			t.Error(msg)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("checked only %d files under %s: the walk misses the module", checked, root)
	}
}

// TestBoundaryCheckFindsEachWayAround feeds the check sources that go around the dossier, and
// ones that do not.
func TestBoundaryCheckFindsEachWayAround(t *testing.T) {
	sqlRe := tableSQL([]string{"zaken", "audit", "resultaten"})
	txFuncs := map[string]bool{"GetZaak": true}
	const head = "package p\n\nimport (\n\t\"zaakarchief/dossier\"\n\t\"zaakarchief/dossier/sqldb\"\n)\n\n"
	for _, tc := range []struct {
		name, body string
		want       int
	}{
		{"select from zaken", "const q = `SELECT identificatie FROM zaken WHERE fase = ?`", 1},
		{"join resultaten", "const q = \"SELECT 1 FROM retention_lijst_items i LEFT JOIN resultaten r ON r.zaak = i.zaak\"", 1},
		{"delete from audit", "const q = `DELETE FROM audit`", 1},
		{"update zaken", "const q = `UPDATE zaken SET fase = 1`", 1},
		{"insert into audit", "const q = `INSERT INTO audit (id) VALUES (?)`", 1},
		{"own table", "const q = `SELECT zaak FROM retention_holds WHERE zaak = ?`", 0},
		{"table name prefix", "const q = `SELECT 1 FROM zaken_archief`", 0},
		{"prose", "const msg = \"read from audit trail\"", 0},
		{"tx-level function", "func f(tx *sqldb.Tx) { dossier.GetZaak(nil, tx, \"Z\") }", 1},
		{"intent method of the same name", "func f(in *dossier.Inzage) { in.GetZaak(nil, \"Z\") }", 0},
		{"raw database", "func f(s *dossier.Service) { _ = s.DB() }", 1},
		{"raw blob store", "func f(s *dossier.Service) { _ = s.Blobs() }", 1},
		{"Inzien", "func f(s *dossier.Service) { _ = s.Inzien(nil, func(in *dossier.Inzage, tx *sqldb.Tx) error { return nil }) }", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := violations(token.NewFileSet(), "p.go", head+tc.body+"\n", sqlRe, txFuncs)
			if err != nil {
				t.Fatal(err)
			}
			if len(v) != tc.want {
				t.Errorf("found %d violations %v, want %d", len(v), v, tc.want)
			}
		})
	}
}
