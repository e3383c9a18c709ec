package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) shapes. Fields
// starting with "_" are custom fields, which the spec allows.
type harDoc struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string     `json:"version"`
	Creator harCreator `json:"creator"`
	Pages   []harPage  `json:"pages"`
	Entries []harEntry `json:"entries"`
	Comment string     `json:"comment,omitempty"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harPage struct {
	StartedDateTime string         `json:"startedDateTime"`
	ID              string         `json:"id"`
	Title           string         `json:"title"`
	PageTimings     harPageTimings `json:"pageTimings"`
	Comment         string         `json:"comment,omitempty"`
}

type harPageTimings struct {
	OnContentLoad float64 `json:"onContentLoad"`
	OnLoad        float64 `json:"onLoad"`
}

type harEntry struct {
	Pageref         string      `json:"pageref,omitempty"`
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         harTimings  `json:"timings"`
	Comment         string      `json:"comment,omitempty"`
	Error           string      `json:"_error,omitempty"`
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Cookies     []harNV      `json:"cookies"`
	Headers     []harNV      `json:"headers"`
	QueryString []harNV      `json:"queryString"`
	PostData    *harPostData `json:"postData,omitempty"`
	HeadersSize int          `json:"headersSize"`
	BodySize    int          `json:"bodySize"`
}

type harPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

type harResponse struct {
	Status      int        `json:"status"`
	StatusText  string     `json:"statusText"`
	HTTPVersion string     `json:"httpVersion"`
	Cookies     []harNV    `json:"cookies"`
	Headers     []harNV    `json:"headers"`
	Content     harContent `json:"content"`
	RedirectURL string     `json:"redirectURL"`
	HeadersSize int        `json:"headersSize"`
	BodySize    int        `json:"bodySize"`
}

type harContent struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	// Comment says how Text was cut at capture (Exchange.CutNote).
	Comment string `json:"comment,omitempty"`
}

type harTimings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// WriteHAR writes every exchange of r as a HAR 1.2 log. Each scenario with
// exchanges is a page (id = scenario ID); each entry has that pageref and a
// comment naming the scenario and step ("USR-001 step 2: When ..."). An
// exchange with no response has status 0 and its error in "_error". Times
// are never negative. Headers are written as redacted in r.
func WriteHAR(w io.Writer, r *Run) error {
	if r == nil {
		return fmt.Errorf("write transcript.har: nil run")
	}
	doc := harDoc{Log: harLog{
		Version: "1.2",
		Creator: harCreator{Name: nonEmpty(r.Tool.Name, "scimconform"), Version: r.Tool.Version},
		Pages:   []harPage{},
		Entries: []harEntry{},
		Comment: "Target " + r.Target.BaseURL + "; secrets redacted",
	}}
	if n := r.PartialNote(); n != "" {
		doc.Log.Comment += "; " + n
	}
	for _, f := range r.Features {
		for i := range f.Scenarios {
			sc := &f.Scenarios[i]
			pageID := nonEmpty(sc.ID, fmt.Sprintf("%s#%d", f.Name, i+1))
			var first time.Time
			n := 0
			for si := range sc.Steps {
				st := &sc.Steps[si]
				for ei := range st.Exchanges {
					ex := &st.Exchanges[ei]
					if n == 0 {
						first = ex.StartedAt
					}
					n++
					doc.Log.Entries = append(doc.Log.Entries, harEntryOf(ex, pageID,
						fmt.Sprintf("%s step %d: %s %s", pageID, si+1, strings.TrimSpace(st.Keyword), st.Text)))
				}
			}
			if n > 0 {
				doc.Log.Pages = append(doc.Log.Pages, harPage{
					StartedDateTime: harTime(first),
					ID:              pageID,
					Title:           strings.TrimSpace(sc.ID + " " + sc.Title),
					PageTimings:     harPageTimings{OnContentLoad: -1, OnLoad: -1},
					Comment:         string(sc.Status),
				})
			}
		}
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("write transcript.har: %w", err)
	}
	if _, err := fmt.Fprintf(w, "%s\n", b); err != nil {
		return fmt.Errorf("write transcript.har: %w", err)
	}
	return nil
}

func harEntryOf(ex *Exchange, pageID, comment string) harEntry {
	d := ex.DurationMS
	if d < 0 || d != d {
		d = 0
	}
	e := harEntry{
		Pageref:         pageID,
		StartedDateTime: harTime(ex.StartedAt),
		Time:            d,
		Timings:         harTimings{Send: 0, Wait: d, Receive: 0},
		Comment:         comment,
		Error:           ex.Error,
		Request: harRequest{
			Method:      ex.Method,
			URL:         ex.URL,
			HTTPVersion: "HTTP/1.1",
			Cookies:     []harNV{},
			Headers:     harHeaders(ex.RequestHeaders),
			QueryString: []harNV{},
			HeadersSize: -1,
			BodySize:    len(ex.RequestBody),
		},
		Response: harResponse{
			Status:      ex.StatusCode,
			StatusText:  http.StatusText(ex.StatusCode),
			HTTPVersion: "HTTP/1.1",
			Cookies:     []harNV{},
			Headers:     harHeaders(ex.ResponseHeaders),
			Content: harContent{
				Size:     contentSize(ex),
				MimeType: nonEmpty(ex.ResponseHeaders.Get("Content-Type"), "x-unknown"),
				Text:     ex.ResponseBody,
				Comment:  ex.CutNote(),
			},
			HeadersSize: -1,
			BodySize:    contentSize(ex),
		},
	}
	if ex.StatusCode == 0 {
		e.Response.HTTPVersion = ""
		e.Response.BodySize = -1
	}
	if u, err := url.Parse(ex.URL); err == nil {
		for k, vs := range u.Query() {
			for _, v := range vs {
				e.Request.QueryString = append(e.Request.QueryString, harNV{k, v})
			}
		}
		sortNV(e.Request.QueryString)
	}
	if ex.RequestBody != "" {
		e.Request.PostData = &harPostData{
			MimeType: nonEmpty(ex.RequestHeaders.Get("Content-Type"), "application/octet-stream"),
			Text:     ex.RequestBody,
		}
	}
	return e
}

func harHeaders(h http.Header) []harNV {
	out := []harNV{}
	for _, k := range sortedHeaderNames(h) {
		for _, v := range h[k] {
			out = append(out, harNV{k, v})
		}
	}
	return out
}

func sortNV(nv []harNV) {
	for i := 1; i < len(nv); i++ {
		for j := i; j > 0 && (nv[j].Name < nv[j-1].Name || nv[j].Name == nv[j-1].Name && nv[j].Value < nv[j-1].Value); j-- {
			nv[j], nv[j-1] = nv[j-1], nv[j]
		}
	}
}

// harTime is an ISO 8601 time with milliseconds, as HAR requires; the zero
// time is written as the Unix epoch so the field stays valid.
func harTime(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// contentSize is HAR's content.size: the real size of the response body
// when it was cut at capture (Exchange.BodySize), else the body's length.
func contentSize(ex *Exchange) int {
	if ex.BodySize > 0 {
		return int(ex.BodySize)
	}
	return len(ex.ResponseBody)
}
