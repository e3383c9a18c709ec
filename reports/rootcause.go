package reports

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// RootCause is one failing Okta operation that stopped scenarios before
// their own checks: their Given or When step (a setup step) failed. Key
// names the operation and its outcome, e.g. "POST /Users answers 500";
// Scenarios are the IDs it blocks, in catalogue order.
type RootCause struct {
	Key       string   `json:"key"`
	Scenarios []string `json:"scenarios"`
	// Exchange is the first failing exchange of the first blocked
	// scenario, on one line ("POST http://… → 500 {…}"); empty when the
	// failing step made no request.
	Exchange string `json:"exchange,omitempty"`
}

// Text is the root cause as the reports print it:
// "POST /Users answers 500 (blocks 45 scenarios)".
func (c RootCause) Text() string {
	n := len(c.Scenarios)
	s := "s"
	if n == 1 {
		s = ""
	}
	return fmt.Sprintf("%s (blocks %d scenario%s)", c.Key, n, s)
}

// setupStep reports whether the step at i of sc is a setup step: Given or
// When, or an And/But/* continuing one. A step with no keyword is not.
func setupStep(sc *Scenario, i int) bool {
	for j := i; j >= 0; j-- {
		switch strings.TrimSpace(sc.Steps[j].Keyword) {
		case "Given", "When":
			return true
		case "Then":
			return false
		case "And", "But", "*":
			continue
		default:
			return false
		}
	}
	return false
}

// computeRootCauses sets Scenario.BlockedBy for every failed or errored
// scenario whose first failing step is a setup step, and r.RootCauses to
// the groups, largest first (then by key).
func (r *Run) computeRootCauses() {
	byKey := map[string]*RootCause{}
	var order []string
	for fi := range r.Features {
		for si := range r.Features[fi].Scenarios {
			sc := &r.Features[fi].Scenarios[si]
			sc.BlockedBy = ""
			if sc.Status != StatusFail && sc.Status != StatusError {
				continue
			}
			idx := -1
			for i := range sc.Steps {
				if s := sc.Steps[i].Status; s == StatusFail || s == StatusError {
					idx = i
					break
				}
			}
			if idx < 0 || !setupStep(sc, idx) {
				continue
			}
			key, ex := r.operationOf(sc, idx)
			sc.BlockedBy = key
			c := byKey[key]
			if c == nil {
				c = &RootCause{Key: key, Exchange: ex}
				byKey[key] = c
				order = append(order, key)
			}
			c.Scenarios = append(c.Scenarios, sc.ID)
		}
	}
	r.RootCauses = nil
	for _, k := range order {
		r.RootCauses = append(r.RootCauses, *byKey[k])
	}
	sort.SliceStable(r.RootCauses, func(i, j int) bool {
		return len(r.RootCauses[i].Scenarios) > len(r.RootCauses[j].Scenarios)
	})
}

// operationOf names the failing operation of setup step idx of sc: its
// first exchange with no answer or an answer of 400 or more, else its last
// exchange, as "METHOD /path answers CODE"; a step that made no request is
// named by its text.
func (r *Run) operationOf(sc *Scenario, idx int) (key, exchange string) {
	st := &sc.Steps[idx]
	var ex *Exchange
	for i := range st.Exchanges {
		if e := &st.Exchanges[i]; e.StatusCode == 0 || e.StatusCode >= 400 {
			ex = e
			break
		}
	}
	if ex == nil && len(st.Exchanges) > 0 {
		ex = &st.Exchanges[len(st.Exchanges)-1]
	}
	if ex == nil {
		return "setup step failed: " + truncate(oneLine(strings.TrimSpace(st.Keyword)+" "+st.Text), 120), ""
	}
	op := ex.Method + " " + pathTemplate(r.Target.BaseURL, ex.URL)
	switch {
	case ex.StatusCode == 0:
		key = op + " gets no answer"
	case ex.StatusCode >= 400:
		key = fmt.Sprintf("%s answers %d", op, ex.StatusCode)
	default:
		// The answer's status was fine; the step's check on it was not.
		msg := ""
		if st.Failure != nil {
			msg = st.Failure.Message
		}
		key = fmt.Sprintf("%s answers %d but %s", op, ex.StatusCode, truncate(oneLine(nonEmpty(msg, st.Reason)), 100))
	}
	return key, exchangeLine(ex, 200)
}

// pathTemplate is the path of raw relative to the base URL's path, with
// resource ids replaced by {id} and query values dropped:
// "http://h/scim/v2/Users/2819c?x=1" → "/Users/{id}?x".
func pathTemplate(base, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	p := u.Path
	if b, err := url.Parse(base); err == nil && b.Path != "" && b.Path != "/" {
		p = strings.TrimPrefix(p, strings.TrimRight(b.Path, "/"))
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i := 1; i < len(segs); i++ {
		switch segs[i-1] {
		case "Users", "Groups":
			segs[i] = "{id}"
		}
	}
	out := "/" + strings.Join(segs, "/")
	if q := u.Query(); len(q) > 0 {
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out += "?" + strings.Join(keys, "&")
	}
	return out
}

// rootCausesHeading is "3 root causes" (or "1 root cause") with the
// blocked total: "3 root causes block 49 scenarios".
func rootCausesHeading(r *Run) string {
	n := 0
	for _, c := range r.RootCauses {
		n += len(c.Scenarios)
	}
	causes := "root causes"
	if len(r.RootCauses) == 1 {
		causes = "root cause"
	}
	return fmt.Sprintf("%d %s blocking %d scenario(s) in a Given/When step", len(r.RootCauses), causes, n)
}

// scenariosByID indexes the run's scenarios by ID.
func (r *Run) scenariosByID() map[string]*Scenario {
	m := map[string]*Scenario{}
	for fi := range r.Features {
		for si := range r.Features[fi].Scenarios {
			sc := &r.Features[fi].Scenarios[si]
			m[sc.ID] = sc
		}
	}
	return m
}

// blockedPrefix is "blocked by KEY: " for a blocked scenario, else "".
func blockedPrefix(sc *Scenario) string {
	if sc.BlockedBy == "" {
		return ""
	}
	return "blocked by " + sc.BlockedBy + ": "
}
