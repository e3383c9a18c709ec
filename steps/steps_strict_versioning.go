package steps

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// Steps of the strict tier that follow what ServiceProviderConfig
// advertises: versioning (features/strict_versioning), sorting
// (strict_listing LST-006) and the patch and bulk flags (strict_discovery
// DSC-008).

func registerStrictVersioningSteps(sc *godog.ScenarioContext) {
	sc.Step(`^a PATCH with the version just read succeeds, and a PATCH with that version again answers 412$`, aStaleIfMatchAnswers412)
	sc.Step(`^a read with If-None-Match of the version just read answers 304 with no body$`, aCurrentIfNoneMatchAnswers304)
	sc.Step(`^when sort\.supported is true, listings sorted by userName ascending and descending come in that order$`, sortedListingsComeInOrder)
	sc.Step(`^patch\.supported and bulk\.supported match what PATCH and POST /Bulk do for "([^"]*)"$`, patchAndBulkFlagsMatch)
	sc.Step(`^changePassword\.supported is true only if a password replace for "([^"]*)" is accepted$`, changePasswordFlagMatches)
}

// spcFlag reads one boolean of /ServiceProviderConfig (e.g.
// "etag.supported"); present is false when it is missing or not a boolean.
func (w *world) spcFlag(ctx context.Context, path string) (value, present bool, err error) {
	spc := w.client.Do(ctx, okta.Request{Method: "GET", Path: "/ServiceProviderConfig"})
	if spc.StatusCode != 200 {
		return false, false, harnessf("GET /ServiceProviderConfig answered %s: no %s to follow", statusText(&spc), path)
	}
	m, err := spc.JSON()
	if err != nil {
		return false, false, harnessf("GET /ServiceProviderConfig: %w", err)
	}
	v, _ := lookupPath(m, path)
	b, ok := v.(bool)
	return b, ok, nil
}

// versionJustRead returns the ETag (or, without one, meta.version) of the
// user the scenario just read, and whether ServiceProviderConfig says
// etag.supported. tag is empty when the app hands out no version.
func (w *world) versionJustRead(ctx context.Context) (tag string, supported bool, err error) {
	m := w.decodeObject(w.answer)
	if m == nil {
		return "", false, w.rec.err()
	}
	supported, _, err = w.spcFlag(ctx, "etag.supported")
	if err != nil {
		return "", false, err
	}
	tag = w.answer.ResponseHeader.Get("ETag")
	if tag == "" {
		v, _ := lookupPath(m, "meta.version")
		tag, _ = v.(string)
	}
	if supported && tag == "" {
		w.rec.fail("ServiceProviderConfig says etag.supported: true, but the answer has no ETag header and no meta.version (RFC 7644 §3.14: MUST)", "an ETag header", "none")
		return "", supported, w.rec.err()
	}
	return tag, supported, nil
}

// requiredFlag reads the boolean at path of a ServiceProviderConfig m and
// records a failure when it is missing or not a boolean (RFC 7643 §5: each
// feature's "supported" is REQUIRED); ok is false then.
func (w *world) requiredFlag(m map[string]any, path string) (supported, ok bool) {
	v, _ := lookupPath(m, path)
	if supported, ok = v.(bool); !ok {
		w.rec.fail(fmt.Sprintf("ServiceProviderConfig has no boolean %s (RFC 7643 §5: REQUIRED)", path), "true or false", fmt.Sprintf("%#v", v))
	}
	return supported, ok
}

// versionWhy says why a version precondition is judged at all: etag
// support is advertised, or the app hands out versions anyway.
func versionWhy(tag string, supported bool) string {
	if supported {
		return "ServiceProviderConfig says etag.supported: true"
	}
	return "the app hands out the version " + tag + " (although etag.supported is not true)"
}

func displayNamePatch(name string) []byte {
	return mustJSON(map[string]any{"schemas": []string{patchOpURN},
		"Operations": []any{map[string]any{"op": "replace", "path": "displayName", "value": name}}})
}

