package reports

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"
)

//go:embed html/report.html.tmpl
var htmlTemplateText string

//go:embed html/report.css
var htmlCSS string

//go:embed html/report.js
var htmlJS string

var htmlTemplate = template.Must(template.New("report.html").Parse(htmlTemplateText))

// htmlCSP allows only the page's own inline style and script (by hash) and
// no network at all: report.html is opened from disk and holds hostile
// server text, so even a markup injection could neither run nor load.
var htmlCSP = "default-src 'none'; style-src '" + cspHash(htmlCSS) + "'; script-src '" + cspHash(htmlJS) +
	"'; img-src data:; base-uri 'none'; form-action 'none'"

func cspHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(h[:])
}

type htmlPage struct {
	Title, Tool, Verdict string
	Good                 bool
	Run                  *Run
	Totals               Totals
	Started, Finished    string
	Duration             string
	Groups               []htmlGroup
	StrictGrades         []StrictGrade
	AreaNames, TierNames []string
	Scenarios            []htmlScenario
	Stale                []string
	RootCauses           []htmlRootCause
	RootCausesHeading    string
	CSP                  string
	CSS                  template.CSS
	JS, Data             template.JS
}

type htmlRootCause struct {
	Text, Exchange string
	Scenarios      []string
}

type htmlGroup struct {
	ID, Title string
	Rows      []counts
}

type htmlScenario struct {
	ID, Title, Tier, Status, StatusLabel string
	// TierLabel is the tier as shown: with the declared capability that
	// makes the scenario required (Run.tierLabel). Tier stays the filter key.
	TierLabel          string
	Reason, FullReason string
	// Fix is the catalogue's how-to-fix hint for a failure at the
	// scenario's own checks (Scenario.fixHint); empty otherwise.
	Fix                         string
	Feature, URI                string
	Line                        int
	Areas                       []string
	AreasAttr, Search, Duration string
	Tags                        []string
	SpecRefs                    []htmlLink
	Steps                       []htmlStep
}

type htmlLink struct{ Text, Href string }

type htmlStep struct {
	Keyword, Text, Status, StatusLabel, Reason, Duration string
	Failure                                              *Failure
	Exchanges                                            []htmlExchange
}

type htmlExchange struct {
	Index                          int
	Method, Target, Code, Duration string
	Class                          int
}

// htmlExchangeData is one exchange in the page's embedded JSON; short keys
// keep a large report small. Each body appears once.
type htmlExchangeData struct {
	Method     string      `json:"m"`
	URL        string      `json:"u"`
	ReqHeaders [][2]string `json:"rh,omitempty"`
	ReqBody    string      `json:"rb,omitempty"`
	Status     int         `json:"s,omitempty"`
	StatusText string      `json:"st,omitempty"`
	ResHeaders [][2]string `json:"sh,omitempty"`
	ResBody    string      `json:"sb,omitempty"`
	Error      string      `json:"e,omitempty"`
	Truncated  bool        `json:"t,omitempty"`
	CutNote    string      `json:"tn,omitempty"`
	Duration   string      `json:"d"`
	Curl       string      `json:"curl"`
}

// WriteHTML writes report.html: one self-contained page (inline CSS and
// JavaScript, no network access, allowed by its Content-Security-Policy
// only to run its own script) that opens from disk. It shows the run's
// target and counts overall, per area and per tier (and the strict tier's
// grade per area, table#strict-grades, when it was in scope), then every scenario,
// failures first (fail, error, pass, skip), filterable by status
// (#filter-status), area (#filter-area), tier (#filter-tier) and text
// (#search). Each scenario (li.scenario[data-id][data-status] in
// #scenarios) shows its reason and, for a failure at its own checks, the
// catalogue's hint (div.fix "How to fix: ...") and expands to its steps; each step lists its exchanges
// (details.exchange, collapsed), whose headers and pretty-printed,
// highlighted JSON bodies are rendered from data embedded once in the page
// (gzip-compressed JSON, decoded with the browser's DecompressionStream),
// with a "copy as curl" button that writes $SCIMCONFORM_TOKEN in place of
// the credential. Spec references become links (RFC 7644 §3.4.2 →
// rfc-editor.org). Everything from the run is escaped; response bodies are
// shown as text and never interpreted as markup.
func WriteHTML(w io.Writer, r *Run) error {
	if r == nil {
		return fmt.Errorf("write report.html: nil run")
	}
	page, err := buildHTMLPage(r)
	if err != nil {
		return fmt.Errorf("write report.html: %w", err)
	}
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, page); err != nil {
		return fmt.Errorf("write report.html: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write report.html: %w", err)
	}
	return nil
}

