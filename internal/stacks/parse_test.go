package stacks

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// Literal records, one per header variant and body corner case the runtime
// writes (runtime/traceback.go: goroutineheader, traceback2,
// printcreatedby1, printAncestorTraceback).
var samples = []struct {
	name string
	dump string
	want Goroutine // Raw is the dump without its final newline
}{
	{"running", "goroutine 1 [running]:\nmain.main()\n\t/src/main.go:9 +0x1d\n",
		Goroutine{ID: 1, State: "running", Frames: []Frame{{"main.main", "/src/main.go", 9}}}},
	{"minutes", "goroutine 7 [select, 2 minutes]:\nexample.com/p.loop(0xc000012345)\n\t/src/p/loop.go:30 +0x66\ncreated by example.com/p.Start in goroutine 1\n\t/src/p/start.go:12 +0x1f\n",
		Goroutine{ID: 7, State: "select", Wait: 2 * time.Minute,
			Frames:    []Frame{{"example.com/p.loop", "/src/p/loop.go", 30}},
			CreatedBy: Frame{"example.com/p.Start", "/src/p/start.go", 12}, Creator: 1}},
	{"gp and m", "goroutine 1 gp=0xc000002380 m=0 mp=0x5a4f20 [running]:\nmain.main()\n\t/src/main.go:9 +0x1d fp=0xc000050f50 sp=0xc000050f38 pc=0x47a1fd\n",
		Goroutine{ID: 1, State: "running", Frames: []Frame{{"main.main", "/src/main.go", 9}}}},
	{"m=nil, locked", "goroutine 18 gp=0xc000102a80 m=nil [chan receive, 1 minutes, locked to thread]:\nexample.com/p.f(...)\n\t/src/p/f.go:3\n",
		Goroutine{ID: 18, State: "chan receive", Wait: time.Minute, LockedToThread: true, Frames: []Frame{{"example.com/p.f", "/src/p/f.go", 3}}}},
	{"durable reason in a bubble", "goroutine 9 [chan receive (durable), synctest bubble 1]:\nexample.com/p.f()\n\t/src/p/f.go:3 +0x19\n",
		Goroutine{ID: 9, State: "chan receive", Durable: true, Bubbled: true, Bubble: 1, Frames: []Frame{{"example.com/p.f", "/src/p/f.go", 3}}}},
	{"durable suffix in a bubble", "goroutine 12 [sleep (durable), 3 minutes, synctest bubble 42]:\ntime.Sleep(0x34630b8a000)\n\t/go/src/runtime/time.go:361 +0x145\n",
		Goroutine{ID: 12, State: "sleep", Durable: true, Wait: 3 * time.Minute, Bubbled: true, Bubble: 42, Frames: []Frame{{"time.Sleep", "/go/src/runtime/time.go", 361}}}},
	{"running in a bubble", "goroutine 10 [running, synctest bubble 1]:\nexample.com/p.f()\n\t/src/p/f.go:3 +0x19\n",
		Goroutine{ID: 10, State: "running", Bubbled: true, Bubble: 1, Frames: []Frame{{"example.com/p.f", "/src/p/f.go", 3}}}},
	{"not durable in a bubble", "goroutine 13 [sync.Mutex.Lock, synctest bubble 2]:\nsync.(*Mutex).Lock(...)\n\t/go/src/sync/mutex.go:46\n",
		Goroutine{ID: 13, State: "sync.Mutex.Lock", Bubbled: true, Bubble: 2, Frames: []Frame{{"sync.(*Mutex).Lock", "/go/src/sync/mutex.go", 46}}}},
	{"qualified reasons", "goroutine 8 [chan receive (nil chan)]:\nexample.com/p.f()\n\t/src/p/f.go:3 +0x17\n",
		Goroutine{ID: 8, State: "chan receive (nil chan)", Frames: []Frame{{"example.com/p.f", "/src/p/f.go", 3}}}},
	{"scan and leaked", "goroutine 20 [chan send (leaked) (scan)]:\nexample.com/p.f()\n\t/src/p/f.go:3 +0x17\n",
		Goroutine{ID: 20, State: "chan send", Leaked: true, Frames: []Frame{{"example.com/p.f", "/src/p/f.go", 3}}}},
	{"labels", "goroutine 3 [select, synctest bubble 2 labels:{\"k, 1 minutes\": \"v]:\"}]:\nexample.com/p.f()\n\t/src/p/f.go:3 +0x17\n",
		Goroutine{ID: 3, State: "select", Bubbled: true, Bubble: 2, Frames: []Frame{{"example.com/p.f", "/src/p/f.go", 3}}}},
	{"methods, generics, closures, panic", "goroutine 4 [running]:\n" +
		"panic({0x56c5e0, 0x5c35bc32120})\n\t/go/src/runtime/panic.go:860 +0x13a\n" +
		"example.com/p.(*ring[...]).get(0xc0000a2000)\n\t/src/p/ring.go:88 +0x2d\n" +
		"example.com/p.run[...]({0x5861b8, 0x5}, ...)\n\t/src/p/run.go:40 +0x9e\n" +
		"example.com/p.Test.func5.1()\n\t/src/p/p_test.go:22 +0x19\n",
		Goroutine{ID: 4, State: "running", Frames: []Frame{
			{"panic", "/go/src/runtime/panic.go", 860},
			{"example.com/p.(*ring[...]).get", "/src/p/ring.go", 88},
			{"example.com/p.run[...]", "/src/p/run.go", 40},
			{"example.com/p.Test.func5.1", "/src/p/p_test.go", 22},
		}}},
	{"elided", "goroutine 5 [chan receive]:\nexample.com/p.r(0x1)\n\t/src/p/r.go:5 +0x1\n...87 frames elided...\nexample.com/p.r(0x64)\n\t/src/p/r.go:5 +0x1\ncreated by main.main\n\t/src/main.go:7 +0x2\n",
		Goroutine{ID: 5, State: "chan receive", Elided: true,
			Frames:    []Frame{{"example.com/p.r", "/src/p/r.go", 5}, {"example.com/p.r", "/src/p/r.go", 5}},
			CreatedBy: Frame{"main.main", "/src/main.go", 7}}},
	{"ancestors", "goroutine 6 [semacquire]:\nsync.runtime_Semacquire(0xc0000b4008?)\n\t/go/src/runtime/sema.go:71 +0x25\n" +
		"created by example.com/p.Start in goroutine 2\n\t/src/p/start.go:12 +0x1f\n" +
		"[originating from goroutine 2]:\nexample.com/p.Start(...)\n\t/src/p/start.go:12 +0x1f\n...additional frames elided...\n" +
		"created by main.main\n\t/src/main.go:7 +0x2\n",
		Goroutine{ID: 6, State: "semacquire",
			Frames:    []Frame{{"sync.runtime_Semacquire", "/go/src/runtime/sema.go", 71}},
			CreatedBy: Frame{"example.com/p.Start", "/src/p/start.go", 12}, Creator: 2}},
	{"stack unavailable", "goroutine 33 [running]:\n\tgoroutine running on other thread; stack unavailable\ncreated by example.com/p.Start in goroutine 1\n\t/src/p/start.go:12 +0x1f\n",
		Goroutine{ID: 33, State: "running", CreatedBy: Frame{"example.com/p.Start", "/src/p/start.go", 12}, Creator: 1}},
	{"cgo, Windows path", "goroutine 2 [syscall]:\nnon-Go function at pc=0x7ff6\nexample.com/p.f()\n\tC:/src/my p/f.go:3 +0x17\n",
		Goroutine{ID: 2, State: "syscall", Frames: []Frame{{"non-Go function at pc=0x7ff6", "", 0}, {"example.com/p.f", "C:/src/my p/f.go", 3}}}},
	{"header alone", "goroutine 2 [runnable]:\n",
		Goroutine{ID: 2, State: "runnable"}},
}

