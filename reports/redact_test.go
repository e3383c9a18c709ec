package reports

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Distinctive secrets: if any of them, or an encoding of them, shows up in
// a written file, redaction failed.
const (
	secretToken    = "tok-SECRET-9f3a7c21e5"
	secretBasicPW  = "pw-BASIC-77x1q-long"
	secretUserPW   = "Us3r-Pa55-w0rd!-long"
	secretClientID = "okta-client-zz9"
)

// leakyRun is a run whose exchanges carry the secrets everywhere a careless
// capture could leave them.
func leakyRun() *Run {
	r := fixtureRun()
	basic := base64.StdEncoding.EncodeToString([]byte(secretClientID + ":" + secretBasicPW))
	r.Target.Logs = "level=info msg=\"auth ok\" token=" + secretToken + "\n"
	sc := &r.Features[0].Scenarios[0]
	sc.Steps[1].Exchanges = append(sc.Steps[1].Exchanges,
		Exchange{
			StartedAt: at(30), DurationMS: 3, Method: "POST",
			URL:            "http://127.0.0.1:8080/scim/v2/Users?access_token=" + secretToken,
			RequestHeaders: http.Header{"Authorization": {"Bearer " + secretToken}, "Cookie": {"sid=" + secretToken + "; theme=dark"}},
			RequestBody:    `{"userName":"ada@example.com","password":"` + secretUserPW + `","name":{"givenName":"Ada"}}`,
			StatusCode:     201, ResponseHeaders: http.Header{"Set-Cookie": {"sid=" + secretToken + "; Path=/; HttpOnly"}},
			ResponseBody: `{"id":"1","userName":"ada@example.com"}`,
		},
		Exchange{
			StartedAt: at(40), DurationMS: 3, Method: "PATCH",
			URL:            "http://" + secretClientID + ":" + secretBasicPW + "@127.0.0.1:8080/scim/v2/Users/1",
			RequestHeaders: http.Header{"Authorization": {"Basic " + basic}},
			// Okta's password sync as a PATCH (mockidp/okta/WIRE.md §6), both shapes.
			RequestBody: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"password":"` + secretUserPW + `"}},{"value":"` + secretUserPW + `x","op":"replace","path":"password"}]}`,
			StatusCode:  200,
			// A server that echoes what it got, in an error detail.
			ResponseBody: `{"detail":"bad credential Basic ` + basic + ` for ` + secretUserPW + `y"}`,
		},
		Exchange{
			StartedAt: at(50), DurationMS: 3, Method: "POST", URL: "http://127.0.0.1:8080/sso/acs",
			RequestHeaders: http.Header{"Authorization": {secretToken}},
			RequestBody:    "key=-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA" + secretToken + "\n-----END RSA PRIVATE KEY-----\n",
			StatusCode:     302,
		},
	)
	st := &r.Features[0].Scenarios[1].Steps[1]
	st.Failure.Actual = "400 for Authorization: Bearer " + secretToken
	return r
}

func TestRedactLeavesNoSecretInAnyFile(t *testing.T) {
	r := leakyRun()
	r.Redact(secretToken, secretBasicPW, secretUserPW, "")
	dir := filepath.Join(t.TempDir(), "out")
	files, err := WriteAll(dir, r)
	if err != nil {
		t.Fatalf("WriteAll: %v", err)
	}
	if len(files.Paths()) != len(AllFormats) {
		t.Fatalf("WriteAll wrote %v, want %d files", files.Paths(), len(AllFormats))
	}
	var forbidden []string
	for _, s := range []string{secretToken, secretBasicPW, secretUserPW} {
		forbidden = append(forbidden, s, url.QueryEscape(s),
			base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s)))
	}
	forbidden = append(forbidden, base64.StdEncoding.EncodeToString([]byte(secretClientID+":"+secretBasicPW)))
	seen := map[string]bool{}
	unique := forbidden[:0]
	for _, s := range forbidden {
		if !seen[s] {
			seen[s] = true
			unique = append(unique, s)
		}
	}
	forbidden = unique
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		texts := []string{string(b)}
		// cucumber.json holds transcripts base64-encoded: decode them too.
		if e.Name() == FileCucumber {
			texts = append(texts, decodedEmbeddings(t, b)...)
		}
		for _, text := range texts {
			for _, s := range forbidden {
				if strings.Contains(text, s) {
					t.Errorf("%s contains the secret form %q", e.Name(), s)
				}
			}
		}
	}
	// Redaction keeps the evidence readable around the secret.
	ex := r.Features[0].Scenarios[0].Steps[1].Exchanges[1]
	if got := ex.RequestHeaders.Get("Authorization"); got != "Bearer "+Redacted {
		t.Errorf("Authorization = %q, want the scheme kept", got)
	}
	if !strings.Contains(ex.RequestBody, `"userName":"ada@example.com","password":"[REDACTED]","name"`) {
		t.Errorf("password not masked in place: %s", ex.RequestBody)
	}
}

func decodedEmbeddings(t *testing.T, b []byte) []string {
	t.Helper()
	var feats []cukeFeature
	if err := json.Unmarshal(b, &feats); err != nil {
		t.Fatalf("parse cucumber.json: %v", err)
	}
	var out []string
	for _, f := range feats {
		for _, el := range f.Elements {
			for _, st := range el.Steps {
				for _, em := range st.Embeddings {
					d, err := base64.StdEncoding.DecodeString(em.Data)
					if err != nil {
						t.Fatalf("embedding %q is not base64: %v", em.Name, err)
					}
					out = append(out, string(d))
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("cucumber.json has no embeddings to check")
	}
	return out
}

func TestRedactStructuralRules(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"json key order kept", `{"b":1,"password":"x1","a":{"Password":"y"}}`, `{"b":1,"password":"[REDACTED]","a":{"Password":"[REDACTED]"}}`},
		{"patch path password", `{"Operations":[{"op":"replace","path":"password","value":"s3"},{"op":"replace","path":"active","value":"false"}]}`,
			`{"Operations":[{"op":"replace","path":"password","value":"[REDACTED]"},{"op":"replace","path":"active","value":"false"}]}`},
		{"value before path", `[{"value":"s3","path":"PASSWORD"}]`, `[{"value":"[REDACTED]","path":"PASSWORD"}]`},
		{"nested under sensitive key", `{"client_secret":{"v":"a","n":2}}`, `{"client_secret":{"v":"[REDACTED]","n":"[REDACTED]"}}`},
		{"escaped strings", `{"password":"a\"b\\c","x":"password"}`, `{"password":"[REDACTED]","x":"password"}`},
		{"whitespace", "{\n  \"password\" :  \"p\" ,\n  \"k\": \"v\"\n}", "{\n  \"password\" :  \"[REDACTED]\" ,\n  \"k\": \"v\"\n}"},
		{"form body", `grant_type=password&username=ada&password=s3cr3t`, `grant_type=password&password=%5BREDACTED%5D&username=ada`},
		{"not json", `{oops password: x`, `{oops password: x`},
		{"plain text", `hello`, `hello`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newRedactor(nil).body(tt.in); got != tt.want {
				t.Errorf("body(%s)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
	h := http.Header{
		"Authorization":       {"Bearer abc", "SSWS 00abc", "rawtoken"},
		"Proxy-Authorization": {"Basic Zm9vOmJhcg=="},
		"Cookie":              {"a=1; b=2"},
		"Set-Cookie":          {"sid=xyz; Path=/; Secure"},
		"Content-Type":        {"application/scim+json"},
	}
	newRedactor(nil).headers(h)
	want := http.Header{
		"Authorization":       {"Bearer [REDACTED]", "SSWS [REDACTED]", "[REDACTED]"},
		"Proxy-Authorization": {"Basic [REDACTED]"},
		"Cookie":              {"a=[REDACTED]; b=[REDACTED]"},
		"Set-Cookie":          {"sid=[REDACTED]; Path=/; Secure"},
		"Content-Type":        {"application/scim+json"},
	}
	for k, v := range want {
		if strings.Join(h[k], "|") != strings.Join(v, "|") {
			t.Errorf("header %s = %q, want %q", k, h[k], v)
		}
	}
	if got := newRedactor(nil).url("https://u:p@h/x?token=t&filter=a&access_token=z"); got != "https://u:%5BREDACTED%5D@h/x?access_token=%5BREDACTED%5D&filter=a&token=%5BREDACTED%5D" {
		t.Errorf("url = %s", got)
	}
	// Redact is idempotent.
	r1 := leakyRun()
	r1.Redact(secretToken)
	b1, _ := json.Marshal(r1)
	r1.Redact(secretToken)
	b2, _ := json.Marshal(r1)
	if string(b1) != string(b2) {
		t.Errorf("Redact is not idempotent")
	}
	// Credentials the caller did not name are still caught in free text.
	r2 := fixtureRun()
	r2.Target.Logs = `GET /Users "Authorization": ["Bearer eyJhbGciOi.J9x_y-z"] basic Zm9vOmJhcg== Bearer authentication required`
	r2.Target.BaseURL = "https://u:hunter22@127.0.0.1/scim/v2"
	r2.Redact()
	if want := `GET /Users "Authorization": ["Bearer [REDACTED]"] basic [REDACTED] Bearer authentication required`; r2.Target.Logs != want {
		t.Errorf("free-text credentials:\n got %s\nwant %s", r2.Target.Logs, want)
	}
	if strings.Contains(r2.Target.BaseURL, "hunter22") {
		t.Errorf("BaseURL keeps its password: %s", r2.Target.BaseURL)
	}
	var nilRun *Run
	nilRun.Redact("x") // must not panic
}

func TestBase64CoreFindsSecretAtAnyOffset(t *testing.T) {
	x := newRedactor([]string{secretBasicPW})
	for _, prefix := range []string{"", "u:", "us:", "use:", "client-id:"} {
		enc := base64.StdEncoding.EncodeToString([]byte(prefix + secretBasicPW + "!tail"))
		if x.text(enc) == enc {
			t.Errorf("base64 of %q is not redacted", prefix+secretBasicPW)
		}
	}
}

// TestRedactURLPasswordInText: a URL with a password quoted in a message
// loses the password, not the rest.
func TestRedactURLPasswordInText(t *testing.T) {
	got := RedactText("pre-flight: cannot reach https://okta:s3cret-pass@app.example.com/scim/v2: refused")
	if strings.Contains(got, "s3cret-pass") || !strings.Contains(got, "https://okta:"+Redacted+"@app.example.com/scim/v2: refused") {
		t.Errorf("RedactText = %q", got)
	}
	if keep := "mail ada@example.com, see https://example.com/a@b"; RedactText(keep) != keep {
		t.Errorf("text without user-info changed: %q", RedactText(keep))
	}
}