func buildHTMLPage(r *Run) (*htmlPage, error) {
	t := r.totals()
	tool := strings.TrimSpace(nonEmpty(r.Tool.Name, "scimconform") + " " + r.Tool.Version)
	p := &htmlPage{
		Title:    "SCIM conformance report — " + nonEmpty(r.Target.BaseURL, "(no target)"),
		Tool:     tool,
		Run:      r,
		Totals:   t,
		Started:  fmtTime(r.StartedAt),
		Finished: fmtTime(r.FinishedAt),
		Duration: runDuration(r).Round(time.Millisecond).String(),
		CSP:      htmlCSP,
		CSS:      template.CSS(htmlCSS),
		JS:       template.JS(htmlJS),
	}
	// The verdict line is Totals.VerdictText, capitalised: only a pass
	// verdict is shown as good.
	p.Verdict = "Verdict: " + t.VerdictText() + "."
	p.Good = t.Verdict() == VerdictPass
	if len(r.RootCauses) > 0 {
		p.RootCausesHeading = rootCausesHeading(r)
	}
	for _, c := range r.RootCauses {
		p.RootCauses = append(p.RootCauses, htmlRootCause{Text: c.Text(), Exchange: c.Exchange, Scenarios: c.Scenarios})
	}
	for _, sw := range r.StaleWaivers {
		p.Stale = append(p.Stale, staleText(sw))
	}
	areas, tiers := r.groupCounts(areasOf), r.groupCounts(tierOf)
	p.Groups = []htmlGroup{{"area", "Area", areas}, {"tier", "Tier", tiers}}
	p.StrictGrades = r.StrictGrades()
	for _, c := range areas {
		p.AreaNames = append(p.AreaNames, c.Name)
	}
	for _, c := range tiers {
		p.TierNames = append(p.TierNames, c.Name)
	}
	data := []htmlExchangeData{}
	for _, ref := range r.ordered() {
		sc, f := ref.Scenario, ref.Feature
		hs := htmlScenario{
			ID: sc.ID, Title: sc.Title, Tier: sc.Tier, TierLabel: r.tierLabel(sc),
			Status: string(sc.Status), StatusLabel: strings.ToUpper(string(sc.Status) + regressionMark(sc)),
			Feature: f.Name, URI: f.URI, Line: sc.Line,
			Areas: sc.Areas, AreasAttr: strings.Join(sc.Areas, " "),
			Duration: fmtMS(sc.DurationMS),
			Tags:     sc.Tags,
			Fix:      sc.fixHint(),
		}
		if sc.Status != StatusPass {
			hs.Reason = oneLineReason(sc, 300)
			if sc.Status == StatusWaived {
				hs.Reason = waiverText(sc.Waiver) + " — " + hs.Reason
			}
			hs.Reason = blockedPrefix(sc) + hs.Reason
			if full := strings.TrimSpace(sc.Reason); full != "" && full != hs.Reason {
				hs.FullReason = full
			}
		}
		hs.Search = strings.ToLower(strings.Join(append([]string{sc.ID, sc.Title, hs.TierLabel, f.Name, strings.TrimSpace(hs.Reason + " " + hs.Fix), string(sc.Status)},
			append(sc.Tags, sc.SpecRefs...)...), " "))
		for _, ref := range sc.SpecRefs {
			hs.SpecRefs = append(hs.SpecRefs, specLink(ref))
		}
		for si := range sc.Steps {
			st := &sc.Steps[si]
			hst := htmlStep{
				Keyword: strings.TrimSpace(st.Keyword), Text: st.Text,
				Status: string(st.Status), StatusLabel: strings.ToUpper(string(st.Status)),
				Reason: st.Reason, Duration: fmtMS(st.DurationMS), Failure: st.Failure,
			}
			// Each failure message once: the step shows the full
			// message, not again as its reason or the scenario's.
			if f := st.Failure; f != nil {
				msg := strings.TrimSpace(f.Message)
				if strings.TrimSpace(hst.Reason) == msg {
					hst.Reason = ""
				}
				if hs.FullReason == msg || hs.FullReason == strings.TrimSpace(st.Reason) {
					hs.FullReason = ""
				}
			} else if hs.FullReason != "" && hs.FullReason == strings.TrimSpace(st.Reason) {
				hs.FullReason = ""
			}
			for ei := range st.Exchanges {
				ex := &st.Exchanges[ei]
				he := htmlExchange{
					Index: len(data), Method: ex.Method, Target: requestTarget(ex.URL),
					Code: fmt.Sprint(ex.StatusCode), Class: ex.StatusCode / 100, Duration: fmtMS(ex.DurationMS),
				}
				if ex.StatusCode == 0 {
					he.Code = "no response"
				}
				hst.Exchanges = append(hst.Exchanges, he)
				data = append(data, htmlExchangeData{
					Method: ex.Method, URL: ex.URL,
					ReqHeaders: headerPairs(ex.RequestHeaders), ReqBody: ex.RequestBody,
					Status: ex.StatusCode, StatusText: http.StatusText(ex.StatusCode),
					ResHeaders: headerPairs(ex.ResponseHeaders), ResBody: ex.ResponseBody,
					Error: ex.Error, Truncated: ex.Truncated, CutNote: ex.CutNote(), Duration: fmtMS(ex.DurationMS),
					Curl: curlPrefix(ex),
				})
			}
			hs.Steps = append(hs.Steps, hst)
		}
		p.Scenarios = append(p.Scenarios, hs)
	}
	b, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("encode exchanges: %w", err)
	}
	// Bodies are most of a report and compress well: the page embeds them
	// gzip-compressed (DecompressionStream decodes them), a JSON string of
	// base64 that cannot close its <script> element whatever the bodies hold.
	var z bytes.Buffer
	zw, err := gzip.NewWriterLevel(&z, gzip.DefaultCompression)
	if err != nil {
		return nil, fmt.Errorf("compress exchanges: %w", err)
	}
	if _, err := zw.Write(b); err != nil {
		return nil, fmt.Errorf("compress exchanges: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress exchanges: %w", err)
	}
	p.Data = template.JS(`"` + base64.StdEncoding.EncodeToString(z.Bytes()) + `"`)
	return p, nil
}

