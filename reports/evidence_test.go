package reports

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sort"
	"strings"
	"testing"
)

// TestEvidenceArchive: the archive holds the four reports, the catalogue
// version and a manifest whose sums match; no file holds the token the
// run saw (in a header, a body, a URL and a message); the same run gives
// the same bytes.
func TestEvidenceArchive(t *testing.T) {
	const tok = "evidence-secret-token-0123456789"
	r := fixtureRun()
	ex := &r.Features[0].Scenarios[0].Steps[1].Exchanges[0]
	ex.RequestHeaders.Set("Authorization", "Bearer "+tok)
	ex.ResponseBody = `{"echo":"` + tok + `"}`
	ex.URL += "?access_token=" + tok
	r.Features[0].Scenarios[1].Steps[1].Failure.Message += " token " + tok
	r.Redact(tok)
	r.ComputeTotals()
	var a, b bytes.Buffer
	if err := WriteEvidence(&a, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteEvidence(&b, r); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two archives of one run differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = body
		names = append(names, f.Name)
		if bytes.Contains(body, []byte(tok)) {
			t.Errorf("%s holds the token", f.Name)
		}
	}
	sort.Strings(names)
	if got := strings.Join(names, " "); got != "SHA256SUMS catalog-version.txt junit.xml report.html results.json transcript.har" {
		t.Fatalf("archive holds %s", got)
	}
	if !strings.Contains(string(files[EvidenceCatalog]), "catalogVersion: "+r.CatalogVersion) {
		t.Errorf("catalog-version.txt: %s", files[EvidenceCatalog])
	}
	lines := strings.Split(strings.TrimSpace(string(files[EvidenceManifest])), "\n")
	if len(lines) != 5 {
		t.Fatalf("manifest: %s", files[EvidenceManifest])
	}
	for _, l := range lines {
		sum, name, ok := strings.Cut(l, "  ")
		h := sha256.Sum256(files[name])
		if !ok || sum != hex.EncodeToString(h[:]) {
			t.Errorf("manifest line %q does not match %s", l, name)
		}
	}
	// The zip's raw bytes (deflated) must not hide the token either.
	if bytes.Contains(a.Bytes(), []byte(tok)) {
		t.Error("the archive bytes hold the token")
	}
}
