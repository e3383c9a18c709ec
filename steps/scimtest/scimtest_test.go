package scimtest

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/scimconform/scimconform/reference"
)

const testToken = "scimtest-token-0123456789abcdef"

// referenceServer serves the reference SCIM handler with faults, as a
// vendor's handler would be served.
func referenceServer(t *testing.T, faults ...string) string {
	t.Helper()
	h, err := reference.New(reference.WithToken(testToken), reference.WithFaults(faults...))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); _ = h.Close() })
	return srv.URL + reference.BasePath
}

// TestVendorStyle is what a vendor writes: the users scenarios against a
// conformant handler, one passing subtest each.
func TestVendorStyle(t *testing.T) {
	run := Run(t, Config{URL: referenceServer(t), Token: testToken, Tags: "@users"})
	if run == nil || run.Totals.Scenarios < 5 || run.Totals.Passed != run.Totals.Scenarios {
		t.Fatalf("run: %+v", run)
	}
}

// TestChildVendor is run in a child process by TestRunSubtests, against a
// handler whose filter is case-sensitive; it is skipped otherwise.
func TestChildVendor(t *testing.T) {
	if os.Getenv("SCIMTEST_CHILD") == "" {
		t.Skip("run by TestRunSubtests")
	}
	Run(t, Config{URL: referenceServer(t, "case-sensitive-filter"), Token: testToken, Tags: os.Getenv("SCIMTEST_TAGS")})
}

// child runs TestChildVendor with -run pattern in a copy of this test
// binary and returns its verbose output.
func child(t *testing.T, pattern, tags string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", pattern, "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "SCIMTEST_CHILD=1", "SCIMTEST_TAGS="+tags)
	out, _ := cmd.CombinedOutput()
	return string(out)
}

// TestRunSubtests: -run 'TestChildVendor/USR-00' runs exactly the USR-00x
// scenarios as subtests; USR-004 (broken by the fault) fails with its step,
// expected and actual values and the offending exchange; the others pass;
// the token never appears. A scenario that cannot run skips with its
// reason.
func TestRunSubtests(t *testing.T) {
	out := child(t, "^TestChildVendor$/USR-00", "")
	sub := regexp.MustCompile(`--- (PASS|FAIL|SKIP): TestChildVendor/(\S+)`)
	got := map[string]string{}
	for _, m := range sub.FindAllStringSubmatch(out, -1) {
		got[m[2][:7]] = m[1]
	}
	if len(got) == 0 {
		t.Fatalf("no subtests:\n%s", out)
	}
	for id, status := range got {
		if !strings.HasPrefix(id, "USR-00") {
			t.Errorf("subtest %s ran although -run selects USR-00x", id)
		}
		want := "PASS"
		if id == "USR-004" {
			want = "FAIL"
		}
		if status != want {
			t.Errorf("%s: %s, want %s", id, status, want)
		}
	}
	if got["USR-004"] != "FAIL" || got["USR-001"] != "PASS" {
		t.Errorf("subtests %v", got)
	}
	for _, want := range []string{"USR-004 ", "step: ", "exchange: GET ", "/Users?filter="} {
		if !strings.Contains(out, want) {
			t.Errorf("failure output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, testToken) {
		t.Error("the output holds the token")
	}

	// No revoked token is configured: AUTH-006 cannot run and says why.
	skip := child(t, "^TestChildVendor$", "@AUTH-006")
	if !regexp.MustCompile(`--- SKIP: TestChildVendor/AUTH-006`).MatchString(skip) || !regexp.MustCompile(`(skipped|not in scope): \S`).MatchString(skip) {
		t.Errorf("AUTH-006 without a revoked token does not skip with a reason:\n%s", skip)
	}
}

func TestMatchesPattern(t *testing.T) {
	for _, tc := range []struct {
		pattern, parent, sub string
		want                 bool
	}{
		{"", "TestOkta", "USR-004 x", true},
		{"TestOkta", "TestOkta", "USR-004 x", true},
		{"TestOkta/USR-00", "TestOkta", "USR-004 x", true},
		{"TestOkta/USR-00", "TestOkta", "USR-010 x", false},
		{"TestOkta/Okta_creates", "TestOkta", "USR-001 Okta creates a user", true},
		{"TestOkta/Okta creates", "TestOkta", "USR-001 Okta creates a user", false},
		{"TestOkta/(USR|GRP)-00[12]", "TestOkta", "GRP-002 y", true},
		{"TestOkta/[/]x", "TestOkta", "USR-001 x", false}, // one level: the / in brackets does not split
		{"TestA/B/USR-001", "TestA/B", "USR-001 x", true},
		{"TestA/B/USR-001", "TestA/B", "USR-002 x", false},
		{"TestOkta/(", "TestOkta", "USR-001 x", true}, // does not compile: let testing decide
	} {
		if got := matchesPattern(tc.pattern, tc.parent, tc.sub); got != tc.want {
			t.Errorf("matchesPattern(%q, %q, %q) = %v, want %v", tc.pattern, tc.parent, tc.sub, got, tc.want)
		}
	}
}
