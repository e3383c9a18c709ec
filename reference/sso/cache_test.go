package sso

import (
	"fmt"
	"testing"
	"time"
)

func TestExpiringSetEvictsAndBounds(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newExpiringSet(3)
	for i := range 3 {
		if added, full := s.addIfAbsent(fmt.Sprint(i), t0.Add(time.Duration(i+1)*time.Minute), t0); !added || full {
			t.Fatalf("add %d: added=%v full=%v", i, added, full)
		}
	}
	if added, _ := s.addIfAbsent("1", t0.Add(time.Hour), t0); added {
		t.Fatal("a remembered ID was added again (replay not detected)")
	}
	if _, full := s.addIfAbsent("x", t0.Add(time.Hour), t0); !full {
		t.Fatal("a full set took another entry")
	}
	// At t0+1m the first entry expired and is evicted on insertion.
	if added, full := s.addIfAbsent("x", t0.Add(time.Hour), t0.Add(time.Minute)); !added || full {
		t.Fatalf("after expiry: added=%v full=%v", added, full)
	}
	if s.len() != 3 {
		t.Fatalf("len %d, want 3", s.len())
	}
	// Long after everything expired, one insertion empties the set.
	s.addIfAbsent("y", t0.Add(3*time.Hour), t0.Add(2*time.Hour))
	if s.len() != 1 {
		t.Fatalf("len %d after all expired, want 1", s.len())
	}
	if !s.take("y", t0.Add(2*time.Hour)) || s.take("y", t0.Add(2*time.Hour)) {
		t.Fatal("take must succeed once")
	}
}

func TestExpiringSetAddDropsSoonestWhenFull(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newExpiringSet(2)
	s.add("a", t0.Add(time.Minute), t0)
	s.add("b", t0.Add(2*time.Minute), t0)
	s.add("c", t0.Add(3*time.Minute), t0)
	if s.len() != 2 || s.take("a", t0) || !s.take("b", t0) || !s.take("c", t0) {
		t.Fatal("the entry expiring soonest must be dropped")
	}
}

func TestReasonCodes(t *testing.T) {
	for _, c := range reasonCodes {
		if got := ReasonCode(refuse(c.err, "d")); got != c.code {
			t.Errorf("%v: code %q, want %q", c.err, got, c.code)
		}
	}
	if ReasonCode(fmt.Errorf("x")) != "other" {
		t.Error("unknown error code")
	}
	if refuse(ErrUnknownUser, "").Status != 403 || refuse(ErrInactiveUser, "").Status != 403 || refuse(ErrAudience, "").Status != 400 {
		t.Error("status mapping")
	}
}
