package reports

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// fixtureStart is the fixed start time of every fixture run, so golden
// files do not change from one test run to the next.
var fixtureStart = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return fixtureStart.Add(time.Duration(ms) * time.Millisecond) }

func scimHeaders(extra ...string) http.Header {
	// The request headers the mock Okta client sends (mockidp/okta/WIRE.md §2.1).
	h := http.Header{
		"User-Agent":     {"Okta SCIM Client 1.0.0"},
		"Accept":         {"application/scim+json"},
		"Accept-Charset": {"utf-8"},
		"Authorization":  {"Bearer [REDACTED]"},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		h.Set(extra[i], extra[i+1])
	}
	return h
}

func jsonResponseHeaders() http.Header {
	return http.Header{"Content-Type": {"application/scim+json; charset=utf-8"}}
}

// fixtureRun is a small run with every status: passes, a failure with
// expected vs actual and a hostile response body, a skip with a reason and
// a harness error with no response.
func fixtureRun() *Run {
	createBody := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com","name":{"givenName":"Ada","familyName":"Lovelace"},"emails":[{"primary":true,"value":"ada@example.com","type":"work"}],"displayName":"Ada Lovelace","locale":"en-US","externalId":"00u1ada","groups":[],"active":true}`
	r := &Run{
		SchemaVersion:  SchemaVersion,
		Tool:           Tool{Name: "scimconform", Version: "0.1.0-test"},
		CatalogVersion: "2026.11",
		StartedAt:      fixtureStart,
		FinishedAt:     at(2345),
		Target:         Target{BaseURL: "http://127.0.0.1:8080/scim/v2", AuthMode: "bearer", Profile: "oin"},
		ConfigHash:     "sha256:0f1e2d3c",
		Features: []Feature{
			{
				Name: "Users", URI: "features/users.feature", Tags: []string{"@users"},
				Scenarios: []Scenario{
					{
						ID: "USR-001", Title: "Okta creates an assigned user", Tier: "required", Areas: []string{"users"},
						Tags: []string{"@USR-001", "@required", "@users"}, SpecRefs: []string{"RFC 7644 §3.3", "https://developer.okta.com/docs/guides/scim-provisioning-integration-prepare/main/"},
						Line: 8, Status: StatusPass, DurationMS: 41.5,
						Steps: []Step{
							{Keyword: "Given ", Text: "the app has no user \"ada@example.com\"", Line: 9, Status: StatusPass, DurationMS: 10.25,
								Exchanges: []Exchange{{
									StartedAt: at(10), DurationMS: 9.5, Method: "GET",
									URL:            "http://127.0.0.1:8080/scim/v2/Users?filter=userName%20eq%20%22ada%40example.com%22&startIndex=1&count=100",
									RequestHeaders: scimHeaders(), StatusCode: 200, ResponseHeaders: jsonResponseHeaders(),
									ResponseBody: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`,
								}}},
							{Keyword: "When ", Text: "Okta assigns \"ada@example.com\" to the app", Line: 10, Status: StatusPass, DurationMS: 20,
								Exchanges: []Exchange{{
									StartedAt: at(25), DurationMS: 18, Method: "POST", URL: "http://127.0.0.1:8080/scim/v2/Users",
									RequestHeaders: scimHeaders("Content-Type", "application/scim+json; charset=utf-8"),
									RequestBody:    createBody, StatusCode: 201,
									ResponseHeaders: http.Header{"Content-Type": {"application/scim+json; charset=utf-8"},
										"Location": {"http://127.0.0.1:8080/scim/v2/Users/2819c223"}},
									ResponseBody: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223","userName":"ada@example.com","active":true,"meta":{"resourceType":"User"}}`,
								}}},
							{Keyword: "Then ", Text: "the app answers 201", Line: 11, Status: StatusPass, DurationMS: 0.5},
						},
					},
					{
						ID: "USR-002", Title: "Okta deactivates a user with a path-less PATCH", Tier: "required", Areas: []string{"users"},
						Tags: []string{"@USR-002", "@required", "@users"}, SpecRefs: []string{"RFC 7644 §3.5.2", "mockidp/okta/WIRE.md §6"},
						Line: 14, Status: StatusFail, DurationMS: 33,
						Steps: []Step{
							{Keyword: "Given ", Text: "the app has an active user \"grace@example.com\"", Line: 15, Status: StatusPass, DurationMS: 12},
							{Keyword: "When ", Text: "Okta unassigns \"grace@example.com\" from the app", Line: 16, Status: StatusFail, DurationMS: 20,
								Failure: &Failure{Message: "the app answers 400 to Okta's deactivate PATCH", Expected: "200 or 204", Actual: "400"},
								Exchanges: []Exchange{{
									StartedAt: at(1040), DurationMS: 19, Method: "PATCH", URL: "http://127.0.0.1:8080/scim/v2/Users/7d3e",
									RequestHeaders: scimHeaders("Content-Type", "application/scim+json; charset=utf-8"),
									RequestBody:    `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`,
									StatusCode:     400, ResponseHeaders: jsonResponseHeaders(),
									ResponseBody: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"noTarget","detail":"path is required <script>document.title='pwned'</script><img src=x onerror=alert(1)>"}`,
								}}},
							{Keyword: "Then ", Text: "the user is inactive", Line: 17, Status: StatusSkip, Reason: "an earlier step failed"},
						},
					},
					{
						ID: "USR-003", Title: "Okta updates a user's name with PUT", Tier: "optional", Areas: []string{"users"},
						Tags: []string{"@USR-003", "@optional", "@users"}, SpecRefs: []string{"RFC 7644 §3.5.1"},
						Line: 20, Status: StatusPass, DurationMS: 15,
						Steps: []Step{
							{Keyword: "When ", Text: "Okta renames \"ada@example.com\" to \"Ada King\"", Line: 21, Status: StatusPass, DurationMS: 15,
								Exchanges: []Exchange{{
									StartedAt: at(1200), DurationMS: 14, Method: "PUT", URL: "http://127.0.0.1:8080/scim/v2/Users/2819c223",
									RequestHeaders: scimHeaders("Content-Type", "application/scim+json; charset=utf-8"),
									RequestBody:    `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223","userName":"ada@example.com","name":{"givenName":"Ada","familyName":"King"},"active":true}`,
									StatusCode:     200, ResponseHeaders: jsonResponseHeaders(),
									ResponseBody: `{"id":"2819c223","userName":"ada@example.com","name":{"givenName":"Ada","familyName":"King"},"active":true}`,
								}}},
						},
					},
				},
			},
			{
				Name: "Groups", URI: "features/groups.feature", Tags: []string{"@groups"},
				Scenarios: []Scenario{{
					ID: "GRP-001", Title: "Okta pushes a group", Tier: "optional", Areas: []string{"groups"},
					Tags: []string{"@GRP-001", "@optional", "@groups", "@needs-groups"}, SpecRefs: []string{"RFC 7644 §3.3"},
					Line: 6, Status: StatusSkip, Reason: "the target does not support groups (no Group resource type in /ResourceTypes)",
					Steps: []Step{{Keyword: "When ", Text: "Okta pushes the group \"Engineering\"", Line: 7, Status: StatusSkip, Reason: "scenario skipped"}},
				}},
			},
			{
				Name: "Token auth", URI: "features/auth.feature", Tags: []string{"@token"},
				Scenarios: []Scenario{{
					ID: "AUTH-001", Title: "The app rejects a request without a token", Tier: "required", Areas: []string{"token"},
					Tags: []string{"@AUTH-001", "@required", "@token"}, SpecRefs: []string{"RFC 7644 §2"},
					Line: 5, Status: StatusError, Reason: "harness error: the target went away", DurationMS: 1001.25,
					Steps: []Step{{Keyword: "When ", Text: "Okta calls GET /Users without a token", Line: 6, Status: StatusError, DurationMS: 1000,
						Reason: "dial tcp 127.0.0.1:8080: connect: connection refused",
						Exchanges: []Exchange{{
							StartedAt: at(1300), DurationMS: 1000, Method: "GET", URL: "http://127.0.0.1:8080/scim/v2/Users?count=1",
							RequestHeaders: http.Header{"User-Agent": {"Okta SCIM Client 1.0.0"}, "Accept": {"application/scim+json"}},
							Error:          "dial tcp 127.0.0.1:8080: connect: connection refused",
						}}}},
				}},
			},
			{
				Name: "SAML sign-in", URI: "features/sso.feature", Tags: []string{"@sso", "@needs-sso"},
				Scenarios: []Scenario{{
					ID: "SSO-001", Title: "A valid Okta assertion signs the user in", Tier: "required", Areas: []string{"sso"},
					Tags: []string{"@SSO-001", "@required", "@sso", "@needs-sso"}, SpecRefs: []string{"SAML 2.0 Profiles §4.1"},
					Line: 7, Status: StatusNotInScope, Reason: "SSO not tested: no --saml-acs given",
					Steps: []Step{{Keyword: "When ", Text: "Okta posts a valid assertion to the ACS", Line: 8, Status: StatusNotInScope}},
				}},
			},
		},
		Scope: []Capability{
			{Name: "groups", Declared: true, Flag: "--groups", Note: "Group Push tested: --groups given"},
			{Name: "sso", Declared: false, Flag: "--saml-acs and --saml-audience", Note: "SSO not tested: no --saml-acs given"},
		},
	}
	r.ComputeTotals()
	return r
}

