package reports

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current writers")

// checkGolden compares got with testdata/name.golden, or rewrites the file
// when -update is given.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("update %s: %v", path, err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s (run go test ./reports -update to create it): %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test ./reports -update after checking the change):\n%s", name, firstDiff(string(want), string(got)))
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	wl, gl := bytes.Split([]byte(want), []byte("\n")), bytes.Split([]byte(got), []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return "line " + strconv.Itoa(i+1) + ":\nwant: " + string(w) + "\ngot:  " + string(g)
		}
	}
	return "(same lines, different bytes)"
}

func TestGoldenWriters(t *testing.T) {
	writers := []struct {
		name  string
		write func(io.Writer, *Run) error
	}{
		{"results.json", WriteJSON},
		{"junit.xml", WriteJUnit},
		{"cucumber.json", WriteCucumber},
		{"report.html", WriteHTML},
		{"summary.md", WriteMarkdown},
		{"transcript.har", WriteHAR},
		{"terminal.txt", func(w io.Writer, r *Run) error {
			WriteTerminalSummary(w, r, "/tmp/out/report.html")
			return nil
		}},
	}
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := w.write(&buf, fixtureRun()); err != nil {
				t.Fatalf("write %s: %v", w.name, err)
			}
			checkGolden(t, w.name, buf.Bytes())
			// Writing twice gives the same bytes: no map order or clock leaks in.
			var again bytes.Buffer
			if err := w.write(&again, fixtureRun()); err != nil {
				t.Fatalf("write %s again: %v", w.name, err)
			}
			if !bytes.Equal(buf.Bytes(), again.Bytes()) {
				t.Errorf("%s is not deterministic", w.name)
			}
		})
	}
}
