package load

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scimconform/scimconform/reports"
)

// loadHarnessFields are the Result string fields the harness writes itself
// (constants and the user's choices); every other string is text the
// target or the transport produced and must be redacted.
var loadHarnessFields = map[string]bool{
	"Result.Profile": true, "Result.Ops": true, "Result.Verdict": true, "Result.RunReport": true,
	"Result.Phases.Name": true,
}

// fillStrings sets every string (and string slice element) reachable from
// v to text, recording each field path in paths.
func fillStrings(v reflect.Value, path, text string, paths map[string]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		fillStrings(v.Elem(), path, text, paths)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fillStrings(v.Field(i), path+"."+v.Type().Field(i).Name, text, paths)
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		}
		for i := 0; i < v.Len(); i++ {
			fillStrings(v.Index(i), path, text, paths)
		}
	case reflect.String:
		paths[path] = true
		if !loadHarnessFields[path] {
			v.SetString(text)
		}
	}
}

// TestRedactCoversEveryString: with every target-produced string of a
// Result holding a secret (the token, a URL password), load.json and
// load.html written from Redact's copy hold neither; the harness-authored
// fields are listed, so a new string field must be classified here.
func TestRedactCoversEveryString(t *testing.T) {
	const token = "load-secret-token-0123456789abcdef"
	const text = "http://admin:hunter2-password@127.0.0.1:1/scim/v2?access_token=" + token + " said Bearer " + token
	res := &Result{}
	paths := map[string]bool{}
	fillStrings(reflect.ValueOf(res).Elem(), "Result", text, paths)
	for p := range loadHarnessFields {
		if !paths[p] {
			t.Errorf("harness field %s does not exist any more; update loadHarnessFields", p)
		}
	}
	dir := t.TempDir()
	if _, err := WriteReports(dir, Redact(res, token)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{JSONFile, HTMLFile} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{token, "hunter2-password"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s holds %q", f, secret)
			}
		}
	}
	if !strings.Contains(res.Target, token) {
		t.Errorf("Redact modified the result it was given")
	}
}

// TestLoadHTMLLinksRunReport: load.html links to report.html when a
// conformance run wrote one into the same directory, and not otherwise.
func TestLoadHTMLLinksRunReport(t *testing.T) {
	for _, withRun := range []bool{true, false} {
		dir := t.TempDir()
		if withRun {
			if err := os.WriteFile(filepath.Join(dir, reports.FileHTML), []byte("<html></html>"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		res := &Result{Verdict: VerdictPass}
		if _, err := WriteReports(dir, res); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, HTMLFile))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(b), `<a href="report.html">`); got != withRun {
			t.Errorf("report.html present %v: load.html links it %v", withRun, got)
		}
		if res.RunReport != "" {
			t.Errorf("WriteReports modified the result it was given")
		}
		j, _ := os.ReadFile(filepath.Join(dir, JSONFile))
		if strings.Contains(string(j), "report.html") {
			t.Errorf("load.json carries the link")
		}
	}
}
