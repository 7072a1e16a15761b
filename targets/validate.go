package targets

import (
	"errors"
	"fmt"

	"github.com/concbench/concbench/internal/benchname"
)

// entry is what Extras.check reads of one entry of any family.
type entry struct {
	name    string
	missing []string // its function fields that are nil
}

// check refuses an entry a run could not use: a name that cannot be the
// impl= part of a benchmark name, a flag value and a report anchor (it
// would start a run that then panics, or that -impl cannot select), or a
// nil function field (every trial of it would crash). Each error names
// the entry, by its place and name, and the field.
func (x Extras) check() error {
	var errs []error
	family := func(field string, entries []entry) {
		for i, e := range entries {
			at := fmt.Sprintf("%s[%d]", field, i)
			if e.name != "" {
				at += fmt.Sprintf(" (%q)", e.name)
			}
			if !benchname.Word(e.name) {
				errs = append(errs, fmt.Errorf("%s: Name %q: want lower-case letters, digits and dashes, as in \"mypool\" or \"pond-v1\"", at, e.name))
			}
			for _, f := range e.missing {
				errs = append(errs, fmt.Errorf("%s: %s is nil", at, f))
			}
		}
	}
	var es []entry
	for _, p := range x.WorkerPools {
		es = append(es, entry{p.Name, nilFields("New", p.New == nil)})
	}
	family("WorkerPools", es)
	es = nil
	for _, p := range x.Pipelines {
		es = append(es, entry{p.Name, nilFields("Run", p.Run == nil)})
	}
	family("Pipelines", es)
	es = nil
	for _, f := range x.FanOuts {
		es = append(es, entry{f.Name, nilFields("Map", f.Map == nil)})
	}
	family("FanOuts", es)
	es = nil
	for _, b := range x.Breakers {
		es = append(es, entry{b.Name, nilFields("New", b.New == nil)})
	}
	family("Breakers", es)
	es = nil
	for _, f := range x.Funcs {
		es = append(es, entry{f.Name, nilFields("Call", f.Call == nil)})
	}
	family("Funcs", es)
	return errors.Join(errs...)
}

func nilFields(name string, isNil bool) []string {
	if isNil {
		return []string{name}
	}
	return nil
}
