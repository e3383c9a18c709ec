package reports

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// The Cucumber JSON shapes, field for field as godog's cucumber formatter
// (internal/formatters/fmt_cucumber.go, godog v0.16.0) writes them.
type cukeFeature struct {
	URI         string        `json:"uri"`
	ID          string        `json:"id"`
	Keyword     string        `json:"keyword"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Line        int           `json:"line"`
	Tags        []cukeTag     `json:"tags,omitempty"`
	Elements    []cukeElement `json:"elements,omitempty"`
}

type cukeTag struct {
	Name string `json:"name"`
	Line int    `json:"line"`
}

type cukeElement struct {
	ID          string     `json:"id"`
	Keyword     string     `json:"keyword"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Line        int        `json:"line"`
	Type        string     `json:"type"`
	Tags        []cukeTag  `json:"tags,omitempty"`
	Steps       []cukeStep `json:"steps,omitempty"`
}

type cukeStep struct {
	Keyword    string          `json:"keyword"`
	Name       string          `json:"name"`
	Line       int             `json:"line"`
	Match      cukeMatch       `json:"match"`
	Result     cukeResult      `json:"result"`
	Embeddings []cukeEmbedding `json:"embeddings,omitempty"`
}

type cukeMatch struct {
	Location string `json:"location"`
}

type cukeResult struct {
	Status   string `json:"status"`
	Error    string `json:"error_message,omitempty"`
	Duration *int64 `json:"duration,omitempty"`
}

type cukeEmbedding struct {
	Name     string `json:"name"`
	MimeType string `json:"mime_type"`
	Data     string `json:"data"`
}

// WriteCucumber writes r as Cucumber JSON in the shape of godog's cucumber
// formatter: an array of features, in catalogue order, with elements of
// type "scenario" in the order the other reports list them (failures
// first, required before optional, then catalogue order; line keeps the
// catalogue position), each
// with tags (the feature's, then the scenario's) and steps whose result has
// a status (passed, failed, skipped, undefined), a duration in nanoseconds
// (omitted for skipped steps, as godog does) and an error_message. A harness
// error is reported as "failed" with an error_message starting "harness
// error:", since Cucumber has no error status. Each HTTP exchange of a step
// is an embedding with mime_type text/plain and base64 data. Cucumber has no
// scenario-level reason, so a skipped scenario's reason becomes its
// description; a not-in-scope scenario is skipped with the description
// "not in scope: <reason>"; a failure at the scenario's own checks has
// "How to fix: <hint>" (Scenario.Fix) in its description; a waived scenario has its waiver as the
// description and its failed step as "skipped" (the error message keeps
// the failure). Cucumber has no run level either, so every feature's
// description carries the run's verdict (Totals.VerdictText), scope and
// stale waivers.
func WriteCucumber(w io.Writer, r *Run) error {
	if r == nil {
		return fmt.Errorf("write cucumber.json: nil run")
	}
	out := make([]cukeFeature, 0, len(r.Features))
	runNote := "scimconform verdict: " + r.totals().VerdictText()
	if n := r.PartialNote(); n != "" {
		runNote += "\n" + n
	}
	if sl := r.scopeLine(); sl != "" {
		runNote += "\nscope: " + sl
	}
	if len(r.RootCauses) > 0 {
		runNote += "\n" + rootCausesHeading(r) + ":"
		for _, c := range r.RootCauses {
			runNote += "\n  " + c.Text() + ": " + strings.Join(c.Scenarios, " ")
		}
	}
	for _, sw := range r.StaleWaivers {
		runNote += "\n" + staleText(sw)
	}
	for _, f := range r.Features {
		cf := cukeFeature{
			URI:         f.URI,
			ID:          cukeID(f.Name),
			Keyword:     "Feature",
			Name:        f.Name,
			Description: runNote,
			Line:        1,
		}
		for _, t := range f.Tags {
			cf.Tags = append(cf.Tags, cukeTag{Name: t})
		}
		for _, sc := range f.orderedScenarios() {
			el := cukeElement{
				ID:      cf.ID + ";" + cukeID(sc.Title),
				Keyword: "Scenario",
				Name:    sc.Title,
				Line:    sc.Line,
				Type:    "scenario",
				Tags:    append([]cukeTag(nil), cf.Tags...),
			}
			switch {
			case sc.Status == StatusNotInScope:
				el.Description = "not in scope: " + sc.Reason
			case sc.Status == StatusWaived:
				el.Description = waiverText(sc.Waiver)
			case sc.BlockedBy != "":
				el.Description = "blocked by " + sc.BlockedBy
			case sc.Status == StatusSkip || len(sc.Steps) == 0:
				el.Description = sc.Reason
			}
			if fix := sc.fixHint(); fix != "" {
				el.Description = strings.TrimLeft(el.Description+"\nHow to fix: "+fix, "\n")
			}
			for _, t := range sc.Tags {
				el.Tags = append(el.Tags, cukeTag{Name: t, Line: sc.Line - 1})
			}
			for j := range sc.Steps {
				el.Steps = append(el.Steps, cukeStepOf(f.URI, sc, &sc.Steps[j]))
			}
			cf.Elements = append(cf.Elements, el)
		}
		out = append(out, cf)
	}
	b, err := json.MarshalIndent(out, "", "    ")
	if err != nil {
		return fmt.Errorf("write cucumber.json: %w", err)
	}
	if _, err := fmt.Fprintf(w, "%s\n", b); err != nil {
		return fmt.Errorf("write cucumber.json: %w", err)
	}
	return nil
}

