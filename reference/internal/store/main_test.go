package store

import (
	"context"
	"os"
	"testing"

	"github.com/scimconform/scimconform/internal/pgtest"
)

// TestMain stops the shared throwaway PostgreSQL cluster after the tests.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// openPG opens a Postgres store on a fresh database of the shared cluster
// (skipped without PostgreSQL, failed under CI=true).
func openPG(t *testing.T, opts Options) *Postgres {
	t.Helper()
	return openPGAt(t, pgtest.DB(t), opts)
}

func openPGAt(t *testing.T, dsn string, opts Options) *Postgres {
	t.Helper()
	s, err := OpenPostgres(context.Background(), dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
