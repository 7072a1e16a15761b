// Package archtest holds the house rules of the module's layout as tests:
// no source file over 700 lines, no function over 60 lines without a
// reason, and imports that point only down the layers of README's
// architecture section. It has no code of its own.
package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/concbench/concbench/"

// root is the module's root, from this package's folder.
const root = "../.."

// Limits of the house: a longer function says why in a doc comment line
// starting "Long:".
const (
	maxFileLines = 700
	maxFuncLines = 60
)

// layers orders the module's packages, lowest first: a package may import
// one of a lower layer only, never one of its own or a higher one. A
// package not listed here fails the test, so a new package is placed on
// purpose. (bench and examples hold tests only.)
var layers = [][]string{
	{"internal/atomicfile", "internal/benchname", "internal/child", "internal/clockcost", "internal/dirlock",
		"internal/stacks", "internal/texttab", "internal/truth", "internal/work", "internal/archtest", "internal/noise", "internal/cputime",
		"internal/footnote", "internal/resultline", "internal/gobench", "internal/modinfo", "internal/nilness"},
	{"record", "impl/breaker", "impl/fanout", "impl/pipeline", "impl/workerpool"},
	{"units", "loadgen"},
	{"targets", "conformance", "benchsuite"},
	{"scenarios"},
	{"trial"},
	{"harness", "compare"},
	{"report"},
	{"runbench", "bench", "examples"},
	{"cmd/runbench"},
}

// readsFilesOnly are packages that read result files and must never
// depend on what produced them: they also chart and compare any
// project's go test output.
var readsFilesOnly = map[string][]string{
	"report":  {"impl/", "loadgen", "scenarios", "targets", "trial", "harness", "conformance", "benchsuite"},
	"compare": {"impl/", "loadgen", "scenarios", "targets", "trial", "harness", "conformance", "benchsuite", "report"},
}

func layerOf(pkg string) int {
	for i, l := range layers {
		if slices.Contains(l, pkg) {
			return i
		}
	}
	return -1
}

// sourceFile is one parsed .go file of the module (examples/mybench, a
// module of its own, and testdata aside).
type sourceFile struct {
	path, pkg string // path from the root; pkg its folder
	test      bool
	fset      *token.FileSet
	file      *ast.File
	lines     int
}

func sourceFiles(t *testing.T) []sourceFile {
	t.Helper()
	var out []sourceFile
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && rel != "." || rel == filepath.Join("examples", "mybench") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, src, parser.ParseComments)
		if err != nil {
			return err
		}
		out = append(out, sourceFile{path: filepath.ToSlash(rel), pkg: filepath.ToSlash(filepath.Dir(rel)),
			test: strings.HasSuffix(p, "_test.go"), fset: fset, file: f, lines: strings.Count(string(src), "\n")})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("found %d Go files under %s: not the module's root?", len(out), root)
	}
	return out
}

func TestNoLongFiles(t *testing.T) {
	for _, f := range sourceFiles(t) {
		if !f.test && f.lines > maxFileLines {
			t.Errorf("%s: %d lines, at most %d: split it by concept", f.path, f.lines, maxFileLines)
		}
	}
}

func TestNoLongFunctionsWithoutAReason(t *testing.T) {
	for _, f := range sourceFiles(t) {
		if f.test {
			continue
		}
		for _, d := range f.file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			n := f.fset.Position(fd.End()).Line - f.fset.Position(fd.Pos()).Line + 1
			if n > maxFuncLines && !hasReason(fd.Doc) {
				t.Errorf("%s: %s is %d lines, at most %d without a doc comment line \"Long: <why>\"", f.path, fd.Name.Name, n, maxFuncLines)
			}
		}
	}
}

func hasReason(doc *ast.CommentGroup) bool {
	if doc == nil {
		return false
	}
	for _, c := range doc.List {
		if strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(c.Text, "//")), "Long: ") {
			return true
		}
	}
	return false
}

func TestImportsPointDown(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range sourceFiles(t) {
		from := layerOf(f.pkg)
		if from < 0 {
			if !seen[f.pkg] {
				t.Errorf("package %s has no layer: place it in archtest's layers (and README's architecture)", f.pkg)
			}
			seen[f.pkg] = true
			continue
		}
		for _, imp := range f.file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			to, ok := strings.CutPrefix(path, module)
			if !ok || f.test {
				continue // tests may reach up to build what they check
			}
			if l := layerOf(to); l < 0 || l >= from {
				t.Errorf("%s imports %s: a package imports only from layers below its own (%d), and %s is in %d", f.path, to, from, to, l)
			}
			for _, bad := range readsFilesOnly[f.pkg] {
				if to == bad || strings.HasSuffix(bad, "/") && strings.HasPrefix(to, bad) {
					t.Errorf("%s imports %s: %s reads result files only", f.path, to, f.pkg)
				}
			}
		}
	}
}
