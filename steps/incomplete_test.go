package steps

import (
	"errors"
	"fmt"
	"testing"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// TestIncompleteAnswersAreNotJudged: a status line whose body never
// arrived complete (timeout, broken connection, over --max-body) is no
// answer for the checks; a complete but undecodable body is still judged.
func TestIncompleteAnswersAreNotJudged(t *testing.T) {
	te := func(k okta.TransportKind, err error) error { return &okta.TransportError{Kind: k, Err: err} }
	for _, tc := range []struct {
		name string
		ex   okta.Exchange
		want bool
	}{
		{"complete", okta.Exchange{StatusCode: 200}, false},
		{"no status line", okta.Exchange{Error: te(okta.KindTimeout, errors.New("t"))}, false},
		{"body timed out", okta.Exchange{StatusCode: 200, Error: te(okta.KindTimeout, errors.New("t"))}, true},
		{"connection reset midway", okta.Exchange{StatusCode: 200, Error: te(okta.KindNetwork, errors.New("reset"))}, true},
		{"over --max-body", okta.Exchange{StatusCode: 200, Error: te(okta.KindBody, fmt.Errorf("x: %w", okta.ErrBodyTooLarge))}, true},
		{"bad gzip from the target", okta.Exchange{StatusCode: 200, Error: te(okta.KindBody, errors.New("decompress: bad header"))}, false},
	} {
		ex := tc.ex
		if got := incomplete(&ex); got != tc.want {
			t.Errorf("%s: incomplete = %v, want %v", tc.name, got, tc.want)
		}
	}
	w := &world{rec: &recorder{}}
	ex := okta.Exchange{Method: "GET", URL: "http://127.0.0.1/x", StatusCode: 200, Error: te(okta.KindTimeout, errors.New("t"))}
	if w.decodeObject(&ex) != nil || !w.rec.undecided {
		t.Fatal("a half answer was decoded, or not marked undecided")
	}
}
