package reference

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scimconform/scimconform/internal/pgtest"
	"github.com/scimconform/scimconform/reference/internal/store"
)

// Every benchmark runs once per backend (the first path element of its
// name): SQLite in memory (the default of New), a durable SQLite file, and
// PostgreSQL on the test binary's throwaway cluster (durable: fsync and
// synchronous_commit on). -bench 'X/postgres' picks one.
var backends = []string{"sqlite-memory", "sqlite-file", "postgres"}

// benchDB returns the WithDB value of a new database of the backend. The
// PostgreSQL databases live until the cluster stops at the end of the test
// binary, since seeded servers outlive the benchmark that seeded them.
func benchDB(b *testing.B, backend string) string {
	b.Helper()
	switch backend {
	case "sqlite-file":
		dir, err := os.MkdirTemp("", "refbench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDirs = append(benchDirs, dir)
		return filepath.Join(dir, "scim.db")
	case "postgres":
		c := pgtest.Shared(b)
		_, dsn, err := c.CreateDatabase(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		return dsn
	}
	return ":memory:"
}

// benchDirs are the SQLite files' directories, removed by TestMain.
var benchDirs []string

// seeded servers are shared between benchmark runs: seeding 100k users
// takes a few seconds, even in one transaction.
var (
	seedMu sync.Mutex
	seeded = map[string]*Server{}
)

func seededServer(b *testing.B, backend string, n int) *Server {
	b.Helper()
	seedMu.Lock()
	defer seedMu.Unlock()
	key := fmt.Sprint(backend, n)
	if s, ok := seeded[key]; ok {
		return s
	}
	s, err := New(WithToken(testToken), WithDB(benchDB(b, backend)))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	us := make([]store.User, 0, n)
	for i := range n {
		name := fmt.Sprintf("User%07d@Example.com", i)
		doc, _ := json.Marshal(map[string]any{
			"userName": name, "active": true, "externalId": fmt.Sprintf("00u%07d", i), "displayName": "User " + fmt.Sprint(i),
			"name":   map[string]any{"givenName": "User", "familyName": fmt.Sprint(i)},
			"emails": []any{map[string]any{"value": name, "primary": true, "type": "work"}},
		})
		us = append(us, store.User{ID: newID(), UserName: name, ExternalID: fmt.Sprintf("00u%07d", i), DisplayName: "User " + fmt.Sprint(i), Active: true, Doc: doc, Created: now, Modified: now})
	}
	if err := s.Store().BulkCreateUsers(context.Background(), us); err != nil {
		b.Fatal(err)
	}
	seeded[key] = s
	return s
}

// target runs requests either in-process (ServeHTTP) or over loopback HTTP.
type target struct {
	name string
	do   func(b *testing.B, method, path, body string) int
}

func targets(b *testing.B, s *Server) []target {
	inproc := func(b *testing.B, method, path, body string) int {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req := httptest.NewRequest(method, path, rd)
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "application/scim+json")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Code
	}
	var once sync.Once
	var run *Running
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	overHTTP := func(b *testing.B, method, path, body string) int {
		once.Do(func() {
			var err error
			if run, err = s.Start("127.0.0.1:0"); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = run.Shutdown(context.Background()) })
		})
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, run.URL+path, rd)
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "application/scim+json")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	return []target{{"inproc", inproc}, {"http", overHTTP}}
}

func BenchmarkCreateUser(b *testing.B) {
	for _, be := range backends {
		b.Run(be, func(b *testing.B) {
			s, err := New(WithToken(testToken), WithDB(benchDB(b, be)))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			n := 0
			for _, tg := range targets(b, s) {
				b.Run(tg.name, func(b *testing.B) {
					for b.Loop() {
						n++
						if code := tg.do(b, "POST", BasePath+"/Users", oktaUser(fmt.Sprintf("bench%d@example.com", n), fmt.Sprintf("00u%d", n))); code != 201 {
							b.Fatalf("status %d", code)
						}
					}
				})
			}
		})
	}
}

// BenchmarkLookupUserName is Okta's assignment lookup; it must not grow
// linearly with the number of users (index on user_name).
func BenchmarkLookupUserName(b *testing.B) {
	for _, be := range backends {
		b.Run(be, func(b *testing.B) { benchLookup(b, be) })
	}
}

func benchLookup(b *testing.B, be string) {
	for _, n := range []int{10_000, 100_000} {
		s := seededServer(b, be, n)
		for _, tg := range targets(b, s) {
			b.Run(fmt.Sprintf("users=%d/%s", n, tg.name), func(b *testing.B) {
				i := 0
				for b.Loop() {
					i = (i + 7919) % n
					path := fmt.Sprintf("%s/Users?filter=userName%%20eq%%20%%22user%07d%%40example.COM%%22&startIndex=1&count=100", BasePath, i)
					if code := tg.do(b, "GET", path, ""); code != 200 {
						b.Fatalf("status %d", code)
					}
				}
			})
		}
	}
}

// BenchmarkListPage100 is one page of Okta's import (count=100).
func BenchmarkListPage100(b *testing.B) {
	for _, be := range backends {
		b.Run(be, func(b *testing.B) {
			s := seededServer(b, be, 10_000)
			for _, tg := range targets(b, s) {
				b.Run(tg.name, func(b *testing.B) {
					i := 0
					for b.Loop() {
						i = (i + 100) % 9_900
						if code := tg.do(b, "GET", fmt.Sprintf("%s/Users?startIndex=%d&count=100", BasePath, i+1), ""); code != 200 {
							b.Fatalf("status %d", code)
						}
					}
				})
			}
		})
	}
}

// BenchmarkCreateUserConcurrent is Okta's bulk assignment's creates: 16
// clients posting at once. On a durable SQLite file their writes share
// transactions and fsyncs (group commit); each is answered once on disk.
func BenchmarkCreateUserConcurrent(b *testing.B) {
	for _, be := range backends {
		b.Run(be, func(b *testing.B) {
			s, err := New(WithToken(testToken), WithDB(benchDB(b, be)))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			var n atomic.Int64
			for _, tg := range targets(b, s) {
				b.Run(tg.name, func(b *testing.B) {
					b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							i := n.Add(1)
							if code := tg.do(b, "POST", BasePath+"/Users", oktaUser(fmt.Sprintf("conc%d@example.com", i), fmt.Sprintf("00c%d", i))); code != 201 {
								b.Errorf("status %d", code)
								return
							}
						}
					})
				})
			}
		})
	}
}
