package stacks

import (
	"math"
	"strings"
	"time"
)

// Parse returns the goroutines of a dump in the order it lists them. It
// never fails: text before the first record, lines it does not know and
// records whose header does not parse are skipped, and a frame without a
// file line keeps File "" and Line 0. The strings it returns share one copy
// of dump.
func Parse(dump []byte) []Goroutine {
	s := string(dump)
	lines := strings.Count(s, "\n") + 1
	p := parser{
		gs:     make([]Goroutine, 0, lines/12+1), // a test binary's records run to some 12 lines
		frames: make([]Frame, 0, lines/2),        // a frame takes 2 lines
	}
	for pos := 0; pos < len(s); {
		line, next := lineAt(s, pos)
		if g, ok := header(line); ok {
			next = p.record(s, pos, pos+len(line), next, g)
		}
		pos = next
	}
	return p.gs
}

// parser holds what Parse has read so far. Every goroutine's Frames is a
// piece of one array, frames, sized so that it need not grow (if it does,
// the pieces already handed out keep the old array, which no one writes
// any more).
type parser struct {
	gs     []Goroutine
	frames []Frame
}

// lineAt returns the line that starts at pos, without its newline, and
// where the next one starts.
func lineAt(s string, pos int) (line string, next int) {
	i := strings.IndexByte(s[pos:], '\n')
	if i < 0 {
		return s[pos:], len(s)
	}
	return s[pos : pos+i], pos + i + 1
}

// noFile says that no frame waits for its file line.
const noFile = -1

// record reads the record whose header g came from s[start:hdrEnd], its
// body from pos on, up to a blank line, a next header or the end. It
// appends g and returns where the next record may start.
func (p *parser) record(s string, start, hdrEnd, pos int, g Goroutine) int {
	first := len(p.frames)
	end := hdrEnd      // of the record's last line, newline excluded
	pending := noFile  // index in p.frames of a frame without its file line yet
	creator := false   // CreatedBy is without its file line yet
	ancestors := false // in the [originating from goroutine N]: blocks
	for pos < len(s) {
		line, next := lineAt(s, pos)
		if line == "" {
			break
		}
		if line[0] == 'g' {
			if _, ok := header(line); ok {
				break
			}
		}
		end, pos = pos+len(line), next
		switch {
		case line[0] == '\t':
			file, n := fileLine(line[1:])
			if creator {
				g.CreatedBy.File, g.CreatedBy.Line = file, n
			} else if pending != noFile {
				p.frames[pending].File, p.frames[pending].Line = file, n
			}
			pending, creator = noFile, false
		case ancestors:
		case strings.HasPrefix(line, "[originating from goroutine "):
			ancestors, pending, creator = true, noFile, false
		case strings.HasPrefix(line, "created by "):
			g.CreatedBy.Func, g.Creator = createdBy(line[len("created by "):])
			pending, creator = noFile, true
		case strings.HasPrefix(line, "...") && strings.HasSuffix(line, " frames elided..."):
			g.Elided, pending, creator = true, noFile, false
		default:
			p.frames = append(p.frames, Frame{Func: funcName(line)})
			pending, creator = len(p.frames)-1, false
		}
	}
	g.Raw = s[start:end]
	g.Frames = p.frames[first:len(p.frames):len(p.frames)]
	p.gs = append(p.gs, g)
	return pos
}

// header parses a record's first line:
//
//	goroutine 7 [chan receive, 2 minutes]:
//	goroutine 1 gp=0xc000002380 m=0 mp=0x5a4f20 [running]:
func header(line string) (Goroutine, bool) {
	id, rest, ok := leadingID(line)
	if !ok || !strings.HasSuffix(rest, "]:") {
		return Goroutine{}, false
	}
	open := strings.IndexByte(rest, '[')
	if open < 1 || open+1 > len(rest)-2 || rest[open-1] != ' ' {
		return Goroutine{}, false
	}
	g := Goroutine{ID: id}
	g.state(rest[open+1 : len(rest)-2])
	return g, true
}

// leadingID parses "goroutine <id>" and returns what follows it, which
// starts with a space.
func leadingID(line string) (id uint64, rest string, ok bool) {
	rest, ok = strings.CutPrefix(line, "goroutine ")
	if !ok {
		return 0, "", false
	}
	id, n := uintPrefix(rest)
	if n == 0 || n == len(rest) || rest[n] != ' ' {
		return 0, "", false
	}
	return id, rest[n:], true
}

// uintPrefix parses the decimal digits s starts with; n is how many there
// are, 0 if none or if they overflow.
func uintPrefix(s string) (v uint64, n int) {
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		d := uint64(s[n] - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, 0
		}
		v = v*10 + d
		n++
	}
	return v, n
}

// state parses what a header holds between its brackets:
//
//	chan receive (durable), 2 minutes, locked to thread, synctest bubble 1 labels:{"k": "v"}
func (g *Goroutine) state(c string) {
	if i := strings.Index(c, " labels:{"); i >= 0 {
		c = c[:i]
	}
	c, rest, _ := strings.Cut(c, ", ")
	for {
		if s, ok := strings.CutSuffix(c, " (durable)"); ok {
			c, g.Durable = s, true
		} else if s, ok := strings.CutSuffix(c, " (leaked)"); ok {
			c, g.Leaked = s, true
		} else if s, ok := strings.CutSuffix(c, " (scan)"); ok {
			c = s
		} else {
			break
		}
	}
	g.State = c
	for rest != "" {
		var part string
		part, rest, _ = strings.Cut(rest, ", ")
		switch {
		case part == "locked to thread":
			g.LockedToThread = true
		case strings.HasPrefix(part, "synctest bubble "):
			g.Bubbled = true
			g.Bubble, _ = uintPrefix(part[len("synctest bubble "):])
		case strings.HasSuffix(part, " minutes"):
			if m, n := uintPrefix(part); n > 0 {
				g.Wait = time.Duration(min(m, math.MaxInt64/uint64(time.Minute))) * time.Minute
			}
		}
	}
}

// funcName returns the function of a frame's line,
// "example.com/p.(*T).M(0xc000012345, ...)", without its arguments. The
// arguments hold no parentheses, so they start at the last '('.
func funcName(line string) string {
	if strings.HasSuffix(line, ")") {
		if i := strings.LastIndexByte(line, '('); i > 0 {
			return line[:i]
		}
	}
	return line
}

// createdBy parses what follows "created by ": "example.com/p.Start in
// goroutine 6", or the function alone.
func createdBy(s string) (fn string, creator uint64) {
	fn, id, ok := strings.Cut(s, " in goroutine ")
	if ok {
		creator, _ = uintPrefix(id)
	}
	return fn, creator
}

// fileLine parses a frame's second line without its tab:
// "/src/p/t.go:12 +0x1d", with " fp=... sp=... pc=..." at
// GOTRACEBACK=system. The path may hold colons and spaces; what follows
// the line number holds no colon.
func fileLine(s string) (file string, line int) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, 0
	}
	n, digits := uintPrefix(s[i+1:])
	if digits == 0 || n > math.MaxInt32 {
		return s, 0
	}
	return s[:i], int(n)
}
