package reports

import (
	"net/http"
	"strings"
)

// TokenPlaceholder is the shell variable that "copy as curl" writes where
// the credential was, so a developer can replay a request after
// `export SCIMCONFORM_TOKEN=...` without the report ever holding the token.
const TokenPlaceholder = "$SCIMCONFORM_TOKEN"

// curlSkipHeaders are set by curl itself; copying them would break the
// replay (a stale Content-Length) or make curl print compressed bytes.
var curlSkipHeaders = map[string]bool{
	"Content-Length":  true,
	"Host":            true,
	"Accept-Encoding": true,
	"Connection":      true,
}

// CurlCommand returns a POSIX shell command that replays the request of ex
// with curl. The Authorization and Proxy-Authorization values are replaced
// by TokenPlaceholder (keeping the auth scheme, e.g. "Bearer
// $SCIMCONFORM_TOKEN"), inside double quotes so the shell expands it; every
// other argument is single-quoted, so nothing in a hostile URL, header or
// body is interpreted by the shell.
func CurlCommand(ex Exchange) string {
	cmd := curlPrefix(&ex)
	if ex.RequestBody != "" {
		cmd += " \\\n  --data-raw " + shellQuote(ex.RequestBody)
	}
	return cmd
}

// curlPrefix is CurlCommand without the body; report.html appends the body
// in the browser so that each body is embedded in the page only once.
func curlPrefix(ex *Exchange) string {
	var b strings.Builder
	b.WriteString("curl -sS -X " + shellQuote(ex.Method) + " " + shellQuote(ex.URL))
	for _, k := range sortedHeaderNames(ex.RequestHeaders) {
		canon := http.CanonicalHeaderKey(k)
		if curlSkipHeaders[canon] {
			continue
		}
		for _, v := range ex.RequestHeaders[k] {
			b.WriteString(" \\\n  -H ")
			if canon == "Authorization" || canon == "Proxy-Authorization" {
				scheme := ""
				if s, _, ok := strings.Cut(strings.TrimSpace(v), " "); ok && isAuthScheme(s) {
					scheme = s + " "
				}
				b.WriteString(`"` + canon + ": " + scheme + TokenPlaceholder + `"`)
				continue
			}
			b.WriteString(shellQuote(k + ": " + v))
		}
	}
	return b.String()
}

// shellQuote single-quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
