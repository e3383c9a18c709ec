package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scimconform/scimconform/internal/pgtest"
)

// TestPostgresTwoStoresOneDatabase: two stores (two servers' pools) over one
// database see each other's writes, and concurrent creates of one userName
// through both yield exactly one user.
func TestPostgresTwoStoresOneDatabase(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DB(t)
	a, b := openPGAt(t, dsn, Options{}), openPGAt(t, dsn, Options{})
	now := time.Now().UTC()
	if err := a.CreateUser(ctx, &User{ID: "u1", UserName: "Ada@x", Doc: []byte(`{}`), Created: now, Modified: now}); err != nil {
		t.Fatal(err)
	}
	if got, err := b.UsersByUserName(ctx, "ada@X"); err != nil || len(got) != 1 {
		t.Fatalf("second store does not see the first one's user: %+v %v", got, err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, conflict := 0, 0
	for i := range 16 {
		s := []*Postgres{a, b}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.CreateUser(ctx, &User{ID: fmt.Sprintf("c%d", i), UserName: []string{"same@x", "SAME@x"}[i%2], Doc: []byte(`{}`), Created: now, Modified: now})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, ErrConflict):
				conflict++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok != 1 || conflict != 15 {
		t.Fatalf("16 concurrent creates of one userName over two stores: %d created, %d conflicts; want 1 and 15", ok, conflict)
	}
}

// TestPostgresLockWrites: the write lock of one store holds off another
// store on the same database until it is released.
func TestPostgresLockWrites(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DB(t)
	a, b := openPGAt(t, dsn, Options{}), openPGAt(t, dsn, Options{})
	unlock, err := a.LockWrites(ctx)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if u2, err := b.LockWrites(short); err == nil {
		u2()
		t.Fatal("second store took the write lock while the first held it")
	}
	unlock()
	u2, err := b.LockWrites(ctx)
	if err != nil {
		t.Fatalf("write lock after release: %v", err)
	}
	u2()
}

// TestPostgresCaseFolding: like SQLite's NOCASE, userName folds ASCII
// only, whatever the database's default collation.
func TestPostgresCaseFolding(t *testing.T) {
	ctx := context.Background()
	for name, s := range map[string]Store{"postgres": openPG(t, Options{}), "sqlite": mustSQLite(t)} {
		t.Run(name, func(t *testing.T) {
			for i, n := range []string{"Émile@x", "émile@x"} {
				if err := s.CreateUser(ctx, &User{ID: fmt.Sprint(i), UserName: n, Doc: []byte(`{}`)}); err != nil {
					t.Fatalf("%s: %v (non-ASCII case must not be folded)", n, err)
				}
			}
			if us, _ := s.UsersByUserName(ctx, "éMILE@X"); len(us) != 1 || us[0].UserName != "émile@x" {
				t.Fatalf("lookup folded non-ASCII letters: %+v", us)
			}
		})
	}
}

func mustSQLite(t *testing.T) Store {
	s, err := OpenSQLite(":memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestPostgresMigrations: a second open applies nothing, concurrent first
// opens of an empty database both succeed, and a schema newer than the
// binary is refused.
func TestPostgresMigrations(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DB(t)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := OpenPostgres(ctx, dsn, Options{})
			if err == nil {
				s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("concurrent first open: %v", err)
		}
	}
	s := openPGAt(t, dsn, Options{})
	applied, err := migrate(ctx, s.Pool())
	if err != nil || len(applied) != 0 {
		t.Fatalf("re-migrate applied %v, %v; want nothing", applied, err)
	}
	ms, _ := migrations()
	var n int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(ms) {
		t.Fatalf("schema_migrations has %d rows, want %d (%v)", n, len(ms), err)
	}
	if _, err := s.Pool().Exec(ctx, `INSERT INTO schema_migrations(version, name) VALUES($1, 'future.sql')`, len(ms)+1); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenPostgres(ctx, dsn, Options{}); err == nil || !strings.Contains(err.Error(), "newer scimconform") {
		t.Fatalf("open of a newer schema: %v, want a refusal", err)
	}
}

// TestPostgresOpenErrorHidesPassword: a failed connection names host and
// database but never the password of the URL.
func TestPostgresOpenErrorHidesPassword(t *testing.T) {
	c := pgtest.Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := OpenPostgres(ctx, fmt.Sprintf("postgres://nobody:s3cr3t-pw@127.0.0.1:%d/nosuchdb?sslmode=disable", c.Port), Options{})
	if err == nil || strings.Contains(err.Error(), "s3cr3t-pw") {
		t.Fatalf("open error %v: want an error without the password", err)
	}
}

// TestPostgresLookupsUseIndexes: Okta's lookups are index scans (with
// sequential scans disabled, so that the tiny test table does not make the
// planner prefer one anyway; a query no index serves still shows Seq Scan).
func TestPostgresLookupsUseIndexes(t *testing.T) {
	ctx := context.Background()
	s := openPG(t, Options{})
	conn, err := s.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{pqUserByID, pqUserByUserName, pqUserByExternalID, pqUserByDisplayName, pqGroupByName, pqGroupByExternalID} {
		rows, err := conn.Query(ctx, "EXPLAIN "+q, "x")
		if err != nil {
			t.Fatal(err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		p := strings.Join(lines, "\n")
		if !strings.Contains(p, "Index") || strings.Contains(p, "Seq Scan") {
			t.Errorf("%s\n  plan does not use an index:\n%s", q, p)
		}
	}
}
