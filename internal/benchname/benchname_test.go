package benchname

import "testing"

func TestJoin(t *testing.T) {
	got := Join(P("impl", "channels"), P("workers", 8), P("work", "cpu1us"))
	if want := "impl=channels/workers=8/work=cpu1us"; got != want {
		t.Errorf("Join = %q, want %q", got, want)
	}
}

func TestJoinRejectsSeparators(t *testing.T) {
	for _, bad := range []string{"", "a/b", "a=b", "a b"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Join(P(%q, 1)) did not panic", bad)
				}
			}()
			Join(P("impl", bad))
		}()
	}
}
