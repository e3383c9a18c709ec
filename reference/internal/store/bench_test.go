package store

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
)

// seedFile returns a durable store holding n users shaped like Okta's,
// with its read index built.
func seedFile(b *testing.B, n int) *SQLite {
	b.Helper()
	s, err := OpenSQLite(filepath.Join(b.TempDir(), "bench.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	now := time.Now().UTC()
	for start := 0; start < n; start += 10_000 {
		var us []User
		for i := start; i < min(n, start+10_000); i++ {
			name := fmt.Sprintf("user%07d@example.com", i)
			doc, _ := json.Marshal(map[string]any{"userName": name, "active": true, "externalId": fmt.Sprintf("00u%07d", i),
				"name":   map[string]any{"givenName": "User", "familyName": fmt.Sprint(i)},
				"emails": []any{map[string]any{"value": name, "primary": true, "type": "work"}}})
			us = append(us, User{ID: uuid.NewString(), UserName: name, ExternalID: fmt.Sprintf("00u%07d", i), Active: true, Doc: doc, Created: now, Modified: now})
		}
		if err := s.BulkCreateUsers(context.Background(), us); err != nil {
			b.Fatal(err)
		}
	}
	if !s.index.ready() {
		b.Fatal("read index not built")
	}
	return s
}

// BenchmarkUsersByUserName is Okta's assignment lookup at the store, at
// 100,000 users, through the read index and straight through SQLite (what
// every lookup cost before the index), one reader and 16 at once.
func BenchmarkUsersByUserName(b *testing.B) {
	const n = 100_000
	s := seedFile(b, n)
	ctx := context.Background()
	paths := []struct {
		name   string
		lookup func(string) ([]User, error)
	}{
		{"index", func(name string) ([]User, error) { return s.UsersByUserName(ctx, name) }},
		{"sqlite", func(name string) ([]User, error) { return s.queryUsers(ctx, qUserByUserName, name) }},
	}
	for _, p := range paths {
		b.Run(p.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				i = (i + 7919) % n
				if us, err := p.lookup(fmt.Sprintf("USER%07d@example.com", i)); err != nil || len(us) != 1 {
					b.Fatalf("%d users, %v", len(us), err)
				}
			}
		})
		b.Run(p.name+"/parallel16", func(b *testing.B) {
			b.SetParallelism(8) // 16 goroutines on 2 CPUs
			var next atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := int(next.Add(7919) % n)
					if us, err := p.lookup(fmt.Sprintf("user%07d@example.com", i)); err != nil || len(us) != 1 {
						b.Errorf("%d users, %v", len(us), err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkCreateUserConcurrent is Okta's bulk assignment at the store: 16
// writers creating users on a durable file at once, each create answered
// once on disk (group commit). cpu-us/op is the process's CPU per create.
func BenchmarkCreateUserConcurrent(b *testing.B) {
	s, err := OpenSQLite(filepath.Join(b.TempDir(), "bench.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var next atomic.Int64
	var ru0, ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	b.ResetTimer()
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := next.Add(1)
				if k > int64(b.N) {
					return
				}
				now := time.Now()
				name := fmt.Sprintf("user%d@example.com", k)
				doc := fmt.Appendf(nil, `{"active":true,"displayName":"Load User","emails":[{"primary":true,"type":"work","value":%q}],"externalId":"00l%d","userName":%q}`, name, k, name)
				u := &User{ID: uuid.Must(uuid.NewV7()).String(), UserName: name, ExternalID: fmt.Sprintf("00l%d", k), DisplayName: "Load User", Active: true, Doc: doc, Created: now, Modified: now}
				if err := s.CreateUserUnlessActiveExternalID(ctx, u); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/op")
}
