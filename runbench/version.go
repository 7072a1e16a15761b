package runbench

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// modulePath is concbench's module.
const modulePath = "github.com/concbench/concbench"

// cmdVersion prints the concbench module's version and the binary's VCS
// revision, from the build information the Go toolchain embeds.
func cmdVersion(args []string, stdout io.Writer) error {
	if len(args) != 0 {
		return usageError{fmt.Errorf("version takes no arguments")}
	}
	_, err := fmt.Fprint(stdout, versionText())
	return err
}

func versionText() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return fmt.Sprintf("runbench %s (no build information)\n", runtime.Version())
	}
	version := "(unknown)"
	if bi.Main.Path == modulePath {
		version = bi.Main.Version
	}
	for _, d := range bi.Deps { // a user's binary built on runbench.Main
		if d.Path == modulePath {
			version = d.Version
		}
	}
	rev, modified := buildRevision(bi)
	s := fmt.Sprintf("runbench %s %s\n", modulePath, version)
	if bi.Main.Path != modulePath {
		s += fmt.Sprintf("built into %s %s\n", bi.Main.Path, bi.Main.Version)
	}
	if rev != "" {
		s += "revision " + rev
		if modified {
			s += " (modified)"
		}
		s += "\n"
	}
	return s + fmt.Sprintf("go %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// buildRevision returns the VCS revision the binary was built from, if the
// toolchain recorded one.
func buildRevision(bi *debug.BuildInfo) (rev string, modified bool) {
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	return rev, modified
}
