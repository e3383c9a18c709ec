package reports

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SafeText makes server-supplied text safe to print: every control
// character except newline and tab (ESC of ANSI/OSC sequences, NUL, CR,
// BEL, DEL, the C1 range), the Unicode bidirectional overrides and
// invalid UTF-8 bytes are escaped as \x1b, \u202e, ... so that a hostile
// target cannot move the cursor, retitle the terminal or hide text in a
// failure message. Text without such characters is returned unchanged.
// The terminal summary and summary.md pass all their text through it; the
// suite uses it for progress lines and failure messages.
func SafeText(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case escapeRune(r) && r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case escapeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func needsEscape(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if escapeRune(r) {
			return true
		}
	}
	return false
}

func escapeRune(r rune) bool {
	if r == '\n' || r == '\t' {
		return false
	}
	if unicode.IsControl(r) {
		return true // C0, DEL, C1
	}
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true // bidirectional controls
	}
	return false
}
