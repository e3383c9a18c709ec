package reports

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	junit "github.com/joshdk/go-junit"
)

// TestJUnitParsesBack reads junit.xml with go-junit, a JUnit parser used by
// CI tooling, and checks that every scenario comes back with its status,
// message and time.
func TestJUnitParsesBack(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, fixtureRun()); err != nil {
		t.Fatal(err)
	}
	suites, err := junit.Ingest(buf.Bytes())
	if err != nil {
		t.Fatalf("go-junit cannot parse junit.xml: %v", err)
	}
	if len(suites) != 4 {
		t.Fatalf("got %d suites, want one per feature (4)", len(suites))
	}
	got := map[string]junit.Test{}
	for _, s := range suites {
		if s.Properties["target.baseUrl"] != "http://127.0.0.1:8080/scim/v2" {
			t.Errorf("suite %s properties %v lack the target", s.Name, s.Properties)
		}
		if v := s.Properties["scimconform.verdict"]; v != "fail (1 required failed); also error (1 errored: the run proves nothing about them)" {
			t.Errorf("suite %s verdict property %q", s.Name, v)
		}
		if v := s.Properties["scope.sso"]; v != "not in scope: SSO not tested: no --saml-acs given" {
			t.Errorf("suite %s scope.sso property %q", s.Name, v)
		}
		for _, tc := range s.Tests {
			if tc.Classname != s.Name {
				t.Errorf("testcase %q classname %q, want the feature %q", tc.Name, tc.Classname, s.Name)
			}
			got[strings.Fields(tc.Name)[0]] = tc
		}
	}
	want := map[string]junit.Status{
		"USR-001": junit.StatusPassed, "USR-002": junit.StatusFailed, "USR-003": junit.StatusPassed,
		"GRP-001": junit.StatusSkipped, "AUTH-001": junit.StatusFailed, "SSO-001": junit.StatusSkipped,
	}
	for id, st := range want {
		tc, ok := got[id]
		if !ok {
			t.Errorf("no testcase for %s", id)
			continue
		}
		if tc.Status != st {
			t.Errorf("%s status %s, want %s", id, tc.Status, st)
		}
		if tc.Duration < 0 {
			t.Errorf("%s negative duration %s", id, tc.Duration)
		}
	}
	fail := got["USR-002"]
	if fail.Name != "USR-002 Okta deactivates a user with a path-less PATCH" {
		t.Errorf("testcase name %q, want ID and title", fail.Name)
	}
	if !strings.Contains(fail.Message, "expected 200 or 204, got 400") {
		t.Errorf("failure message %q lacks expected vs actual", fail.Message)
	}
	fe, _ := fail.Error.(junit.Error)
	if !strings.Contains(fe.Body, "PATCH http://127.0.0.1:8080/scim/v2/Users/7d3e") || !strings.Contains(fe.Body, `"scimType": "noTarget"`) {
		t.Errorf("failure text lacks the transcript excerpt: %+v", fail.Error)
	}
	if fe.Type != "fail" {
		t.Errorf("failure type %q, want fail", fe.Type)
	}
	if ee, _ := got["AUTH-001"].Error.(junit.Error); ee.Type != "error" {
		t.Errorf("harness error not typed error: %+v", got["AUTH-001"].Error)
	}
	if m := got["SSO-001"].Message; m != "not in scope: SSO not tested: no --saml-acs given" {
		t.Errorf("not-in-scope message %q", m)
	}
	if m := got["GRP-001"].Message; !strings.Contains(m, "does not support groups") {
		t.Errorf("skip message %q lacks the reason", m)
	}
}

// TestJUnitValidatesAgainstXSD validates junit.xml with xmllint against
// testdata/junit.xsd (the Jenkins junit-10 structure). Without xmllint it
// skips, except in CI (CI=true), where .ci/run installs libxml2-utils.
func TestJUnitValidatesAgainstXSD(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint not found; CI must install Debian's libxml2-utils")
		}
		t.Skip("xmllint not found: install Debian's libxml2-utils to validate junit.xml against the XSD")
	}
	for _, tc := range []struct {
		name string
		run  *Run
	}{{"fixture", fixtureRun()}, {"big", bigRun(60, 2, 256)}, {"hostile", hostileRun()}} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "junit.xml")
			var buf bytes.Buffer
			if err := WriteJUnit(&buf, tc.run); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join("testdata", "junit.xsd"), path).CombinedOutput()
			if err != nil {
				t.Fatalf("junit.xml does not validate: %v\n%s", err, out)
			}
		})
	}
	// The schema is not a rubber stamp: a negative time is rejected.
	bad := filepath.Join(t.TempDir(), "bad.xml")
	os.WriteFile(bad, []byte(`<testsuites><testsuite name="x" tests="1"><testcase name="a" classname="x" time="-1"/></testsuite></testsuites>`), 0o644)
	if err := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join("testdata", "junit.xsd"), bad).Run(); err == nil {
		t.Errorf("the XSD accepts a negative time")
	}
}

// hostileRun has control characters, CDATA terminators and negative times
// where a broken server or clock could put them.
func hostileRun() *Run {
	r := fixtureRun()
	sc := &r.Features[0].Scenarios[1]
	sc.DurationMS = -5
	st := &sc.Steps[1]
	st.DurationMS = -1
	st.Exchanges[0].ResponseBody = "bad \x00\x01\x1b[31m bytes ]]> and ]]]]><![CDATA[ \uFFFE end"
	st.Failure.Message = "message with \x07 bell and \"quotes\" & <tags>"
	return r
}
