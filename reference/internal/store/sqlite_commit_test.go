package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestGroupCommitSemantics: many concurrent creates on a durable file,
// some of them duplicates of each other's userName or of an active user's
// externalId. Exactly one create per userName wins, every loser gets the
// right error (and only it), nothing else in its batch is lost, and the
// writes really were grouped (fewer transactions than writes).
func TestGroupCommitSemantics(t *testing.T) {
	ctx := context.Background()
	s, err := OpenSQLite(filepath.Join(t.TempDir(), "gc.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var batches, ops int
	var statMu sync.Mutex
	commitHook = func(n int) {
		statMu.Lock()
		batches++
		ops += n
		statMu.Unlock()
	}
	defer func() { commitHook = nil }()

	now := time.Now().UTC()
	if err := s.CreateUser(ctx, &User{ID: "taken", UserName: "taken@example.com", ExternalID: "ext-taken", Active: true, Doc: []byte(`{}`), Created: now, Modified: now}); err != nil {
		t.Fatal(err)
	}
	const names, tries = 200, 4 // each userName is created by 4 racing writers
	type result struct {
		name string
		err  error
	}
	results := make(chan result, names*tries+names)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range names {
		for k := range tries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				name := fmt.Sprintf("user%d@example.com", i)
				u := &User{ID: fmt.Sprintf("u%d-%d", i, k), UserName: name, ExternalID: fmt.Sprintf("e%d-%d", i, k), Active: true, Doc: []byte(`{}`), Created: now, Modified: now}
				results <- result{name, s.CreateUserUnlessActiveExternalID(ctx, u)}
			}()
		}
		wg.Add(1)
		go func() { // reuses the active user's externalId: always refused
			defer wg.Done()
			<-start
			u := &User{ID: fmt.Sprintf("x%d", i), UserName: fmt.Sprintf("other%d@example.com", i), ExternalID: "ext-taken", Active: true, Doc: []byte(`{}`), Created: now, Modified: now}
			err := s.CreateUserUnlessActiveExternalID(ctx, u)
			results <- result{"ext", err}
		}()
	}
	close(start)
	wg.Wait()
	close(results)
	won := map[string]int{}
	for r := range results {
		var ext *ExternalIDConflict
		switch {
		case r.name == "ext":
			if !errors.As(r.err, &ext) || ext.ID != "taken" {
				t.Fatalf("create with an active user's externalId: got %v, want ExternalIDConflict naming %q", r.err, "taken")
			}
		case r.err == nil:
			won[r.name]++
		case !errors.Is(r.err, ErrConflict):
			t.Fatalf("create %s: unexpected error %v", r.name, r.err)
		}
	}
	for i := range names {
		name := fmt.Sprintf("user%d@example.com", i)
		if won[name] != 1 {
			t.Fatalf("%s was created %d times, want exactly once", name, won[name])
		}
		got, err := s.UsersByUserName(ctx, name)
		if err != nil || len(got) != 1 {
			t.Fatalf("%s stored %d times (%v), want once", name, len(got), err)
		}
	}
	_, total, err := s.ListUsers(ctx, 0, 1)
	if err != nil || total != names+1 {
		t.Fatalf("total %d (%v), want %d", total, err, names+1)
	}
	statMu.Lock()
	defer statMu.Unlock()
	if ops != names*tries+names+1 {
		t.Fatalf("committer saw %d writes, want %d", ops, names*tries+names+1)
	}
	if batches >= ops {
		t.Fatalf("%d writes took %d transactions: no group commit", ops, batches)
	}
	t.Logf("%d concurrent writes in %d transactions", ops, batches)
}

// rawInsert is a write that inserts a user straight into the table.
func rawInsert(id string) func(*sql.Tx) error {
	return func(tx *sql.Tx) error {
		_, err := tx.Exec(insertUser, id, id+"@example.com", "", "", 1, "{}", ts(time.Now()), ts(time.Now()))
		return err
	}
}

// inOneBatch holds the writer busy, submits fns with submit in their order
// (so that they queue into one batch), lets the writer go and returns each
// write's error.
func inOneBatch(s *SQLite, submit func(context.Context, func(*sql.Tx) error) error, fns ...func(*sql.Tx) error) []error {
	ctx := context.Background()
	release := make(chan struct{})
	go func() { _ = s.tx(ctx, func(*sql.Tx) error { <-release; return nil }) }()
	time.Sleep(50 * time.Millisecond)
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = submit(ctx, fn) }()
		time.Sleep(10 * time.Millisecond) // arrival in the order given
	}
	close(release)
	wg.Wait()
	return errs
}

// TestGroupCommitFailingWriteAlone: a write whose fn fails after writing
// is rolled back alone; a write that breaks the transaction itself makes
// its batch-mates retry one by one and still commit.
func TestGroupCommitFailingWriteAlone(t *testing.T) {
	ctx := context.Background()
	s, err := OpenSQLite(filepath.Join(t.TempDir(), "gc.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	boom := errors.New("boom")
	errs := inOneBatch(s, s.tx,
		rawInsert("a"),
		func(tx *sql.Tx) error { // writes, then fails: rolled back alone
			if err := rawInsert("bad")(tx); err != nil {
				return err
			}
			return boom
		},
		func(tx *sql.Tx) error { // rolls the whole transaction back under everyone's feet
			_, _ = tx.Exec(`ROLLBACK`)
			return boom
		},
		rawInsert("b"),
	)
	if errs[0] != nil || errs[3] != nil {
		t.Fatalf("batch-mates of failing writes: %v, %v; want both committed", errs[0], errs[3])
	}
	if !errors.Is(errs[1], boom) || errs[2] == nil {
		t.Fatalf("failing writes: %v, %v", errs[1], errs[2])
	}
	for id, want := range map[string]bool{"a": true, "b": true, "bad": false} {
		_, err := s.GetUser(ctx, id)
		if got := err == nil; got != want {
			t.Fatalf("user %s stored=%v, want %v (%v)", id, got, want, err)
		}
	}
}

// TestGroupCommitSingleWrites: writes of one statement run without a
// savepoint. A refusal (ErrConflict) is answered alone; a failure that may
// have rolled the whole transaction back (here: a ROLLBACK) makes every
// write of the batch run again on its own, so none is lost or doubled.
func TestGroupCommitSingleWrites(t *testing.T) {
	s, err := OpenSQLite(filepath.Join(t.TempDir(), "gc.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var batches []int
	var mu sync.Mutex
	commitHook = func(n int) { mu.Lock(); batches = append(batches, n); mu.Unlock() }
	defer func() { commitHook = nil }()
	boom := errors.New("boom")
	errs := inOneBatch(s, s.tx1,
		rawInsert("a"),
		func(*sql.Tx) error { return fmt.Errorf("taken: %w", ErrConflict) },
		func(tx *sql.Tx) error { _, _ = tx.Exec(`ROLLBACK`); return boom },
		rawInsert("b"),
	)
	if errs[0] != nil || errs[3] != nil || !errors.Is(errs[1], ErrConflict) || errs[2] == nil {
		t.Fatalf("results %v", errs)
	}
	for _, id := range []string{"a", "b"} {
		var n int
		if err := s.db.QueryRow(`SELECT count(*) FROM users WHERE id = ?`, id).Scan(&n); err != nil || n != 1 {
			t.Fatalf("user %s stored %d times (%v), want once", id, n, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(batches) < 3 {
		t.Fatalf("batches %v: the broken batch was not retried write by write", batches)
	}
}
