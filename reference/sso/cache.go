package sso

import (
	"container/heap"
	"sync"
	"time"
)

// expiringSet remembers IDs until they expire, with at most max live
// entries; expired entries are evicted on every insertion (cheapest first,
// via a min-heap), so memory stays bounded by what is still valid. It backs
// the replay cache (assertion IDs, until their NotOnOrAfter plus skew) and
// the outstanding AuthnRequest IDs.
type expiringSet struct {
	mu  sync.Mutex
	max int
	m   map[string]time.Time
	h   expiryHeap
}

func newExpiringSet(max int) *expiringSet {
	return &expiringSet{max: max, m: map[string]time.Time{}}
}

// evict drops entries that expired at or before now. Callers hold mu.
func (s *expiringSet) evict(now time.Time) {
	for len(s.h) > 0 && !now.Before(s.h[0].exp) {
		e := heap.Pop(&s.h).(expiryEntry)
		if exp, ok := s.m[e.id]; ok && exp.Equal(e.exp) {
			delete(s.m, e.id)
		}
	}
}

// add remembers id until exp. When the set is full of unexpired entries
// it drops the one expiring soonest (for outstanding requests, a lost
// request only fails that sign-in).
func (s *expiringSet) add(id string, exp, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.evict(now)
	for len(s.m) >= s.max && len(s.h) > 0 {
		e := heap.Pop(&s.h).(expiryEntry)
		if exp, ok := s.m[e.id]; ok && exp.Equal(e.exp) {
			delete(s.m, e.id)
		}
	}
	s.m[id] = exp
	heap.Push(&s.h, expiryEntry{id: id, exp: exp})
}

// addIfAbsent remembers id until exp and reports true, or reports false
// if id is already remembered (a replay). full is true when the set holds
// max unexpired entries: the caller must refuse rather than forget one.
func (s *expiringSet) addIfAbsent(id string, exp, now time.Time) (added, full bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.evict(now)
	if _, ok := s.m[id]; ok {
		return false, false
	}
	if len(s.m) >= s.max {
		return false, true
	}
	s.m[id] = exp
	heap.Push(&s.h, expiryEntry{id: id, exp: exp})
	return true, false
}

// take removes id and reports whether it was present and unexpired.
func (s *expiringSet) take(id string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.evict(now)
	if _, ok := s.m[id]; !ok {
		return false
	}
	delete(s.m, id) // its heap entry is skipped when popped
	return true
}

// len returns the number of remembered IDs, expired ones included until
// the next insertion.
func (s *expiringSet) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

type expiryEntry struct {
	id  string
	exp time.Time
}

type expiryHeap []expiryEntry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].exp.Before(h[j].exp) }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiryEntry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
