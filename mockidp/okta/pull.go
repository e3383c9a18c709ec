package okta

// This file: what Okta pulls from the app, "Test API Credentials" and the
// user and group imports (mockidp/okta/WIRE.md §3, §8), and the ListResponse
// parsing they share.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// TestCredentials is "Test API Credentials" (mockidp/okta/WIRE.md §3): GET
// /Users?startIndex=1&count=2, plus GET /Groups?startIndex=1&count=100 when
// PushGroups or ImportGroups is enabled ([I] §3: ROSTR saw no /Groups probe
// with group import off). OK iff every probe answers 200 with a ListResponse
// whose counters are JSON integers ([I] §3: empty Resources passes).
func (c *Client) TestCredentials(ctx context.Context) Outcome {
	o := c.begin("test-credentials")
	probes := []string{"/Users"}
	counts := []string{"2"}
	if c.cfg.Features.PushGroups || c.cfg.Features.ImportGroups {
		probes = append(probes, "/Groups")
		counts = append(counts, "100")
	}
	for i, p := range probes {
		ex, ok := o.do(ctx, Request{Path: p + "?" + c.encodeQuery([]queryParam{{"startIndex", "1"}, {"count", counts[i]}})})
		if !ok || !o.expect(ex, http.StatusOK) {
			return o.out
		}
		if _, _, err := parseList(ex.ResponseBody); err != nil {
			o.fail(fmt.Sprintf("GET %s: %v", p, err))
			return o.out
		}
	}
	return o.out
}

// parseList checks a ListResponse (mockidp/okta/WIRE.md §8: counters must be JSON
// integers; Resources capitalised) and returns its resources and
// totalResults. [I] startIndex and itemsPerPage may be absent, but when
// present they must be integers; Resources may be absent only when
// totalResults is 0.
func parseList(body []byte) ([]map[string]any, int, error) {
	m, err := decodeObject(body)
	if err != nil {
		return nil, 0, fmt.Errorf("list response: %w", err)
	}
	if !hasSchema(m, SchemaListResponse) {
		return nil, 0, fmt.Errorf("list response: schemas does not contain %s", SchemaListResponse)
	}
	total, err := intField(m, "totalResults", true)
	if err != nil {
		return nil, 0, err
	}
	for _, k := range []string{"startIndex", "itemsPerPage"} {
		if _, err := intField(m, k, false); err != nil {
			return nil, 0, err
		}
	}
	raw, present := m["Resources"]
	if !present || raw == nil {
		if total > 0 {
			return nil, total, fmt.Errorf("list response: totalResults is %d but Resources is missing", total)
		}
		return nil, 0, nil
	}
	arr, ok := raw.([]any)
	if !ok {
		return nil, 0, fmt.Errorf("list response: Resources is not an array")
	}
	out := make([]map[string]any, 0, len(arr))
	for i, r := range arr {
		rm, ok := r.(map[string]any)
		if !ok {
			return nil, 0, fmt.Errorf("list response: Resources[%d] is not an object", i)
		}
		out = append(out, rm)
	}
	return out, total, nil
}

func intField(m map[string]any, k string, required bool) (int, error) {
	v, ok := m[k]
	if !ok {
		if required {
			return 0, fmt.Errorf("list response: %s is missing", k)
		}
		return 0, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("list response: %s is %s, not a JSON integer (mockidp/okta/WIRE.md §8)", k, jsonType(v))
	}
	i, err := strconv.Atoi(n.String())
	if err != nil || i < 0 {
		return 0, fmt.Errorf("list response: %s is %s, not a non-negative integer", k, n)
	}
	return i, nil
}

func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func hasSchema(m map[string]any, urn string) bool {
	arr, _ := m["schemas"].([]any)
	for _, s := range arr {
		if str, ok := s.(string); ok && strings.EqualFold(str, urn) {
			return true
		}
	}
	return false
}

// maxImportPages bounds an import against servers whose counters never let
// it finish (1,000 pages = 100,000 users).
const maxImportPages = 1000

// ImportUsers is a full user import (mockidp/okta/WIRE.md §8): GET
// /Users?startIndex=1&count=100, then startIndex+100 until startIndex
// exceeds totalResults. It returns the users Okta would import: active ones
// only (§8 CONCEPT: active:false users are not pulled). It fails on a page
// that is not a valid ListResponse (counters must be integers), on a page
// that is empty before totalResults is reached, and after 1,000 pages.
func (c *Client) ImportUsers(ctx context.Context) ([]map[string]any, Outcome) {
	o := c.begin("import-users")
	if !c.cfg.Features.ImportUsers {
		o.failErr(fmt.Errorf("%w: Import Users is off", ErrFeatureDisabled))
		return nil, o.out
	}
	users, scanned := c.importAll(ctx, o, "/Users")
	if !o.out.OK {
		return nil, o.out
	}
	var active []map[string]any
	for _, u := range users {
		if u["active"] != false {
			active = append(active, u)
		}
	}
	o.note("%d users scanned, %d active imported, %d inactive skipped", scanned, len(active), scanned-len(active))
	return active, o.out
}

func (c *Client) importAll(ctx context.Context, o *op, collection string) ([]map[string]any, int) {
	var all []map[string]any
	start := 1
	for page := 0; ; page++ {
		if page >= maxImportPages {
			o.fail(fmt.Sprintf("import of %s stopped after %d pages: totalResults never reached", collection, maxImportPages))
			return nil, 0
		}
		q := c.encodeQuery([]queryParam{{"startIndex", strconv.Itoa(start)}, {"count", "100"}})
		ex, ok := o.do(ctx, Request{Path: collection + "?" + q})
		if !ok || !o.expect(ex, http.StatusOK) {
			return nil, 0
		}
		res, total, err := parseList(ex.ResponseBody)
		if err != nil {
			o.fail(fmt.Sprintf("GET %s?startIndex=%d: %v", collection, start, err))
			return nil, 0
		}
		all = append(all, res...)
		if start+100 > total {
			return all, len(all)
		}
		if len(res) == 0 {
			o.fail(fmt.Sprintf("GET %s?startIndex=%d returned no resources but totalResults is %d", collection, start, total))
			return nil, 0
		}
		// §8 SCIM20: Okta advances by 100 regardless of the page length [I].
		start += 100
	}
}

// ImportGroups is a full group import (mockidp/okta/WIRE.md §8, PLAN C9338): GET
// /Groups?startIndex=1&count=100 and further pages like ImportUsers. It
// returns every group resource. Needs Features.ImportGroups.
func (c *Client) ImportGroups(ctx context.Context) ([]map[string]any, Outcome) {
	o := c.begin("import-groups")
	if !c.cfg.Features.ImportGroups {
		o.failErr(fmt.Errorf("%w: Import Groups is off", ErrFeatureDisabled))
		return nil, o.out
	}
	groups, scanned := c.importAll(ctx, o, "/Groups")
	if !o.out.OK {
		return nil, o.out
	}
	o.note("%d groups scanned", scanned)
	return groups, o.out
}
