package reports

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReportSizes writes every format for a 60-scenario run with full
// transcripts (10 exchanges per scenario, ~2 KB bodies each way) and logs
// the sizes; report.html must stay small enough to attach.
func TestReportSizes(t *testing.T) {
	r := bigRun(60, 10, 2048)
	dir := t.TempDir()
	start := time.Now()
	files, err := WriteAll(dir, r)
	if err != nil {
		t.Fatalf("WriteAll: %v", err)
	}
	t.Logf("wrote %d files for 60 scenarios / %d exchanges in %s", len(files.Paths()), countExchanges(r), time.Since(start).Round(time.Millisecond))
	limits := map[string]int64{FileHTML: 6 << 20, FileJSON: 6 << 20, FileMarkdown: 64 << 10, FileJUnit: 1 << 20}
	for _, p := range files.Paths() {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-15s %8.1f KiB", filepath.Base(p), float64(fi.Size())/1024)
		if lim, ok := limits[filepath.Base(p)]; ok && fi.Size() > lim {
			t.Errorf("%s is %d bytes, over the %d limit", filepath.Base(p), fi.Size(), lim)
		}
	}
}

func BenchmarkWriteAll60(b *testing.B) {
	r := bigRun(60, 10, 2048)
	dir := b.TempDir()
	for b.Loop() {
		if _, err := WriteAll(dir, r); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCurlCommand runs the generated command in a POSIX shell with curl
// replaced by a function that prints its arguments: hostile quotes and
// shell syntax must arrive as literal arguments, and the token placeholder
// must expand from the environment.
func TestCurlCommand(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	ex := Exchange{
		Method: "POST", URL: "http://127.0.0.1:8080/scim/v2/Users?x='$(id)'&y=`id`",
		RequestHeaders: http.Header{
			"Authorization":  {"Bearer [REDACTED]"},
			"Content-Type":   {"application/scim+json; charset=utf-8"},
			"Content-Length": {"99"},
			"X-Odd":          {`it's "$HOME" $(rm -rf /)`},
		},
		RequestBody: `{"userName":"o'brien@example.com","note":"$(touch /tmp/pwned) ` + "`x`" + `"}`,
	}
	cmd := CurlCommand(ex)
	if strings.Contains(cmd, "Content-Length") {
		t.Errorf("curl command copies Content-Length:\n%s", cmd)
	}
	script := "curl() { for a in \"$@\"; do printf '%s\\n---\\n' \"$a\"; done; }\n" + cmd + "\n"
	c := exec.Command(sh, "-c", script)
	c.Env = []string{"SCIMCONFORM_TOKEN=tok123", "PATH=/usr/bin:/bin"}
	out, err := c.Output()
	if err != nil {
		t.Fatalf("sh: %v\n%s", err, script)
	}
	args := strings.Split(strings.TrimSuffix(string(out), "\n---\n"), "\n---\n")
	want := []string{"-sS", "-X", "POST", ex.URL,
		"-H", "Authorization: Bearer tok123",
		"-H", "Content-Type: application/scim+json; charset=utf-8",
		"-H", `X-Odd: it's "$HOME" $(rm -rf /)`,
		"--data-raw", ex.RequestBody}
	if strings.Join(args, "\x00") != strings.Join(want, "\x00") {
		t.Errorf("curl arguments\n got %q\nwant %q", args, want)
	}
	// Header-mode credentials (no scheme) become the bare placeholder.
	ex.RequestHeaders = http.Header{"Authorization": {"[REDACTED]"}}
	if got := CurlCommand(ex); !strings.Contains(got, `-H "Authorization: $SCIMCONFORM_TOKEN"`) {
		t.Errorf("bare credential: %s", got)
	}
}

func TestSpecLink(t *testing.T) {
	tests := []struct{ in, href string }{
		{"RFC 7644 §3.4.2", "https://www.rfc-editor.org/rfc/rfc7644#section-3.4.2"},
		{"RFC7643 section 4.1.", "https://www.rfc-editor.org/rfc/rfc7643#section-4.1"},
		{"rfc 7644", "https://www.rfc-editor.org/rfc/rfc7644"},
		{"https://developer.okta.com/docs/x", "https://developer.okta.com/docs/x"},
		{"mockidp/okta/WIRE.md §6", ""},
		{"javascript:alert(1)", ""},
	}
	for _, tt := range tests {
		if got := specLink(tt.in); got.Href != tt.href || got.Text != strings.TrimSpace(tt.in) {
			t.Errorf("specLink(%q) = %+v, want href %q", tt.in, got, tt.href)
		}
	}
}

func TestHTMLEscapesHostileInput(t *testing.T) {
	r := fixtureRun()
	sc := &r.Features[0].Scenarios[1]
	sc.Title = `</script><script>alert(1)</script>`
	sc.ID = `X" onmouseover="alert(1)`
	sc.SpecRefs = append(sc.SpecRefs, "javascript:alert(1)")
	sc.Steps[1].Exchanges[0].ResponseBody = `</script><script>alert(2)</script><!--`
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, bad := range []string{"<script>alert(", `" onmouseover="`, `href="javascript:`, "<!--"} {
		if strings.Contains(html, bad) {
			t.Errorf("report.html contains unescaped %q", bad)
		}
	}
	// Exactly two script elements: the data and the code.
	if n := strings.Count(strings.ToLower(html), "<script"); n != 2 {
		t.Errorf("report.html has %d <script> tags, want 2", n)
	}
	if !strings.Contains(html, "Content-Security-Policy") || strings.Contains(html, "http-equiv=\"refresh\"") {
		t.Errorf("report.html lacks its CSP")
	}
	for _, ext := range []string{`src="http`, `href="http://fonts`, "@import", "url(http"} {
		if strings.Contains(html, ext) {
			t.Errorf("report.html loads something from the network: %q", ext)
		}
	}
}

func TestHARStructure(t *testing.T) {
	var buf bytes.Buffer
	r := fixtureRun()
	if err := WriteHAR(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc harDoc
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("transcript.har is not JSON: %v", err)
	}
	if doc.Log.Version != "1.2" || doc.Log.Creator.Name != "scimconform" {
		t.Errorf("log header %+v", doc.Log)
	}
	if len(doc.Log.Entries) != countExchanges(r) {
		t.Fatalf("%d entries, want %d", len(doc.Log.Entries), countExchanges(r))
	}
	pages := map[string]bool{}
	for _, p := range doc.Log.Pages {
		pages[p.ID] = true
	}
	for _, e := range doc.Log.Entries {
		if !pages[e.Pageref] {
			t.Errorf("entry %s %s has pageref %q with no page", e.Request.Method, e.Request.URL, e.Pageref)
		}
		if !strings.HasPrefix(e.Comment, e.Pageref+" step ") {
			t.Errorf("entry comment %q does not name its scenario and step", e.Comment)
		}
		if e.Time < 0 || e.Timings.Wait < 0 {
			t.Errorf("negative time in %+v", e)
		}
	}
	last := doc.Log.Entries[len(doc.Log.Entries)-1]
	if last.Response.Status != 0 || last.Error == "" {
		t.Errorf("no-response exchange: status %d, _error %q", last.Response.Status, last.Error)
	}
	first := doc.Log.Entries[0]
	if len(first.Request.QueryString) != 3 || first.Request.QueryString[0].Name != "count" {
		t.Errorf("query string %+v", first.Request.QueryString)
	}
}

func TestCucumberStructure(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCucumber(&buf, fixtureRun()); err != nil {
		t.Fatal(err)
	}
	var feats []cukeFeature
	if err := json.Unmarshal(buf.Bytes(), &feats); err != nil {
		t.Fatalf("cucumber.json: %v", err)
	}
	statuses := map[string][]string{}
	for _, f := range feats {
		for _, el := range f.Elements {
			if el.Type != "scenario" || !strings.HasPrefix(el.ID, f.ID+";") {
				t.Errorf("element %+v", el)
			}
			for _, st := range el.Steps {
				statuses[el.Name] = append(statuses[el.Name], st.Result.Status)
				if st.Result.Status == "skipped" && st.Result.Duration != nil {
					t.Errorf("skipped step has a duration")
				}
				if st.Result.Status == "failed" && st.Result.Error == "" {
					t.Errorf("failed step %q without error_message", st.Name)
				}
			}
		}
	}
	if got := strings.Join(statuses["Okta deactivates a user with a path-less PATCH"], ","); got != "passed,failed,skipped" {
		t.Errorf("USR-002 step statuses %s", got)
	}
	if got := strings.Join(statuses["The app rejects a request without a token"], ","); got != "failed" {
		t.Errorf("AUTH-001 step statuses %s", got)
	}
}

func TestWriteFormatsErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteAll(filepath.Join(file, "out"), fixtureRun()); err == nil || !strings.Contains(err.Error(), "not-a-dir") {
		t.Errorf("WriteAll under a file: %v", err)
	}
	if _, err := WriteAll(t.TempDir(), nil); err == nil {
		t.Errorf("WriteAll(nil) succeeded")
	}
	dir := t.TempDir()
	files, err := WriteFormats(dir, fixtureRun(), FormatJUnit, FormatMarkdown)
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 || files.JUnit == "" || files.Markdown == "" || files.HTML != "" {
		t.Errorf("WriteFormats(junit, md) wrote %v, files %+v", entries, files)
	}
	fs, err := ParseFormats(" JUnit,md,markdown,har ")
	if err != nil || len(fs) != 3 {
		t.Errorf("ParseFormats = %v, %v", fs, err)
	}
	if _, err := ParseFormats("json,pdf"); err == nil || !strings.Contains(err.Error(), `"pdf"`) {
		t.Errorf("ParseFormats(pdf) error %v", err)
	}
	if fs, _ := ParseFormats("all"); len(fs) != len(AllFormats) {
		t.Errorf("all = %v", fs)
	}
}

func TestWritersTolerateEmptyRun(t *testing.T) {
	for _, r := range []*Run{{}, {Features: []Feature{{Name: "Empty"}}}} {
		if _, err := WriteAll(t.TempDir(), r); err != nil {
			t.Errorf("WriteAll(empty run): %v", err)
		}
		var buf bytes.Buffer
		WriteTerminalSummary(&buf, r, "")
		if !strings.Contains(buf.String(), "0 scenarios") {
			t.Errorf("terminal summary of an empty run: %q", buf.String())
		}
	}
}
