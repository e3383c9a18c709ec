package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// sortedHeaderNames returns the header names of h in a stable order.
func sortedHeaderNames(h http.Header) []string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// requestTarget is the path and query of an exchange URL, for one-line
// labels; the whole URL if it does not parse.
func requestTarget(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" && u.RawQuery == "" {
		return raw
	}
	return u.RequestURI()
}

// exchangeLabel is a one-line label such as "POST /Users → 201".
func exchangeLabel(ex *Exchange) string {
	out := ex.Method + " " + requestTarget(ex.URL) + " → "
	if ex.StatusCode == 0 {
		if ex.Error != "" {
			return out + "no response (" + truncate(oneLine(ex.Error), 80) + ")"
		}
		return out + "no response"
	}
	return out + fmt.Sprint(ex.StatusCode)
}

// exchangeText renders an exchange as an HTTP-message-like text, with each
// body cut to maxBody bytes (no limit if maxBody <= 0).
func exchangeText(ex *Exchange, maxBody int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", ex.Method, ex.URL)
	for _, k := range sortedHeaderNames(ex.RequestHeaders) {
		for _, v := range ex.RequestHeaders[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	if ex.RequestBody != "" {
		b.WriteString("\n" + cut(prettyJSON(ex.RequestBody), maxBody) + "\n")
	}
	b.WriteString("\n")
	if ex.StatusCode == 0 {
		fmt.Fprintf(&b, "(no response: %s)\n", ex.Error)
	} else {
		fmt.Fprintf(&b, "HTTP %d %s (%.0f ms)\n", ex.StatusCode, http.StatusText(ex.StatusCode), ex.DurationMS)
		for _, k := range sortedHeaderNames(ex.ResponseHeaders) {
			for _, v := range ex.ResponseHeaders[k] {
				fmt.Fprintf(&b, "%s: %s\n", k, v)
			}
		}
		if ex.ResponseBody != "" {
			b.WriteString("\n" + cut(prettyJSON(ex.ResponseBody), maxBody) + "\n")
		}
	}
	if n := ex.CutNote(); n != "" {
		b.WriteString("(" + n + ")\n")
	}
	return b.String()
}

// cut shortens s to at most max bytes at a rune boundary, saying so.
func cut(s string, max int) string {
	if max <= 0 || len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !isRuneStart(s[i]) {
		i--
	}
	return s[:i] + fmt.Sprintf("\n… (%d more bytes)", len(s)-i)
}

func isRuneStart(c byte) bool { return c&0xC0 != 0x80 }

// prettyJSON indents a JSON body for reading in a text transcript and
// returns any other body unchanged.
func prettyJSON(body string) string {
	t := strings.TrimSpace(body)
	if t == "" || (t[0] != '{' && t[0] != '[') || len(t) > 1<<20 {
		return body
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(t), "", "  "); err != nil {
		return body
	}
	return buf.String()
}