func TestParseSamples(t *testing.T) {
	for _, tt := range samples {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			want.Raw = strings.TrimSuffix(tt.dump, "\n")
			got := Parse([]byte(tt.dump))
			if len(got) != 1 {
				t.Fatalf("Parse = %d goroutines, want 1: %+v", len(got), got)
			}
			if len(want.Frames) == 0 {
				want.Frames = got[0].Frames[:0:0] // empty either way
			}
			if !reflect.DeepEqual(got[0], want) {
				t.Errorf("Parse =\n%+v\nwant\n%+v", got[0], want)
			}
		})
	}
}

// TestParseDump parses the samples as one dump, between text that is no
// record, with and without the blank lines that separate records.
func TestParseDump(t *testing.T) {
	for _, sep := range []string{"\n", ""} {
		dump := "some preamble\n\ngoroutine x [running]:\n\n"
		for _, s := range samples {
			dump += s.dump + sep
		}
		got := Parse([]byte(dump))
		if len(got) != len(samples) {
			t.Fatalf("sep %q: Parse = %d goroutines, want %d", sep, len(got), len(samples))
		}
		for i, g := range got {
			if want := strings.TrimSuffix(samples[i].dump, "\n"); g.Raw != want {
				t.Errorf("sep %q: goroutine %d: Raw = %q, want %q", sep, i, g.Raw, want)
			}
		}
	}
}

