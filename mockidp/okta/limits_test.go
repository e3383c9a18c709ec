package okta_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// oddRequests429 answers every odd-numbered request 429 Retry-After: 1
// and passes the even ones to h, so the first attempt of every request
// (each retry succeeds) meets a rate limit.
func oddRequests429(h http.Handler) http.Handler {
	var n atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// TestEveryOperationRetries429: users, groups, imports, the credentials
// probe and raw requests all ride out a 429 with Okta's policy: each
// operation succeeds, and each of its requests was answered 429 once and
// retried after the Retry-After second.
func TestEveryOperationRetries429(t *testing.T) {
	srv := httptest.NewServer(oddRequests429(newFakeSCIM(testToken)))
	t.Cleanup(srv.Close)
	for _, profile := range []okta.Profile{okta.ProfileOIN, okta.ProfileAIW} {
		t.Run(string(profile), func(t *testing.T) {
			var waits []okta.RetryWait
			c, sl := newClient(t, srv.URL+"/scim/v2", func(cfg *okta.Config) {
				cfg.Profile = profile
				cfg.Features = allFeatures()
				cfg.Features.ImportGroups = true
				cfg.Retry.OnWait = func(w okta.RetryWait) { waits = append(waits, w) }
			})
			ctx := context.Background()
			p := &okta.Person{ID: okta.NewPersonID(), Login: "ada." + string(profile) + "@example.com", Email: "ada." + string(profile) + "@example.com", GivenName: "Ada", FamilyName: "Lovelace"}
			check := func(out okta.Outcome) {
				t.Helper()
				if !out.OK {
					t.Errorf("%s: %s (%v)", out.Operation, out.Message, out.Err)
					return
				}
				n429, nOK := 0, 0
				for _, ex := range out.Exchanges {
					if ex.StatusCode == http.StatusTooManyRequests {
						n429++
					} else {
						nOK++
					}
				}
				if n429 == 0 || n429 != nOK {
					t.Errorf("%s: %d answers 429 and %d others; every request should have met one 429", out.Operation, n429, nOK)
				}
			}
			check(c.TestCredentials(ctx))
			a, out := c.Assign(ctx, p)
			check(out)
			p.GivenName = "Augusta"
			check(c.UpdateProfile(ctx, p))
			g := &okta.Group{Name: "Eng " + string(profile), Members: []*okta.Assignment{a}}
			check(c.PushGroup(ctx, g))
			check(c.UpdateGroupMembers(ctx, g, nil, []*okta.Assignment{a}))
			check(c.PushNow(ctx, g))
			check(c.RenameGroup(ctx, g, "Eng2 "+string(profile)))
			_, out = c.ImportUsers(ctx)
			check(out)
			_, out = c.ImportGroups(ctx)
			check(out)
			check(c.UnlinkAndDeleteGroup(ctx, g))
			_, out = c.ChangePrimaryEmail(ctx, p, "ada2."+string(profile)+"@example.com")
			check(out)
			check(c.Unassign(ctx, p))
			if ex := c.Do(ctx, okta.Request{Path: "/Users?startIndex=1&count=1"}); ex.StatusCode != 200 || ex.Attempt != 2 {
				t.Errorf("Do: %d on attempt %d", ex.StatusCode, ex.Attempt)
			}
			if len(sl.got()) == 0 || len(waits) != len(sl.got()) {
				t.Fatalf("%d waits reported, %d slept", len(waits), len(sl.got()))
			}
			for _, w := range waits {
				if w.Wait != time.Second || w.RetryAfter != "1" || w.Attempt != 2 || w.MaxAttempts != 10 {
					t.Fatalf("wait %+v, want 1s before attempt 2 of 10 after Retry-After: 1", w)
				}
			}
		})
	}
}

// TestMaxWaitCapsEveryWait: Retry-After: 3600 with MaxWait 2s waits 2s
// each time; RetryLikeOkta waits as Okta does (3600s, doubling).
func TestMaxWaitCapsEveryWait(t *testing.T) {
	srv := tooMany(t, 100, "3600")
	c, sl := newClient(t, srv.URL, func(cfg *okta.Config) { cfg.Retry.MaxWait = 2 * time.Second; cfg.Retry.MaxAttempts = 4 })
	c.Do(context.Background(), okta.Request{Path: "/Users"})
	if got := sl.got(); len(got) != 3 || got[0] != 2*time.Second || got[2] != 2*time.Second {
		t.Fatalf("capped waits %v, want 3 × 2s", got)
	}
	c, sl = newClient(t, srv.URL, func(cfg *okta.Config) { cfg.Retry.MaxWait = okta.RetryLikeOkta; cfg.Retry.MaxAttempts = 3 })
	c.Do(context.Background(), okta.Request{Path: "/Users"})
	if got := sl.got(); len(got) != 2 || got[0] != time.Hour || got[1] != 2*time.Hour {
		t.Fatalf("Okta's waits %v, want 1h, 2h", got)
	}
}

// hugeBody answers every request with n bytes of a JSON-ish filler.
func hugeBody(n int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		w.Header().Set("Content-Type", "application/scim+json")
		for sent := int64(0); sent < n && r.Context().Err() == nil; sent += int64(len(chunk)) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
}

// TestRecordedBodyIsBounded: against a 200 MB answer, reading stops at
// MaxBodyBytes with a message naming the cap, the transcript keeps only
// MaxRecordedBody bytes with the size read and a digest, and the heap
// stays far below the answer's size.
func TestRecordedBodyIsBounded(t *testing.T) {
	srv := httptest.NewServer(hugeBody(200 << 20))
	t.Cleanup(srv.Close)
	c, _ := newClient(t, srv.URL, func(cfg *okta.Config) { cfg.MaxBodyHint = "raise --max-body" })
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var peak uint64
	for i := 0; i < 10; i++ {
		ex := c.Do(context.Background(), okta.Request{Path: "/Users"})
		if !ex.Truncated || !strings.Contains(ex.Err, "the answer exceeded 4 MiB; raise --max-body") {
			t.Fatalf("exchange %d: truncated=%v err=%q", i, ex.Truncated, ex.Err)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	tr := c.Transcript()
	for _, ex := range tr {
		if len(ex.ResponseBody) != okta.DefaultMaxRecordedBody || !ex.ResponseCut || ex.ResponseSize != okta.DefaultMaxBodyBytes+1 ||
			!strings.HasPrefix(ex.ResponseDigest, "sha256:") {
			t.Fatalf("recorded %d bytes, cut=%v, size %d, digest %q", len(ex.ResponseBody), ex.ResponseCut, ex.ResponseSize, ex.ResponseDigest)
		}
	}
	retained := int64(after.HeapInuse) - int64(before.HeapInuse)
	t.Logf("10 answers of 200 MB: peak heap in use %.1f MiB, retained after GC %.1f MiB, %d bytes recorded per exchange",
		float64(peak)/(1<<20), float64(retained)/(1<<20), len(tr[0].ResponseBody))
	if peak > 64<<20 || retained > 4<<20 {
		t.Fatalf("peak heap %d, retained %d: the body is not bounded", peak, retained)
	}
}