// aStaleIfMatchAnswers412 shows a PATCH with the current version succeeds
// (the positive control), then that the same, now stale, version is
// refused with 412 and changes nothing.
func aStaleIfMatchAnswers412(ctx context.Context) error {
	w := worldFrom(ctx)
	tag, supported, err := w.versionJustRead(ctx)
	if err != nil || tag == "" {
		// Without etag support and without a version there is no
		// precondition a client could send: the advertisement is kept.
		return err
	}
	id, ok := w.answerID()
	if !ok {
		return harnessf("the user read has no id: nothing to PATCH")
	}
	path := "/Users/" + url.PathEscape(id)
	why := versionWhy(tag, supported)
	first := w.client.Do(ctx, okta.Request{Method: http.MethodPatch, Path: path, Body: displayNamePatch("Version One"), Header: http.Header{"If-Match": {tag}}})
	if unanswered(&first) {
		w.rec.noAnswer("the PATCH with the current If-Match got no complete HTTP answer", first.Err)
		return w.rec.err()
	}
	if first.StatusCode != 200 && first.StatusCode != 204 {
		w.rec.fail(fmt.Sprintf("a PATCH with If-Match of the current version %s was not applied (%s)", tag, why), "200 or 204", statusText(&first))
		return w.rec.err()
	}
	second := w.client.Do(ctx, okta.Request{Method: http.MethodPatch, Path: path, Body: displayNamePatch("Version Two"), Header: http.Header{"If-Match": {tag}}})
	if unanswered(&second) {
		w.rec.noAnswer("the PATCH with the stale If-Match got no complete HTTP answer", second.Err)
		return w.rec.err()
	}
	if second.StatusCode != 412 {
		w.rec.fail(fmt.Sprintf("a PATCH with the stale If-Match %s answered %d: If-Match is ignored (%s)", tag, second.StatusCode, why), "412 Precondition Failed", statusText(&second))
		return w.rec.err()
	}
	w.checkSCIMError(&second, 412)
	back := w.client.Do(ctx, okta.Request{Method: http.MethodGet, Path: path})
	if bm, err := back.JSON(); err == nil && back.StatusCode == 200 {
		if dn, _ := bm["displayName"].(string); dn != "Version One" {
			w.rec.fail("the refused PATCH changed the user anyway", `displayName "Version One"`, fmt.Sprintf("%#v", bm["displayName"]))
		}
		if now := back.ResponseHeader.Get("ETag"); now == tag {
			w.rec.fail("the version did not change when the user did", "a new ETag", now)
		}
	} else {
		return harnessf("reading the user back answered %s", statusText(&back))
	}
	return w.rec.err()
}

// answerID is the id of the resource in the scenario's answer.
func (w *world) answerID() (string, bool) {
	m := w.decodeObject(w.answer)
	id, _ := m["id"].(string)
	return id, id != ""
}

// aCurrentIfNoneMatchAnswers304 shows a non-matching If-None-Match still
// answers 200 (the positive control), then that the current one answers 304.
func aCurrentIfNoneMatchAnswers304(ctx context.Context) error {
	w := worldFrom(ctx)
	tag, supported, err := w.versionJustRead(ctx)
	if err != nil || tag == "" {
		return err
	}
	id, ok := w.answerID()
	if !ok {
		return harnessf("the user read has no id: nothing to read again")
	}
	path := "/Users/" + url.PathEscape(id)
	why := versionWhy(tag, supported)
	other := w.client.Do(ctx, okta.Request{Method: http.MethodGet, Path: path, Header: http.Header{"If-None-Match": {`W/"scimconform-no-such-version"`}}})
	if other.StatusCode != 200 {
		return harnessf("a read with a non-matching If-None-Match answered %s, not 200: a 304 would prove nothing", statusText(&other))
	}
	cur := w.client.Do(ctx, okta.Request{Method: http.MethodGet, Path: path, Header: http.Header{"If-None-Match": {tag}}})
	switch {
	case unanswered(&cur):
		w.rec.noAnswer("the read with If-None-Match got no complete HTTP answer", cur.Err)
	case cur.StatusCode != 304:
		w.rec.fail(fmt.Sprintf("a read with If-None-Match of the current version %s answered %d: If-None-Match is ignored (%s)", tag, cur.StatusCode, why), "304 Not Modified", statusText(&cur))
	case len(bytes.TrimSpace(cur.ResponseBody)) != 0:
		w.rec.fail("the 304 answer has a body", "an empty body", short(string(cur.ResponseBody)))
	}
	return w.rec.err()
}

// sortedListingsComeInOrder follows sort.supported of the
// ServiceProviderConfig in the answer: false is taken at its word; true
// needs GET /Users?sortBy=userName to come in ascending and, with
// sortOrder=descending, descending order (userName is caseExact false).
func sortedListingsComeInOrder(ctx context.Context) error {
	w := worldFrom(ctx)
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	supported, ok := w.requiredFlag(m, "sort.supported")
	switch {
	case !ok:
		return w.rec.err()
	case !supported:
		return nil
	}
	distinct := 0
	for _, order := range []string{"ascending", "descending"} {
		ex := w.client.Do(ctx, okta.Request{Method: http.MethodGet, Path: "/Users?sortBy=userName&sortOrder=" + order})
		if unanswered(&ex) {
			w.rec.noAnswer("the sorted listing got no complete HTTP answer", ex.Err)
			return w.rec.err()
		}
		lm := w.checkListResponse(&ex)
		if lm == nil {
			return w.rec.err()
		}
		var names []string
		for _, r := range resources(lm) {
			s, _ := r["userName"].(string)
			names = append(names, strings.ToLower(s))
		}
		sorted := sort.SliceIsSorted(names, func(i, j int) bool {
			if order == "descending" {
				return names[i] > names[j]
			}
			return names[i] < names[j]
		})
		if !sorted {
			w.rec.fail(fmt.Sprintf("sort.supported is true, but GET /Users?sortBy=userName&sortOrder=%s is not in %s order", order, order), order+" userNames", short(strings.Join(names, ", ")))
		}
		if len(names) > 1 && names[0] != names[len(names)-1] {
			distinct++
		}
	}
	if distinct == 0 {
		return harnessf("the sorted listings hold fewer than two distinct userNames: their order proves nothing")
	}
	return w.rec.err()
}