// bigRun is a synthetic run of n scenarios with perScenario exchanges each
// and bodies of about bodyBytes, for size and render-time checks. Every
// seventh scenario fails, every eleventh is skipped.
func bigRun(n, perScenario, bodyBytes int) *Run {
	r := fixtureRun()
	r.Features = nil
	areas := []string{"users", "groups", "token", "sso"}
	for i := 0; i < n; i++ {
		area := areas[i%len(areas)]
		fi := i % len(areas)
		if len(r.Features) <= fi {
			r.Features = append(r.Features, Feature{Name: strings.ToUpper(area[:1]) + area[1:], URI: "features/" + area + ".feature"})
		}
		id := fmt.Sprintf("%s-%03d", strings.ToUpper(area[:3]), i+1)
		tier := "required"
		if i%3 == 2 {
			tier = "optional"
		}
		sc := Scenario{ID: id, Title: fmt.Sprintf("Synthetic scenario %d", i+1), Tier: tier, Areas: []string{area},
			Tags: []string{"@" + id, "@" + tier, "@" + area}, SpecRefs: []string{"RFC 7644 §3.4.2"}, Line: 3 + i, Status: StatusPass, DurationMS: 120}
		st := Step{Keyword: "When ", Text: "Okta does synthetic thing " + id, Line: 4 + i, Status: StatusPass, DurationMS: 100}
		for j := 0; j < perScenario; j++ {
			st.Exchanges = append(st.Exchanges, Exchange{
				StartedAt: at(i*1000 + j*10), DurationMS: 7, Method: "POST", URL: fmt.Sprintf("http://127.0.0.1:8080/scim/v2/Users?n=%d", j),
				RequestHeaders: scimHeaders("Content-Type", "application/scim+json; charset=utf-8"),
				RequestBody:    syntheticBody(bodyBytes, i, j), StatusCode: 201, ResponseHeaders: jsonResponseHeaders(),
				ResponseBody: syntheticBody(bodyBytes, j, i),
			})
		}
		switch {
		case i%7 == 3:
			sc.Status, st.Status = StatusFail, StatusFail
			st.Failure = &Failure{Message: "status code", Expected: "201", Actual: "500"}
		case i%11 == 5:
			sc.Status, st.Status, sc.Reason = StatusSkip, StatusSkip, "capability not advertised"
			st.Exchanges = nil
		}
		sc.Steps = []Step{st}
		r.Features[fi].Scenarios = append(r.Features[fi].Scenarios, sc)
	}
	r.ComputeTotals()
	return r
}

func syntheticBody(size, a, b int) string {
	// Pseudo-random values, seeded per body so files stay deterministic,
	// keep the bodies about as compressible as real SCIM users.
	rng := rand.New(rand.NewPCG(uint64(a), uint64(b)))
	word := func(n int) string {
		const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
		w := make([]byte, n)
		for i := range w {
			w[i] = letters[rng.IntN(len(letters))]
		}
		return string(w)
	}
	var sb strings.Builder
	sb.WriteString(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"`)
	fmt.Fprintf(&sb, "%s.%d-%d@example.com\",\"externalId\":\"00u%s\",\"emails\":[", word(8), a, b, word(17))
	for k := 0; sb.Len() < size-60; k++ {
		if k > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"value":"%s.%s@example.com","type":"other","display":"%s %s"}`, word(6), word(9), word(7), word(10))
	}
	sb.WriteString(`],"active":true}`)
	return sb.String()
}
