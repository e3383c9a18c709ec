package steps_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/steps"
)

// TestProgressKeepsHarnessText: live progress lines are redacted only in
// the part that can carry target text (the reason); a scenario title that
// looks like a credential ("Authorization: non-token") is harness text and
// is printed as written.
func TestProgressKeepsHarnessText(t *testing.T) {
	tg := startTarget(t, nil)
	cfg := suiteConfig(tg.BaseURL, okta.ProfileOIN)
	cfg.Selection.Tags = "@AUTH-004"
	var progress bytes.Buffer
	cfg.Progress = &progress
	if _, err := steps.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), `AUTH-004 A request with "Authorization: non-token" is refused`) {
		t.Fatalf("progress mangles the title:\n%s", progress.String())
	}
}
