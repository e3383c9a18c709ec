package steps

import (
	"errors"
	"fmt"
	"strings"
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

// TestHalfAnswersAreNeverRefusals: the step-specific checks that look at a
// status first (a SCIM error, every probe refused, the token never echoed)
// treat a half-arrived answer as no answer: undecided, not judged by its
// status line.
func TestHalfAnswersAreNeverRefusals(t *testing.T) {
	half := okta.Exchange{Method: "GET", URL: "http://127.0.0.1/x", StatusCode: 401,
		ResponseBody: []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"sta`),
		Error:        &okta.TransportError{Kind: okta.KindTimeout, Err: errors.New("body read timed out")}}
	w := &world{rec: &recorder{}}
	w.checkSCIMError(&half, 401)
	if !w.rec.undecided || len(w.rec.failures) != 1 || !strings.Contains(w.rec.failures[0].message, "no complete HTTP answer") {
		t.Errorf("checkSCIMError judged a half answer: undecided %v, failures %+v", w.rec.undecided, w.rec.failures)
	}
	if !unanswered(&half) || unanswered(&okta.Exchange{StatusCode: 401}) {
		t.Error("unanswered: wrong for a half or a complete answer")
	}
	if got := statusText(&half); !strings.Contains(got, "never arrived complete") {
		t.Errorf("statusText of a half answer: %q", got)
	}
}
