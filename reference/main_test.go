package reference

import (
	"os"
	"testing"

	"github.com/scimconform/scimconform/internal/pgtest"
)

// TestMain stops the shared throwaway PostgreSQL cluster (started by the
// first test that needs one) after the tests, and removes the benchmarks'
// SQLite files.
func TestMain(m *testing.M) {
	code := pgtest.Main(m)
	for _, d := range benchDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}
