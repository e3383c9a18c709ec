package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// StatusWaived is a failure the user has recorded as known, with a reason
// and an expiry (a Waiver). It is not a pass: every format shows it as
// waived with its reason; it only stops the failure from deciding the
// verdict.
const StatusWaived Status = "waived"

// Waiver records one known failure. ID names the scenario; Reason says why
// the failure is accepted for now (shown in every format); Expires is the
// last day (UTC, "YYYY-MM-DD") the waiver applies. Match, when set, is a
// fragment the failure's message must contain (case-insensitive), so a
// waiver never hides a different defect; URL, when set, limits the waiver
// to the target whose base URL it equals.
type Waiver struct {
	ID      string `yaml:"id" json:"id"`
	Reason  string `yaml:"reason" json:"reason"`
	Expires string `yaml:"expires" json:"expires"`
	Match   string `yaml:"match,omitempty" json:"match,omitempty"`
	URL     string `yaml:"url,omitempty" json:"url,omitempty"`
}

// StaleWaiver is a waiver that no longer describes the run: it expired, its
// scenario now passes, or the scenario fails for another reason than Match.
type StaleWaiver struct {
	Waiver
	// Why says in one sentence why the waiver is stale.
	Why string `json:"why"`
}

// waiverFile is the YAML layout: a top-level "waivers" list, or the list
// itself.
type waiverFile struct {
	Waivers []Waiver `yaml:"waivers"`
}

// ParseWaivers reads a waivers YAML file: either a list of waivers or a
// mapping with a "waivers" list. Each waiver needs an id, a reason and an
// expires date (YYYY-MM-DD); a missing field, a bad date, an unknown key
// or a duplicate id is an error naming the entry.
func ParseWaivers(rd io.Reader) ([]Waiver, error) {
	b, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("read waivers: %w", err)
	}
	var list []Waiver
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '-' {
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&list); err != nil {
			return nil, fmt.Errorf("read waivers: %w", err)
		}
	} else if len(t) > 0 {
		var f waiverFile
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("read waivers: %w", err)
		}
		list = f.Waivers
	}
	seen := map[string]bool{}
	var errs []error
	for i, w := range list {
		name := fmt.Sprintf("waiver %d (%s)", i+1, nonEmpty(w.ID, "no id"))
		switch {
		case strings.TrimSpace(w.ID) == "":
			errs = append(errs, fmt.Errorf("%s: id is required", name))
		case strings.TrimSpace(w.Reason) == "":
			errs = append(errs, fmt.Errorf("%s: reason is required", name))
		case w.Expires == "":
			errs = append(errs, fmt.Errorf("%s: expires is required (YYYY-MM-DD): a waiver must end", name))
		default:
			if _, err := time.Parse(time.DateOnly, w.Expires); err != nil {
				errs = append(errs, fmt.Errorf("%s: expires %q is not a YYYY-MM-DD date", name, w.Expires))
			}
			key := w.ID + "\x00" + w.URL
			if seen[key] {
				errs = append(errs, fmt.Errorf("%s: duplicate waiver for %s", name, w.ID))
			}
			seen[key] = true
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("read waivers: %w", errors.Join(errs...))
	}
	return list, nil
}

// expired reports whether w no longer applies on day now (UTC): the
// waiver holds through its Expires day.
func (w Waiver) expired(now time.Time) bool {
	d, err := time.Parse(time.DateOnly, w.Expires)
	if err != nil {
		return true
	}
	return now.UTC().After(d.Add(24*time.Hour - time.Nanosecond))
}

func (w Waiver) appliesTo(baseURL string) bool {
	return w.URL == "" || strings.TrimRight(w.URL, "/") == strings.TrimRight(baseURL, "/")
}

// matches reports whether the failure of sc is the one w describes.
func (w Waiver) matches(sc *Scenario) bool {
	if w.Match == "" {
		return true
	}
	frag := strings.ToLower(w.Match)
	texts := []string{sc.Reason, oneLineReason(sc, 0)}
	for i := range sc.Steps {
		st := &sc.Steps[i]
		texts = append(texts, st.Reason)
		if st.Failure != nil {
			texts = append(texts, st.Failure.Message, st.Failure.Expected, st.Failure.Actual)
		}
	}
	for _, t := range texts {
		if strings.Contains(strings.ToLower(t), frag) {
			return true
		}
	}
	return false
}

// ApplyWaivers marks the failures ws describe as StatusWaived (with the
// waiver in Scenario.Waiver) and lists in r.StaleWaivers each waiver that
// is stale on day now: expired (its failure stays a failure), its scenario
// passes, or its scenario fails without matching Match. A waiver for a
// scenario that did not run or was not decided (error, skip, not in scope)
// or for another target URL neither applies nor is stale. Only StatusFail
// is waived: an error proves nothing, so there is nothing known to waive.
// Waivers applied earlier (a results.json read back) are undone first, so
// applying twice gives the same run. With strict, stale waivers count in
// Totals.StrictStale and fail the verdict. Call ComputeTotals afterwards.
func (r *Run) ApplyWaivers(ws []Waiver, now time.Time, strict bool) {
	if r == nil {
		return
	}
	r.StaleWaivers = nil
	r.WaiversStrict = strict
	for fi := range r.Features {
		for si := range r.Features[fi].Scenarios {
			sc := &r.Features[fi].Scenarios[si]
			if sc.Status == StatusWaived {
				sc.Status = StatusFail
			}
			sc.Waiver = nil
		}
	}
	for _, w := range ws {
		if !w.appliesTo(r.Target.BaseURL) {
			continue
		}
		for fi := range r.Features {
			for si := range r.Features[fi].Scenarios {
				sc := &r.Features[fi].Scenarios[si]
				if sc.ID != w.ID {
					continue
				}
				switch {
				case sc.Status == StatusPass:
					r.StaleWaivers = append(r.StaleWaivers, StaleWaiver{w, "scenario " + w.ID + " now passes"})
				case sc.Status != StatusFail:
				case w.expired(now):
					r.StaleWaivers = append(r.StaleWaivers, StaleWaiver{w, "expired on " + w.Expires + "; the failure counts again"})
				case !w.matches(sc):
					r.StaleWaivers = append(r.StaleWaivers, StaleWaiver{w, fmt.Sprintf("scenario %s fails for another reason than %q: %s", w.ID, w.Match, oneLineReason(sc, 200))})
				default:
					wc := w
					sc.Waiver = &wc
					sc.Status = StatusWaived
				}
			}
		}
	}
}

// waiverText is the one line every format shows for a waived scenario.
func waiverText(w *Waiver) string {
	if w == nil {
		return "waived"
	}
	return "waived until " + w.Expires + ": " + oneLine(w.Reason)
}

// staleText is the one line every format shows for a stale waiver.
func staleText(s StaleWaiver) string {
	return "stale waiver " + s.ID + " (" + oneLine(s.Reason) + "): " + oneLine(s.Why)
}
