package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// RetryWait is the value of --max-retry-wait: a positive cap on each wait
// after a 429, or LikeOkta, which waits exactly as Okta does (Retry-After
// seconds, else 5 min, doubling, 10 attempts; mockidp/okta/WIRE.md §2.5). The zero
// value is "not set"; Check rejects it, because "0" is ambiguous (no wait,
// or no cap?).
type RetryWait struct {
	// Cap is the longest single wait; meaningless when LikeOkta.
	Cap time.Duration
	// LikeOkta asks for Okta's own waits, uncapped.
	LikeOkta bool
}

// OktaRetryWait is the --max-retry-wait value that asks for Okta's waits.
const OktaRetryWait = "okta"

// String is the flag's text: "okta" or the cap as a duration.
func (w *RetryWait) String() string {
	if w.LikeOkta {
		return OktaRetryWait
	}
	return w.Cap.String()
}

// Set parses "okta" or a Go duration ("5s", "2m").
func (w *RetryWait) Set(s string) error {
	if strings.EqualFold(strings.TrimSpace(s), OktaRetryWait) {
		*w = RetryWait{LikeOkta: true}
		return nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("want a duration such as 5s, or %q to wait exactly as Okta does", OktaRetryWait)
	}
	*w = RetryWait{Cap: d}
	return nil
}

// Check returns an error for a cap that is not positive; its message
// points to "okta" for Okta's own waits.
func (w RetryWait) Check() error {
	if !w.LikeOkta && w.Cap <= 0 {
		return fmt.Errorf("--max-retry-wait %s: want a positive cap on each wait after a 429, e.g. 5s, or %q to wait exactly as Okta does (Retry-After, else 5 min, doubling, 10 attempts)", w.Cap, OktaRetryWait)
	}
	return nil
}

// Type names the flag's value in --help.
func (w *RetryWait) Type() string { return "duration|okta" }

// Size is a byte count given as a number with an optional unit: B, KiB,
// MiB, GiB (powers of 1024) or KB, MB, GB (powers of 1000); "4MiB", "65536".
type Size int64

// String writes the size in the largest binary unit that divides it.
func (s *Size) String() string {
	v := int64(*s)
	for _, u := range []struct {
		n    string
		mult int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if v != 0 && v%u.mult == 0 {
			return fmt.Sprintf("%d%s", v/u.mult, u.n)
		}
	}
	return strconv.FormatInt(v, 10)
}

// Set parses a size such as 4MiB, 64KiB, 10MB or 1048576.
func (s *Size) Set(text string) error {
	t := strings.TrimSpace(text)
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err != nil || i == 0 {
		return fmt.Errorf("want a size such as 4MiB, 64KiB or 1048576")
	}
	mult := map[string]int64{"": 1, "b": 1, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "kb": 1e3, "mb": 1e6, "gb": 1e9, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
	m, ok := mult[strings.ToLower(strings.TrimSpace(t[i:]))]
	if !ok {
		return fmt.Errorf("unknown unit %q: use B, KiB, MiB, GiB, KB, MB or GB", t[i:])
	}
	if n > (1<<62)/m {
		return fmt.Errorf("%s is too large", text)
	}
	*s = Size(n * m)
	return nil
}

// Type names the flag's value in --help.
func (s *Size) Type() string { return "size" }

func retryWait(p func(*Run) *RetryWait) func(*pflag.FlagSet, *Run, string, string, string) {
	return func(fs *pflag.FlagSet, r *Run, n, d, u string) {
		v := p(r)
		_ = v.Set(d)
		fs.Var(v, n, u)
	}
}

func size(p func(*Run) *Size) func(*pflag.FlagSet, *Run, string, string, string) {
	return func(fs *pflag.FlagSet, r *Run, n, d, u string) {
		v := p(r)
		_ = v.Set(d)
		fs.Var(v, n, u)
	}
}
