package reports

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// tokenRun is the fixture run with the token tok where a careless target
// or a failure dump would leave it: in credential headers, echoed in a
// JSON body, after "Bearer" in a failure message, as a token= parameter.
func tokenRun(tok string) *Run {
	r := fixtureRun()
	sc := &r.Features[0].Scenarios[0]
	basic := base64.StdEncoding.EncodeToString([]byte("okta:" + tok))
	sc.Steps[1].Exchanges = append(sc.Steps[1].Exchanges, Exchange{
		StartedAt: at(30), DurationMS: 3, Method: "GET",
		URL:             "http://127.0.0.1:8080/scim/v2/Users?token=" + tok + "&count=1",
		RequestHeaders:  http2("Authorization", "Bearer "+tok, "X-Echo", tok),
		StatusCode:      401,
		ResponseHeaders: http2("Content-Type", "application/scim+json", "Www-Authenticate", "Bearer realm=scim"),
		ResponseBody:    `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"token rejected","token":"` + tok + `","echo":"` + tok + `","hint":"Basic ` + basic + `"}`,
	}, Exchange{
		StartedAt: at(35), DurationMS: 3, Method: "GET", URL: "http://127.0.0.1:8080/scim/v2/Users",
		RequestHeaders: http2("Authorization", tok), StatusCode: 200,
		ResponseBody: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"Resources":[]}`,
	})
	st := &r.Features[0].Scenarios[1].Steps[1]
	st.Failure.Actual = "400 for GET /Users\nAuthorization: Bearer " + tok + "\napi_key=" + tok
	r.Target.Logs = `level=warn msg="bad auth" authorization=` + tok + "\n"
	return r
}

func http2(kv ...string) map[string][]string {
	h := map[string][]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		h[kv[i]] = append(h[kv[i]], kv[i+1])
	}
	return h
}

// TestRedactShortTokenKeepsEverythingElse: with a token that is a common
// word, a single letter or a digit, the written files keep SCIM URNs,
// titles, feature file names and the target's own words intact, while the
// token is gone from every credential position.
func TestRedactShortTokenKeepsEverythingElse(t *testing.T) {
	for _, tok := range []string{"scim", "x", "1", "tok"} {
		t.Run(tok, func(t *testing.T) {
			r := tokenRun(tok)
			r.Redact(tok)
			dir := filepath.Join(t.TempDir(), "out")
			if _, err := WriteFormats(dir, r, FormatJSON, FormatJUnit, FormatMarkdown, FormatHTML); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{FileJSON, FileJUnit, FileMarkdown} {
				b, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				out := string(b)
				for _, keep := range []string{
					"urn:ietf:params:scim:api:messages:2.0:",
					"Okta deactivates a user with a path-less PATCH",
					"features/users.feature",
				} {
					if name == FileMarkdown && keep == "features/users.feature" {
						continue // summary.md names no files
					}
					if name == FileMarkdown && strings.HasPrefix(keep, "urn:") {
						continue // summary.md quotes no bodies
					}
					if !strings.Contains(out, keep) {
						t.Errorf("%s lost %q", name, keep)
					}
				}
				if strings.Contains(out, "[REDACTED]:") || strings.Contains(out, "params:[REDACTED]") {
					t.Errorf("%s has a mangled URN", name)
				}
			}
			sc := r.Features[0].Scenarios[0]
			ex := sc.Steps[1].Exchanges[1]
			if got := ex.RequestHeaders["Authorization"][0]; got != "Bearer "+Redacted {
				t.Errorf("Authorization = %q", got)
			}
			if got := ex.RequestHeaders["X-Echo"][0]; got != Redacted {
				t.Errorf("a header equal to the token = %q", got)
			}
			if got := sc.Steps[1].Exchanges[2].RequestHeaders["Authorization"][0]; got != Redacted {
				t.Errorf("bare-token Authorization = %q", got)
			}
			for _, frag := range []string{`"token":"` + tok + `"`, `"echo":"` + tok + `"`, "token=" + tok + "&", "Bearer " + tok, "api_key=" + tok, "authorization=" + tok} {
				for _, s := range []string{ex.ResponseBody, ex.URL, r.Features[0].Scenarios[1].Steps[1].Failure.Actual, r.Target.Logs} {
					if strings.Contains(s, frag) {
						t.Errorf("%q still in %q", frag, s)
					}
				}
			}
			if strings.Contains(ex.ResponseBody, base64.StdEncoding.EncodeToString([]byte("okta:"+tok))) {
				t.Errorf("Basic credential with the token kept: %s", ex.ResponseBody)
			}
			if !strings.Contains(ex.ResponseBody, `"detail":"token rejected"`) || !strings.Contains(ex.URL, "count=1") {
				t.Errorf("redaction corrupted text around the token: %s %s", ex.ResponseBody, ex.URL)
			}
			if got := ex.ResponseHeaders["Www-Authenticate"][0]; got != "Bearer realm=scim" {
				t.Errorf("WWW-Authenticate = %q, want it kept", got)
			}
			if !reflect.DeepEqual(r.Features[0].Scenarios[0].Tags, []string{"@USR-001", "@required", "@users"}) {
				t.Errorf("tags changed: %v", r.Features[0].Scenarios[0].Tags)
			}
		})
	}
}

// TestRedactNeverTouchesHarnessText: even a long token that appears in
// harness-authored fields (a title, a step, a tag) leaves them as written,
// while a long token is redacted everywhere else.
func TestRedactNeverTouchesHarnessText(t *testing.T) {
	const tok = "Okta deactivates a user"
	if len(tok) < MinExactSecretLen {
		t.Fatal("the test needs a long token")
	}
	r := fixtureRun()
	r.Target.Logs = "saw " + tok + " in the log"
	r.Redact(tok)
	if got := r.Features[0].Scenarios[1].Title; got != "Okta deactivates a user with a path-less PATCH" {
		t.Errorf("title redacted: %q", got)
	}
	if r.Target.Logs != "saw [REDACTED] in the log" {
		t.Errorf("a long token is not redacted everywhere: %q", r.Target.Logs)
	}
}

// TestRedactClassifiesEveryStringField fails when a string field is added
// to the model without deciding whether Redact redacts it (a field the
// target or transport fills) or leaves it (harness-authored text).
func TestRedactClassifiesEveryStringField(t *testing.T) {
	redacted := map[string]bool{
		"Run.Target.BaseURL": true, "Run.Target.Logs": true, "Run.StopReason": true,
		"Run.Features.Scenarios.Reason": true, "Run.Features.Scenarios.Steps.Reason": true,
		"Run.Features.Scenarios.Steps.Failure.Message": true, "Run.Features.Scenarios.Steps.Failure.Expected": true,
		"Run.Features.Scenarios.Steps.Failure.Actual": true,
		"Run.Features.Scenarios.Steps.Exchanges.URL":  true, "Run.Features.Scenarios.Steps.Exchanges.Error": true,
		"Run.Features.Scenarios.Steps.Exchanges.RequestBody": true, "Run.Features.Scenarios.Steps.Exchanges.ResponseBody": true,
		"Run.Features.Scenarios.Steps.Exchanges.RequestHeaders": true, "Run.Features.Scenarios.Steps.Exchanges.ResponseHeaders": true,
		"Run.StaleWaivers.Waiver.Reason": true, "Run.StaleWaivers.Waiver.Match": true, "Run.StaleWaivers.Waiver.URL": true,
		"Run.StaleWaivers.Why": true,
		"Run.RootCauses.Key":   true, "Run.RootCauses.Exchange": true, "Run.Features.Scenarios.BlockedBy": true,
		"Run.Features.Scenarios.Waiver.Reason": true, "Run.Features.Scenarios.Waiver.Match": true, "Run.Features.Scenarios.Waiver.URL": true,
	}
	harness := map[string]bool{
		"Run.SchemaVersion": true, "Run.Tool.Name": true, "Run.Tool.Version": true, "Run.CatalogVersion": true,
		"Run.Target.AuthMode": true, "Run.Target.Profile": true, "Run.Target.Image": true, "Run.ConfigHash": true,
		"Run.Scope.Name": true, "Run.Scope.Flag": true, "Run.Scope.Note": true,
		// A constant file name (FileLoadHTML), set by WriteFormats.
		"Run.LoadReport": true,
		// The selection: tags, tiers, areas and capability names the user chose, shards "K/N".
		"Run.Selection.Expression": true, "Run.Selection.Shard": true, "Run.Selection.MergedFrom": true,
		"Run.Features.Name": true, "Run.Features.URI": true, "Run.Features.Tags": true,
		"Run.Features.Scenarios.ID": true, "Run.Features.Scenarios.Title": true, "Run.Features.Scenarios.Tier": true, "Run.Features.Scenarios.TierNote": true, "Run.Features.Scenarios.Fix": true,
		"Run.Features.Scenarios.Areas": true, "Run.Features.Scenarios.Tags": true, "Run.Features.Scenarios.SpecRefs": true,
		"Run.Features.Scenarios.Status": true, "Run.Features.Scenarios.Steps.Keyword": true,
		"Run.Features.Scenarios.Steps.Text": true, "Run.Features.Scenarios.Steps.Status": true,
		// Scenario IDs and dates checked by ParseWaivers; the baseline's path
		// is the user's; a regression mark is a constant.
		"Run.StaleWaivers.Waiver.ID": true, "Run.StaleWaivers.Waiver.Expires": true,
		"Run.Features.Scenarios.Waiver.ID": true, "Run.Features.Scenarios.Waiver.Expires": true,
		"Run.Baseline": true, "Run.RootCauses.Scenarios": true, "Run.Features.Scenarios.Regression": true,
		// The method is the one the harness sent.
		"Run.Features.Scenarios.Steps.Exchanges.Method": true,
		// A digest the harness computed over the bytes received ("sha256:<hex>").
		"Run.Features.Scenarios.Steps.Exchanges.BodyDigest": true,
	}
	var walk func(path string, ty reflect.Type)
	walk = func(path string, ty reflect.Type) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice {
			if ty.Kind() == reflect.Slice && ty.Elem().Kind() == reflect.String {
				break
			}
			ty = ty.Elem()
		}
		switch {
		case ty.Kind() == reflect.Struct && ty.PkgPath() == reflect.TypeOf(Run{}).PkgPath():
			for i := 0; i < ty.NumField(); i++ {
				walk(path+"."+ty.Field(i).Name, ty.Field(i).Type)
			}
		case ty.Kind() == reflect.String, ty.Kind() == reflect.Slice, ty.Kind() == reflect.Map:
			if !redacted[path] && !harness[path] {
				t.Errorf("%s holds text but is neither redacted nor listed as harness-authored", path)
			}
		}
	}
	walk("Run", reflect.TypeOf(Run{}))
}
