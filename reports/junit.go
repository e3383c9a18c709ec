package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// junitBodyLimit caps each body quoted in a JUnit failure, so junit.xml
// stays small enough for CI systems that load it whole.
const junitBodyLimit = 2048

// junitMaxExchanges is how many exchanges of the failing step a JUnit
// failure quotes (the last ones, nearest the failure).
const junitMaxExchanges = 3

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	File       string          `xml:"file,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// WriteJUnit writes r as JUnit XML: one <testsuite> per feature, in
// catalogue order, and one <testcase classname="feature" name="ID title">
// per scenario, in the order the other reports list them (failures first,
// required before optional, then catalogue order; file and line keep the
// catalogue position). A failed or
// errored scenario gets <failure message="..." type="fail|error"> whose text
// holds the "How to fix" hint (Scenario.Fix) of a failure, the failing step, expected vs actual and a transcript excerpt of
// that step's exchanges; a skipped one gets <skipped message="reason"/>, a
// not-in-scope one <skipped message="not in scope: ..."/>, a waived one
// <skipped message="waived until ...: reason; failure: ..."/>. Every suite
// carries the run's verdict (property scimconform.verdict, the text of
// Totals.VerdictText), one scope.<capability> property per capability and
// one waiver.stale.N property per stale waiver, and scimconform.partial
// (Run.PartialNote) when the run stopped early.
// Times are in seconds and never negative. The "failures" and "errors"
// attributes count fail and error scenarios separately, so that tests =
// passed + failures + errors + skipped.
func WriteJUnit(w io.Writer, r *Run) error {
	if r == nil {
		return fmt.Errorf("write junit.xml: nil run")
	}
	doc := junitSuites{Name: r.Tool.Name}
	if doc.Name == "" {
		doc.Name = "scimconform"
	}
	props := []junitProperty{
		{"scimconform.version", r.Tool.Version},
		{"scimconform.catalogVersion", r.CatalogVersion},
		{"target.baseUrl", r.Target.BaseURL},
		{"target.authMode", r.Target.AuthMode},
		{"target.profile", r.Target.Profile},
	}
	if r.Partial {
		props = append(props, junitProperty{"scimconform.partial", r.PartialNote()})
	}
	for i, c := range r.RootCauses {
		props = append(props, junitProperty{fmt.Sprintf("rootCause.%d", i+1), c.Text() + ": " + strings.Join(c.Scenarios, " ")})
	}
	for i, sw := range r.StaleWaivers {
		props = append(props, junitProperty{fmt.Sprintf("waiver.stale.%d", i+1), staleText(sw)})
	}
	if r.Target.Image != "" {
		props = append(props, junitProperty{"target.image", r.Target.Image})
	}
	t := r.totals()
	props = append(props, junitProperty{"scimconform.verdict", t.VerdictText()})
	for _, c := range r.Scope {
		state := "in scope: "
		if !c.Declared {
			state = "not in scope: "
		}
		props = append(props, junitProperty{"scope." + c.Name, state + capabilityNote(c)})
	}
	var total float64
	for _, f := range r.Features {
		s := junitSuite{Name: f.Name, File: f.URI, Properties: props}
		if !r.StartedAt.IsZero() {
			s.Timestamp = r.StartedAt.UTC().Format("2006-01-02T15:04:05")
		}
		var suiteTime float64
		for _, sc := range f.orderedScenarios() {
			secs := nonNegSeconds(sc.DurationMS)
			suiteTime += secs
			c := junitCase{
				Classname: f.Name,
				Name:      strings.TrimSpace(sc.ID + " " + sc.Title),
				Time:      junitSeconds(secs),
				File:      f.URI,
				Line:      sc.Line,
			}
			s.Tests++
			switch sc.Status {
			case StatusPass:
			case StatusSkip:
				s.Skipped++
				c.Skipped = &junitSkipped{Message: oneLine(sc.Reason)}
			case StatusWaived:
				// A known failure: shown, with its waiver, without
				// failing the CI job (the verdict does not count it).
				s.Skipped++
				c.Skipped = &junitSkipped{Message: waiverText(sc.Waiver) + "; failure: " + oneLineReason(sc, 400)}
			case StatusNotInScope:
				// CI tools show a skipped test with its message; the
				// message says which flag would bring it into scope.
				s.Skipped++
				c.Skipped = &junitSkipped{Message: "not in scope: " + oneLine(nonEmpty(sc.Reason, "capability not declared"))}
			default:
				// Counts are disjoint, as Ant's formatter writes them
				// (tests = passed + failures + errors + skipped), while
				// both statuses use <failure> with a type attribute.
				typ := "fail"
				if sc.Status == StatusFail {
					s.Failures++
				} else {
					typ = "error"
					s.Errors++
				}
				c.Failure = &junitFailure{
					Message: strings.TrimSpace(regressionMark(sc) + " " + blockedPrefix(sc) + oneLineReason(sc, 500)),
					Type:    typ,
					Text:    xmlSafe(junitFailureText(sc)),
				}
			}
			s.Cases = append(s.Cases, c)
		}
		s.Time = junitSeconds(suiteTime)
		total += suiteTime
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
		doc.Suites = append(doc.Suites, s)
	}
	doc.Time = junitSeconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit.xml: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write junit.xml: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write junit.xml: %w", err)
	}
	return nil
}

func junitSeconds(s float64) string {
	if s < 0 || s != s {
		s = 0
	}
	return strconv.FormatFloat(s, 'f', 3, 64)
}

// junitFailureText is the body of a <failure>: the scenario's reason, the
// catalogue's "How to fix" hint for a failure at its own checks, its steps with
// their statuses, the failing step's expected vs actual, and the last
// exchanges of the failing step.
func junitFailureText(sc *Scenario) string {
	var b strings.Builder
	if sc.Reason != "" {
		fmt.Fprintf(&b, "%s\n\n", sc.Reason)
	}
	if fix := sc.fixHint(); fix != "" {
		fmt.Fprintf(&b, "How to fix: %s\n\n", fix)
	}
	for i := range sc.Steps {
		st := &sc.Steps[i]
		fmt.Fprintf(&b, "%-5s %s %s\n", strings.ToUpper(string(st.Status)), strings.TrimSpace(st.Keyword), st.Text)
	}
	st := failingStep(sc)
	if st == nil {
		return strings.TrimRight(b.String(), "\n")
	}
	fmt.Fprintf(&b, "\nFailing step: %s %s", strings.TrimSpace(st.Keyword), st.Text)
	if st.Line > 0 {
		fmt.Fprintf(&b, " (line %d)", st.Line)
	}
	b.WriteString("\n")
	if f := st.Failure; f != nil {
		if f.Message != "" {
			fmt.Fprintf(&b, "%s\n", f.Message)
		}
		if f.Expected != "" || f.Actual != "" {
			fmt.Fprintf(&b, "Expected: %s\nActual:   %s\n", f.Expected, f.Actual)
		}
	} else if st.Reason != "" {
		fmt.Fprintf(&b, "%s\n", st.Reason)
	}
	exs := st.Exchanges
	if len(exs) > junitMaxExchanges {
		fmt.Fprintf(&b, "\n(%d earlier exchanges of this step omitted; see report.html)\n", len(exs)-junitMaxExchanges)
		exs = exs[len(exs)-junitMaxExchanges:]
	}
	for i := range exs {
		fmt.Fprintf(&b, "\n--- %s\n%s", exchangeLabel(&exs[i]), exchangeText(&exs[i], junitBodyLimit))
	}
	return strings.TrimRight(b.String(), "\n")
}

// xmlSafe replaces characters XML 1.0 cannot carry (control characters in
// a hostile body, say) with U+FFFD. The encoder escapes attributes and text
// itself, but writes CDATA as given.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return '\uFFFD'
		}
		return r
	}, s)
}
