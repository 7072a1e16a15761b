package runbench

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
)

// cmdList is runbench list: the implementations, parameters and embedded
// scenarios of reg, as a table or as JSON lines.
func cmdList(reg *targets.Registry, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print JSON objects, one per line")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: runbench list [-json]

Lists every implementation (pattern, impl, design), every scenario parameter
of each pattern, and every embedded scenario. A demonstration (an
implementation broken on purpose, to show what a claim of the guide warns
about) is listed as "demo": it runs only where a scenario names it, and is
never ranked.
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	specs, err := scenarios.Quick(reg)
	if err != nil {
		return err
	}
	rows := listRows(reg, specs)
	if *asJSON {
		return printListJSON(rows, stdout)
	}
	return printListTable(rows, stdout)
}

// listRow is one line of runbench list: an implementation (or a
// demonstration), a parameter or an embedded scenario.
type listRow struct {
	Kind        string `json:"kind"`
	Pattern     string `json:"pattern"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// listRows returns the rows of runbench list: every implementation, then
// every parameter, of each pattern of reg, then the scenarios of specs.
func listRows(reg *targets.Registry, specs []scenarios.Spec) []listRow {
	var rows []listRow
	for _, p := range reg.Patterns() {
		for _, impl := range p.Impls {
			kind := "impl"
			if impl.Demo != "" {
				kind = "demo" // broken on purpose; runs only where a scenario names it
			}
			doc := impl.Doc
			if impl.Keeps > 0 {
				doc += fmt.Sprintf(" [keeps %d goroutines for the life of the process, by design: allowed by the leak check]", impl.Keeps)
			}
			rows = append(rows, listRow{kind, p.Name, impl.Name, doc})
		}
	}
	for _, p := range reg.Patterns() {
		for _, q := range p.Params {
			rows = append(rows, listRow{"param", p.Name, q.Name, fmt.Sprintf("%s (default %s)", q.Doc, q.Default)})
		}
	}
	for _, s := range specs {
		rows = append(rows, listRow{"scenario", s.Pattern, s.Name, strings.Join(strings.Fields(s.Description), " ")})
	}
	return rows
}

// printListJSON prints rows as JSON objects, one per line.
func printListJSON(rows []listRow, stdout io.Writer) error {
	enc := json.NewEncoder(stdout)
	for _, r := range rows {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

// printListTable prints rows as a table with a header line.
func printListTable(rows []listRow, stdout io.Writer) error {
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tPATTERN\tNAME\tDESCRIPTION")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Kind, r.Pattern, r.Name, r.Description)
	}
	return tw.Flush()
}

// parseFlags parses args, turning -h into errHelp and bad flags into a
// usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return errHelp
		}
		return usageError{err}
	}
	return nil
}
