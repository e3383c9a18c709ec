package reports

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stoppedHostileRun is fixtureRun stopped early, with server text full of
// control sequences in its failing scenario and a response body cut at
// capture.
func stoppedHostileRun() *Run {
	r := fixtureRun()
	r.Partial, r.StopReason = true, "not run (interrupted)"
	sc := &r.Features[0].Scenarios[1]
	sc.Reason = "the app answered \x1b[2J\x1b]0;pwned\x07 \x00 rewritten\r"
	for i := range sc.Steps {
		if sc.Steps[i].Failure != nil {
			sc.Steps[i].Failure.Message = sc.Reason
		}
		for j := range sc.Steps[i].Exchanges {
			ex := &sc.Steps[i].Exchanges[j]
			ex.ResponseBody = "\x1b[31mred\x1b[0m\x00\u202e" + strings.Repeat("x", 100)
			ex.ResponseHeaders.Set("X-Evil", "\x1b]8;;http://evil\x07link")
			ex.Truncated, ex.BodySize, ex.BodyDigest = true, 209715200, "sha256:"+strings.Repeat("ab", 32)
		}
	}
	return r
}

func TestPartialRunInEveryFormat(t *testing.T) {
	dir := t.TempDir()
	files, err := WriteAll(dir, stoppedHostileRun())
	if err != nil {
		t.Fatal(err)
	}
	note := "Partial run: not run (interrupted)"
	for _, p := range files.Paths() {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if strings.HasSuffix(p, "cucumber.json") {
			// The note is in every feature's description, JSON-escaped.
			var feats []struct{ Description string }
			if err := json.Unmarshal(b, &feats); err != nil || len(feats) == 0 {
				t.Fatalf("cucumber.json: %v", err)
			}
			text = feats[0].Description
		}
		if strings.HasSuffix(p, "results.json") {
			if !strings.Contains(text, `"partial": true`) && !strings.Contains(text, `"partial":true`) {
				t.Errorf("%s: no partial field", filepath.Base(p))
			}
			continue
		}
		if !strings.Contains(text, note) {
			t.Errorf("%s does not say the run is partial (%q)", filepath.Base(p), note)
		}
	}
	var term bytes.Buffer
	WriteTerminalSummary(&term, stoppedHostileRun(), "")
	if !strings.Contains(term.String(), note) {
		t.Errorf("terminal summary does not say the run is partial:\n%s", term.String())
	}
}

func TestTerminalAndMarkdownEscapeServerText(t *testing.T) {
	// Without root causes, the failing scenario's own reason and exchange
	// are shown.
	r := stoppedHostileRun()
	r.RootCauses = nil
	for i := range r.Features[0].Scenarios {
		r.Features[0].Scenarios[i].BlockedBy = ""
	}
	var term, md bytes.Buffer
	WriteTerminalSummary(&term, r, "")
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"terminal": term.String(), "summary.md": md.String()} {
		for _, bad := range []string{"\x1b", "\x00", "\x07", "\r", "\u202e"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s prints %q raw", name, bad)
			}
		}
		if !strings.Contains(out, `\x1b`) || !strings.Contains(out, "pwned") {
			t.Errorf("%s does not show the escaped sequence:\n%s", name, out)
		}
	}
	if !strings.Contains(term.String(), "209715200 bytes received") {
		t.Errorf("terminal does not give the real size of the cut body:\n%s", term.String())
	}
}

func TestCutBodyRealSize(t *testing.T) {
	r := stoppedHostileRun()
	var har bytes.Buffer
	if err := WriteHAR(&har, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Log struct {
			Entries []struct {
				Response struct {
					BodySize int
					Content  struct {
						Size    int
						Text    string
						Comment string
					}
				}
			}
		}
	}
	if err := json.Unmarshal(har.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range doc.Log.Entries {
		c := e.Response.Content
		if c.Size == 209715200 {
			found = true
			if len(c.Text) >= c.Size || !strings.Contains(c.Comment, "sha256:abab") || e.Response.BodySize != c.Size {
				t.Errorf("cut entry: size %d, text %d bytes, bodySize %d, comment %q", c.Size, len(c.Text), e.Response.BodySize, c.Comment)
			}
		} else if c.Size != len(c.Text) {
			t.Errorf("whole body: content.size %d, text %d bytes", c.Size, len(c.Text))
		}
	}
	if !found {
		t.Error("no HAR entry has the real size of the cut body")
	}
	// report.html embeds the exchanges gzip-compressed in base64.
	p, err := buildHTMLPage(r)
	if err != nil {
		t.Fatal(err)
	}
	z, err := base64.StdEncoding.DecodeString(strings.Trim(string(p.Data), `"`))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "209715200 bytes received") {
		t.Error("report.html does not note the real size of the cut body")
	}
	ex := Exchange{ResponseBody: "abc"}
	if n := ex.CutNote(); n != "" {
		t.Errorf("whole body: CutNote %q", n)
	}
}

func TestSafeText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain\ttext\nline", "plain\ttext\nline"},
		{"\x1b[31mred", `\x1b[31mred`},
		{"nul\x00cr\r", `nul\x00cr\x0d`},
		{"osc\x1b]0;t\x07", `osc\x1b]0;t\x07`},
		{"c1\u009b", `c1\u009b`},
		{"bidi\u202e", `bidi\u202e`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"héllo ✓", "héllo ✓"},
	} {
		if got := SafeText(tc.in); got != tc.want {
			t.Errorf("SafeText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPrepareOutDir(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "a", "b")
	if err := PrepareOutDir(dir); err != nil {
		t.Fatalf("PrepareOutDir(new nested dir): %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("PrepareOutDir left %v behind", entries)
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := PrepareOutDir(filepath.Join(file, "out")); err == nil || !strings.Contains(err.Error(), "cannot create the report folder") {
		t.Errorf("PrepareOutDir under a file: %v", err)
	}
	if os.Geteuid() == 0 {
		t.Skip("root writes in read-only directories")
	}
	ro := filepath.Join(base, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	if err := PrepareOutDir(ro); err == nil || !strings.Contains(err.Error(), "cannot write in the report folder") {
		t.Errorf("PrepareOutDir(read-only): %v", err)
	}
}
