package reference

import (
	"os"
	"testing"

	"github.com/scimconform/scimconform/internal/pgtest"
)

// TestMain stops the shared throwaway PostgreSQL cluster (started by the
// first test that needs one) after the tests.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