func headerPairs(h http.Header) [][2]string {
	var out [][2]string
	for _, k := range sortedHeaderNames(h) {
		for _, v := range h[k] {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

var rfcRef = regexp.MustCompile(`(?i)^\s*RFC\s*-?\s*(\d{3,5})(?:\s*(?:§|section|sec\.?)\s*([0-9]+(?:\.[0-9]+)*))?`)

// specLink turns a spec reference into a link: "RFC 7644 §3.4.2" links to
// the section on www.rfc-editor.org, an http(s) URL links to itself, and
// anything else (an mockidp/okta/WIRE.md row, say) stays plain text.
func specLink(ref string) htmlLink {
	ref = strings.TrimSpace(ref)
	if m := rfcRef.FindStringSubmatch(ref); m != nil {
		href := "https://www.rfc-editor.org/rfc/rfc" + m[1]
		if m[2] != "" {
			href += "#section-" + m[2]
		}
		return htmlLink{Text: ref, Href: href}
	}
	if strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://") {
		return htmlLink{Text: ref, Href: ref}
	}
	return htmlLink{Text: ref}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func fmtMS(ms float64) string {
	if ms < 0 || ms != ms {
		ms = 0
	}
	if ms >= 1000 {
		return fmt.Sprintf("%.2f s", ms/1000)
	}
	return fmt.Sprintf("%.0f ms", ms)
}
