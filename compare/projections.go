package compare

import "golang.org/x/perf/benchproc"

// Projections are benchstat's -filter, -table, -row, -col and -ignore
// flags, in its syntax (go doc golang.org/x/perf/benchproc/syntax).
type Projections struct {
	Filter string // default "*"
	Table  string // default ".config"
	Row    string // default ".fullname"
	Col    string // default ".file"
	Ignore string // default ""
}

// withDefaults returns p with benchstat's defaults for the empty fields.
func (p Projections) withDefaults() Projections {
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
	}
	def(&p.Filter, "*")
	def(&p.Table, ".config")
	def(&p.Row, ".fullname")
	def(&p.Col, ".file")
	return p
}

// QueryError is a -filter or projection that does not parse: bad usage.
type QueryError struct {
	Flag string // "-filter", "-table", "-row", "-col" or "-ignore"
	Err  error
}

func (e *QueryError) Error() string { return "parsing " + e.Flag + ": " + e.Err.Error() }
func (e *QueryError) Unwrap() error { return e.Err }

// newTabBuilder parses p as benchstat parses its flags: the filter first,
// then -table (with a .unit field added), -row, -col and -ignore with one
// ProjectionParser, so that a key named in one is left out of .config and
// .fullname in the others; what none of them names is the residue, whose
// variation within a cell is warned about.
func newTabBuilder(p Projections) (*tabBuilder, error) {
	p = p.withDefaults()
	filter, err := benchproc.NewFilter(p.Filter)
	if err != nil {
		return nil, &QueryError{"-filter", err}
	}
	var parser benchproc.ProjectionParser
	b := &tabBuilder{filter: filter, tables: map[benchproc.Key]*builderTable{}}
	if b.tableBy, b.unitField, err = parser.ParseWithUnit(p.Table, filter); err != nil {
		return nil, &QueryError{"-table", err}
	}
	if b.rowBy, err = parser.Parse(p.Row, filter); err != nil {
		return nil, &QueryError{"-row", err}
	}
	if b.colBy, err = parser.Parse(p.Col, filter); err != nil {
		return nil, &QueryError{"-col", err}
	}
	if _, err = parser.Parse(p.Ignore, filter); err != nil {
		return nil, &QueryError{"-ignore", err}
	}
	b.residue = parser.Residue()
	return b, nil
}

// CheckProjections reports whether p parses, as a *QueryError if not.
func CheckProjections(p Projections) error {
	_, err := newTabBuilder(p)
	return err
}
