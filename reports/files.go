package reports

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Format names one output format of WriteFormats and the CLI's --format.
type Format string

// The formats and the file each one writes in the output directory.
const (
	FormatJSON     Format = "json"     // results.json
	FormatJUnit    Format = "junit"    // junit.xml
	FormatCucumber Format = "cucumber" // cucumber.json
	FormatHTML     Format = "html"     // report.html
	FormatMarkdown Format = "md"       // summary.md
	FormatHAR      Format = "har"      // transcript.har
)

// formatSpec is one row of the format registry: everything the package
// knows about a format, in one place.
type formatSpec struct {
	format Format
	file   string
	write  func(io.Writer, *Run) error
	field  func(*Files) *string
}

// formatTable is the format registry, in the order WriteAll writes them.
var formatTable = []formatSpec{
	{FormatJSON, FileJSON, WriteJSON, func(f *Files) *string { return &f.JSON }},
	{FormatJUnit, FileJUnit, WriteJUnit, func(f *Files) *string { return &f.JUnit }},
	{FormatCucumber, FileCucumber, WriteCucumber, func(f *Files) *string { return &f.Cucumber }},
	{FormatHTML, FileHTML, WriteHTML, func(f *Files) *string { return &f.HTML }},
	{FormatMarkdown, FileMarkdown, WriteMarkdown, func(f *Files) *string { return &f.Markdown }},
	{FormatHAR, FileHAR, WriteHAR, func(f *Files) *string { return &f.HAR }},
}

// AllFormats lists every format in the order WriteAll writes them.
var AllFormats = func() []Format {
	out := make([]Format, len(formatTable))
	for i, s := range formatTable {
		out[i] = s.format
	}
	return out
}()

// File names written into the output directory.
const (
	FileJSON     = "results.json"
	FileJUnit    = "junit.xml"
	FileCucumber = "cucumber.json"
	FileHTML     = "report.html"
	FileMarkdown = "summary.md"
	FileHAR      = "transcript.har"
	// FileLoadHTML is the load report of `scimconform load` (not a format
	// of this package): report.html and summary.md link to it when it is
	// in the same output directory.
	FileLoadHTML = "load.html"
)

// Files holds the paths WriteAll and WriteFormats wrote; a field is empty
// when its format was not requested or could not be written.
type Files struct {
	Dir      string
	JSON     string
	JUnit    string
	Cucumber string
	HTML     string
	Markdown string
	HAR      string
}

// Paths returns the non-empty file paths in f, in AllFormats order.
func (f Files) Paths() []string {
	var out []string
	for _, s := range formatTable {
		if p := *s.field(&f); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func specOf(f Format) (formatSpec, bool) {
	for _, s := range formatTable {
		if s.format == f {
			return s, true
		}
	}
	return formatSpec{}, false
}

// ParseFormats parses a --format value: "all", or a comma-separated list
// of json, junit, cucumber, html, md (or markdown) and har. Duplicates are
// dropped; an unknown name is an error that lists the valid ones.
func ParseFormats(s string) ([]Format, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "all") {
		return append([]Format(nil), AllFormats...), nil
	}
	seen := map[Format]bool{}
	var out []Format
	for _, part := range strings.Split(s, ",") {
		name := Format(strings.ToLower(strings.TrimSpace(part)))
		if name == "markdown" {
			name = FormatMarkdown
		}
		if name == "" {
			continue
		}
		if _, ok := specOf(name); !ok {
			var valid []string
			for _, s := range formatTable {
				valid = append(valid, string(s.format))
			}
			return nil, fmt.Errorf("unknown report format %q (want all or a comma-separated list of %s)", part, strings.Join(valid, ", "))
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no report format in %q", s)
	}
	return out, nil
}

// WriteAll creates dir (and its parents) and writes every format into it:
// results.json, junit.xml, cucumber.json, report.html, summary.md and
// transcript.har. It writes r as given: it neither redacts (call Redact
// first) nor recomputes totals (call ComputeTotals first). It is
// WriteFormats with AllFormats.
func WriteAll(dir string, r *Run) (Files, error) {
	return WriteFormats(dir, r, AllFormats...)
}

// WriteFormats creates dir and writes the given formats into it. A format
// that fails does not stop the others: the error returned joins every
// failure, each wrapped with its file path, and Files names only the files
// written completely. Each file is written to a temporary name and renamed,
// so a reader never sees half a report. A panic in a writer is returned as
// an error. Files of other formats already in dir are left alone; see
// ReplaceReports for an output directory that must hold one run only.
// When dir holds a load report (FileLoadHTML), report.html and summary.md
// link to it (Run.LoadReport); r itself is not modified.
func WriteFormats(dir string, r *Run, formats ...Format) (Files, error) {
	files := Files{Dir: dir}
	if r == nil {
		return files, fmt.Errorf("write reports to %s: nil run", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return files, fmt.Errorf("write reports: create %s: %w", dir, err)
	}
	r = linkLoadReport(dir, r)
	var errs []error
	for _, f := range formats {
		spec, ok := specOf(f)
		if !ok {
			errs = append(errs, fmt.Errorf("write reports: unknown format %q", f))
			continue
		}
		path := filepath.Join(dir, spec.file)
		if err := writeFile(path, r, spec.write); err != nil {
			errs = append(errs, err)
			continue
		}
		*spec.field(&files) = path
	}
	return files, errors.Join(errs...)
}

// linkLoadReport returns r, or a shallow copy of it with LoadReport set
// when dir holds FileLoadHTML. A LoadReport r already has is kept (the
// staging directory of ReplaceReports holds no load report).
func linkLoadReport(dir string, r *Run) *Run {
	if r.LoadReport != "" {
		return r
	}
	if st, err := os.Stat(filepath.Join(dir, FileLoadHTML)); err != nil || !st.Mode().IsRegular() {
		return r
	}
	c := *r
	c.LoadReport = FileLoadHTML
	return &c
}

func writeFile(path string, r *Run, write func(io.Writer, *Run) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write %s: internal error: %v", path, p)
		}
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(bw, r); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
