package load

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The faulty servers below wrap the reference handler; each has one defect
// a server can have under Okta's bulk load, and the load run must fail
// naming it.

func isCreate(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/Users")
}

// losesCreates answers every period-th POST /Users with 201 and a user
// that it never stores.
func losesCreates(period int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		var n atomic.Int64
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isCreate(r) && n.Add(1)%period == 0 {
				var body map[string]any
				_ = json.NewDecoder(r.Body).Decode(&body)
				body["id"] = fmt.Sprintf("00000000-0000-4000-8000-%012d", n.Load())
				delete(body, "password")
				w.Header().Set("Content-Type", "application/scim+json")
				w.WriteHeader(http.StatusCreated)
				_ = json.NewEncoder(w).Encode(body)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// duplicatesConcurrentCreates has a check-then-insert race: a create that
// arrives while another of the same userName is in flight is stored as a
// second user (its userName decorated past the uniqueness check).
func duplicatesConcurrentCreates(next http.Handler) http.Handler {
	var mu sync.Mutex
	inflight := map[string]int{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isCreate(r) {
			next.ServeHTTP(w, r)
			return
		}
		b, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(b, &body)
		name, _ := body["userName"].(string)
		mu.Lock()
		inflight[name]++
		racing := inflight[name] > 1
		mu.Unlock()
		defer func() {
			mu.Lock()
			inflight[name]--
			mu.Unlock()
		}()
		if racing {
			body["userName"] = "dup-" + name
			delete(body, "externalId")
			b, _ = json.Marshal(body)
		}
		time.Sleep(20 * time.Millisecond) // the window of the race
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.ContentLength = int64(len(b))
		r.Header.Set("Content-Length", strconv.Itoa(len(b)))
		next.ServeHTTP(w, r)
	})
}

// fails500OnOverlap answers 500 to a write that starts while another
// write is in progress.
func fails500OnOverlap(next http.Handler) http.Handler {
	var writes atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			next.ServeHTTP(w, r)
			return
		}
		defer writes.Add(-1)
		if writes.Add(1) > 1 {
			w.Header().Set("Content-Type", "application/scim+json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"500","detail":"concurrent write"}`)
			return
		}
		time.Sleep(time.Millisecond)
		next.ServeHTTP(w, r)
	})
}

// reordersPages serves every other page of an unfiltered /Users listing
// from a shifted offset, as a server ordering by an unstable key does.
func reordersPages(next http.Handler) http.Handler {
	var n atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/Users") && q.Get("filter") == "" && q.Has("startIndex") {
			if n.Add(1)%2 == 0 {
				si, _ := strconv.Atoi(q.Get("startIndex"))
				q.Set("startIndex", strconv.Itoa(si+7))
				r.URL.RawQuery = q.Encode()
			}
		}
		next.ServeHTTP(w, r)
	})
}

func TestFaultyServersFail(t *testing.T) {
	for _, tc := range []struct {
		name string
		wrap func(http.Handler) http.Handler
		ops  []Op
		want string
	}{
		{"loses every 50th create", losesCreates(50), []Op{OpAssign}, "first: lost: user "},
		{"duplicates concurrent creates", duplicatesConcurrentCreates, []Op{OpAssign}, "duplicated: user "},
		{"500 on overlapping writes", fails500OnOverlap, []Op{OpAssign}, "answers with a 5xx status, first: POST /scim/v2/Users -> 500"},
		{"listing order changes between pages", reordersPages, []Op{OpAssign}, "unstable listing: user "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := startTarget(t, tc.wrap)
			res := run(t, testConfig(url, 200, tc.ops...))
			if res.Verdict != VerdictFail {
				t.Fatalf("verdict %s, want fail; reasons: %v", res.Verdict, res.Reasons)
			}
			all := strings.Join(res.Reasons, "\n")
			if !strings.Contains(all, tc.want) {
				t.Fatalf("reasons do not name the defect %q:\n%s", tc.want, all)
			}
			t.Logf("reasons:\n%s", all)
		})
	}
}