// patchAndBulkFlagsMatch checks patch.supported and bulk.supported of the
// ServiceProviderConfig in the answer against a PATCH of alias's
// displayName and a POST /Bulk doing the same.
func patchAndBulkFlagsMatch(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	id, err := w.scimID(alias)
	if err != nil {
		return harnessf("%w", err)
	}
	if patch, ok := w.requiredFlag(m, "patch.supported"); ok {
		ex := w.client.Do(ctx, okta.Request{Method: http.MethodPatch, Path: "/Users/" + url.PathEscape(id), Body: displayNamePatch("Patched Through SCIM")})
		works := ex.StatusCode == 200 || ex.StatusCode == 204
		switch {
		case unanswered(&ex):
			w.rec.noAnswer("the PATCH got no complete HTTP answer", ex.Err)
		case patch && !works:
			w.rec.fail("patch.supported is true, but a PATCH of displayName failed", "200 or 204", statusText(&ex))
		case !patch && works:
			w.rec.fail("patch.supported is false, but a PATCH of displayName works", "patch.supported: true", "false")
		}
	}
	if bulk, ok := w.requiredFlag(m, "bulk.supported"); ok {
		body := mustJSON(map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:BulkRequest"},
			"Operations": []any{map[string]any{"method": "PATCH", "path": "/Users/" + id, "data": map[string]any{"schemas": []string{patchOpURN},
				"Operations": []any{map[string]any{"op": "replace", "path": "displayName", "value": "Patched Through Bulk"}}}}}})
		ex := w.client.Do(ctx, okta.Request{Method: http.MethodPost, Path: "/Bulk", Body: body})
		works := ex.StatusCode == 200
		switch {
		case unanswered(&ex):
			w.rec.noAnswer("POST /Bulk got no complete HTTP answer", ex.Err)
		case bulk && !works:
			w.rec.fail("bulk.supported is true, but POST /Bulk failed", "200 with a BulkResponse", statusText(&ex))
		case !bulk && ex.StatusCode >= 200 && ex.StatusCode < 300:
			w.rec.fail("bulk.supported is false, but POST /Bulk works", "bulk.supported: true, or no /Bulk", statusText(&ex))
		}
	}
	return w.rec.err()
}

// changePasswordFlagMatches checks changePassword.supported of the
// ServiceProviderConfig in the answer: a boolean (RFC 7643 §5: REQUIRED),
// and when true, a PATCH replacing alias's password through its path is
// accepted. False promises nothing, so a server may still take Okta's
// pushes (mockidp/okta/WIRE.md §14) and the check has nothing more to ask.
func changePasswordFlagMatches(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	id, err := w.scimID(alias)
	if err != nil {
		return harnessf("%w", err)
	}
	supported, ok := w.requiredFlag(m, "changePassword.supported")
	if !ok || !supported {
		return w.rec.err()
	}
	password := "Pw-" + randomHex(8)
	w.putPasswords = append(w.putPasswords, password)
	body := mustJSON(map[string]any{"schemas": []string{patchOpURN},
		"Operations": []any{map[string]any{"op": "replace", "path": "password", "value": password}}})
	ex := w.client.Do(ctx, okta.Request{Method: http.MethodPatch, Path: "/Users/" + url.PathEscape(id), Body: body})
	switch {
	case unanswered(&ex):
		w.rec.noAnswer("the password PATCH got no complete HTTP answer", ex.Err)
	case ex.StatusCode != 200 && ex.StatusCode != 204:
		w.rec.fail("changePassword.supported is true, but a PATCH replacing the password failed", "200 or 204", statusText(&ex))
	case strings.Contains(string(ex.ResponseBody), password):
		w.rec.fail("the password PATCH answer returns the new password (RFC 7643 §4.1.1: returned \"never\")", "no password in the answer", "the password")
	}
	return w.rec.err()
}
