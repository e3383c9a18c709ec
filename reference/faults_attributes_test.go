package reference

import (
	"fmt"
	"strings"
	"testing"

	"github.com/scimconform/scimconform/reference/internal/schema"
)

// The probes of the attribute faults (faults_attributes.go), added to the
// table TestFaultsBreakExactlyTheirBehaviour runs.
func init() {
	for k, v := range attributeProbes {
		probes[k] = v
	}
	// A server that answers without the enterprise object shows no
	// costCenter either.
	// It keeps the URN in schemas without the object, which the strict probes of RES-002 and RES-003 see too.
	alsoBreaks["drop-enterprise-extension"] = []string{"keep-some-attributes", "enterprise-dropped-from-201", "schemas-list-every-extension"}
	// Without discovery endpoints nothing describes the extension.
	alsoBreaks["no-discovery"] = append(alsoBreaks["no-discovery"], "undescribed-custom-attribute", "unlisted-custom-extension")
}

// createUserWith creates a user whose body adds extra (JSON members) and returns its id.
func createUserWith(t *testing.T, ts *tserver, userName, extra string) string {
	t.Helper()
	body := fmt.Sprintf(`{"schemas":[%q,%q,%q],"userName":%q,"name":{"givenName":"P","familyName":"User"},"active":true,%s}`,
		schema.UserURN, schema.EnterpriseURN, schema.ReferenceURN, userName, extra)
	return ts.do("POST", "/scim/v2/Users", body).str("id")
}

func extensionOf(body map[string]any, urn string) map[string]any {
	m, _ := body[urn].(map[string]any)
	return m
}

var attributeProbes = map[string]probe{
	"drop-enterprise-extension": func(t *testing.T, ts *tserver, p string) bool {
		id := createUserWith(t, ts, p+"de@x", fmt.Sprintf(`%q:{"department":"D"}`, schema.EnterpriseURN))
		return extensionOf(ts.do("GET", "/scim/v2/Users/"+id, "").body, schema.EnterpriseURN)["department"] == "D"
	},
	"keep-some-attributes": func(t *testing.T, ts *tserver, p string) bool {
		id := createUserWith(t, ts, p+"ks@x", fmt.Sprintf(`%q:{"department":"D","costCenter":"C"}`, schema.EnterpriseURN))
		return extensionOf(ts.do("GET", "/scim/v2/Users/"+id, "").body, schema.EnterpriseURN)["costCenter"] == "C"
	},
	"ignore-extension-update": func(t *testing.T, ts *tserver, p string) bool {
		id := createUserWith(t, ts, p+"eu@x", fmt.Sprintf(`%q:{"badgeNumber":"B-1"}`, schema.ReferenceURN))
		put := fmt.Sprintf(`{"schemas":[%q,%q],"userName":%q,"active":true,%q:{"badgeNumber":"B-2"}}`, schema.UserURN, schema.ReferenceURN, p+"eu@x", schema.ReferenceURN)
		return ts.do("PUT", "/scim/v2/Users/"+id, put).code == 200 &&
			extensionOf(ts.do("GET", "/scim/v2/Users/"+id, "").body, schema.ReferenceURN)["badgeNumber"] == "B-2"
	},
	"ignore-attribute-removal": func(t *testing.T, ts *tserver, p string) bool {
		id := createUserWith(t, ts, p+"ar@x", `"title":"T"`)
		put := fmt.Sprintf(`{"schemas":[%q],"userName":%q,"active":true}`, schema.UserURN, p+"ar@x")
		return ts.do("PUT", "/scim/v2/Users/"+id, put).code == 200 && ts.do("GET", "/scim/v2/Users/"+id, "").body["title"] == nil
	},
	"undescribed-custom-attribute": func(t *testing.T, ts *tserver, p string) bool {
		return strings.Contains(ts.do("GET", "/scim/v2/Schemas/"+schema.ReferenceURN, "").raw, `"deskLocation"`) &&
			strings.Contains(ts.do("GET", "/scim/v2/Schemas", "").raw, `"deskLocation"`)
	},
	"unlisted-custom-extension": func(t *testing.T, ts *tserver, p string) bool {
		return strings.Contains(ts.do("GET", "/scim/v2/ResourceTypes/User", "").raw, schema.ReferenceURN) &&
			strings.Contains(ts.do("GET", "/scim/v2/ResourceTypes", "").raw, schema.ReferenceURN)
	},
}