// TestParseRejects checks lines that look like headers but are none.
func TestParseRejects(t *testing.T) {
	for _, line := range []string{
		"goroutine [running]:",
		"goroutine 1[running]:",
		"goroutine 1 [running]",
		"goroutine 99999999999999999999 [running]:",
		"goroutine -1 [running]:",
		"goroutine 1",
		"goroutine 1 ]:",
		"Goroutine 1 [running]:",
	} {
		if got := Parse([]byte(line + "\nmain.main()\n")); len(got) != 0 {
			t.Errorf("Parse(%q) = %+v, want none", line, got)
		}
	}
}

// TestParseCopies checks that what Parse returns does not change with the
// buffer it read (All reuses its buffers).
func TestParseCopies(t *testing.T) {
	buf := []byte(samples[1].dump)
	got := Parse(buf)
	for i := range buf {
		buf[i] = 'x'
	}
	if got[0].Raw != strings.TrimSuffix(samples[1].dump, "\n") || got[0].Frames[0].Func != "example.com/p.loop" {
		t.Errorf("Parse's result changed with its input: %+v", got[0])
	}
}

func TestHelpers(t *testing.T) {
	tests := []struct {
		state         string
		blocked, idle bool
	}{
		{"running", false, false},
		{"runnable", false, false},
		{"syscall", false, false},
		{"preempted", false, false},
		{"chan receive", true, true},
		{"select", true, true},
		{"chan receive (nil chan)", true, false},
		{"select (no cases)", true, false},
		{"chan send", true, false},
		{"sync.Mutex.Lock", true, false},
		{"semacquire", true, false},
		{"sleep", true, false},
		{"waiting", true, false},
		{"", false, false},
	}
	for _, tt := range tests {
		g := Goroutine{State: tt.state}
		if g.Blocked() != tt.blocked || g.Idle() != tt.idle {
			t.Errorf("state %q: Blocked %v, Idle %v; want %v, %v", tt.state, g.Blocked(), g.Idle(), tt.blocked, tt.idle)
		}
	}
	g := Parse([]byte(sample(t, "elided")))[0]
	if !g.Has("example.com/p.r") || g.Has("main.main") || g.Has("example.com/p") {
		t.Errorf("Has: wrong on %+v", g)
	}
}

// FuzzParse wants Parse never to panic, and what it returns to be pieces of
// its input.
func FuzzParse(f *testing.F) {
	dump := ""
	for _, s := range samples {
		f.Add([]byte(s.dump))
		dump += s.dump + "\n"
	}
	f.Add([]byte(dump))
	f.Add(dumpOf(f, 5))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := string(data)
		headers := strings.Count("\n"+in, "\ngoroutine ")
		gs := Parse(data)
		if len(gs) > headers {
			t.Fatalf("%d goroutines from %d header lines", len(gs), headers)
		}
		for _, g := range gs {
			if !strings.HasPrefix(g.Raw, "goroutine ") || !strings.Contains(in, g.Raw) {
				t.Fatalf("Raw %q is not a record of the input", g.Raw)
			}
			for _, fr := range g.Frames {
				if fr.Func == "" || !strings.Contains(g.Raw, fr.Func) || !strings.Contains(g.Raw, fr.File) || fr.Line < 0 {
					t.Fatalf("frame %+v is not from Raw %q", fr, g.Raw)
				}
			}
		}
	})
}

// sample returns the dump of the sample name.
func sample(t *testing.T, name string) string {
	for _, s := range samples {
		if s.name == name {
			return s.dump
		}
	}
	t.Fatalf("no sample %q", name)
	return ""
}
