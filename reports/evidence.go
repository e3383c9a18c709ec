package reports

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
)

// Files of the evidence archive besides the report formats.
const (
	EvidenceCatalog  = "catalog-version.txt"
	EvidenceManifest = "SHA256SUMS"
)

// WriteEvidence writes one zip archive a vendor can attach to an Okta
// submission: results.json, report.html, transcript.har, junit.xml, the
// catalogue and tool version (catalog-version.txt) and SHA256SUMS, a
// manifest in `sha256sum -c` format covering every other file. It writes r
// as given, like WriteAll: call Redact (and ComputeTotals) first, so no
// secret reaches the archive. Entries carry r.FinishedAt as their time, so
// the same run gives the same archive.
func WriteEvidence(w io.Writer, r *Run) error {
	if r == nil {
		return fmt.Errorf("write evidence: nil run")
	}
	type entry struct {
		name string
		body []byte
	}
	var entries []entry
	for _, f := range []Format{FormatJSON, FormatHTML, FormatHAR, FormatJUnit} {
		spec, _ := specOf(f)
		var b bytes.Buffer
		if err := spec.write(&b, r); err != nil {
			return fmt.Errorf("write evidence: %w", err)
		}
		entries = append(entries, entry{spec.file, b.Bytes()})
	}
	cat := fmt.Sprintf("catalogVersion: %s\ntool: %s %s\nschemaVersion: %s\n", r.CatalogVersion, nonEmpty(r.Tool.Name, "scimconform"), r.Tool.Version, nonEmpty(r.SchemaVersion, SchemaVersion))
	entries = append(entries, entry{EvidenceCatalog, []byte(cat)})
	var manifest strings.Builder
	for _, e := range entries {
		sum := sha256.Sum256(e.body)
		fmt.Fprintf(&manifest, "%s  %s\n", hex.EncodeToString(sum[:]), e.name)
	}
	entries = append(entries, entry{EvidenceManifest, []byte(manifest.String())})

	mod := r.FinishedAt
	if mod.IsZero() {
		mod = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	zw := zip.NewWriter(w)
	for _, e := range entries {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: mod})
		if err != nil {
			return fmt.Errorf("write evidence: %s: %w", e.name, err)
		}
		if _, err := fw.Write(e.body); err != nil {
			return fmt.Errorf("write evidence: %s: %w", e.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write evidence: %w", err)
	}
	return nil
}