func cukeStepOf(uri string, sc *Scenario, st *Step) cukeStep {
	kw := st.Keyword
	if !strings.HasSuffix(kw, " ") {
		kw += " "
	}
	cs := cukeStep{
		Keyword: kw,
		Name:    st.Text,
		Line:    st.Line,
		Match:   cukeMatch{Location: fmt.Sprintf("%s:%d", uri, st.Line)},
	}
	switch st.Status {
	case StatusPass:
		cs.Result.Status = "passed"
	case StatusFail:
		cs.Result.Status = "failed"
		cs.Result.Error = stepErrorMessage(st)
		if sc.Status == StatusWaived {
			// Cucumber has no waived status; a failed step would fail
			// the consumer's build for a failure the verdict accepts.
			cs.Result.Status = "skipped"
			cs.Result.Error = waiverText(sc.Waiver) + "\n" + cs.Result.Error
		}
	case StatusNotInScope:
		cs.Result.Status = "skipped"
	case StatusSkip:
		cs.Result.Status = "skipped"
		if strings.Contains(strings.ToLower(st.Reason), "undefined") {
			cs.Result.Status = "undefined"
		}
	default:
		cs.Result.Status = "failed"
		cs.Result.Error = "harness error: " + stepErrorMessage(st)
	}
	if st.Status != StatusSkip && st.Status != StatusNotInScope {
		d := int64(st.DurationMS * 1e6)
		if d < 0 {
			d = 0
		}
		cs.Result.Duration = &d
	}
	for i := range st.Exchanges {
		ex := &st.Exchanges[i]
		cs.Embeddings = append(cs.Embeddings, cukeEmbedding{
			Name:     exchangeLabel(ex),
			MimeType: "text/plain",
			Data:     base64.StdEncoding.EncodeToString([]byte(exchangeText(ex, 0))),
		})
	}
	return cs
}

// stepErrorMessage is the failure of a step as one text: the message, then
// expected and actual on their own lines.
func stepErrorMessage(st *Step) string {
	f := st.Failure
	if f == nil {
		return st.Reason
	}
	msg := f.Message
	if f.Expected != "" || f.Actual != "" {
		msg += "\nexpected: " + f.Expected + "\nactual:   " + f.Actual
	}
	return strings.TrimSpace(msg)
}

// cukeID is godog's makeCukeID: lower case, spaces as dashes.
func cukeID(name string) string { return strings.ReplaceAll(strings.ToLower(name), " ", "-") }
