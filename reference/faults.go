package reference

import (
	"fmt"
	"sort"
	"strings"
)

// FaultInfo describes one injectable fault.
type FaultInfo struct {
	// Name is what WithFaults and `serve --fault` accept.
	Name string
	// Description says which behaviour the fault breaks, and how.
	Description string
}

// Fault names. Each breaks exactly the behaviour it names, realistically,
// and is off unless passed to WithFaults; the suite's self-test runs every
// scenario against the reference with one fault at a time.
const (
	faultCountersAsStrings       = "counters-as-strings"
	faultAuthSkipPatch           = "auth-skip-patch"
	faultAcceptAnyToken          = "accept-any-token"
	faultPlainText401            = "plain-text-401"
	faultEchoToken               = "echo-token"
	faultIgnoreRevocation        = "ignore-revocation"
	faultLookupMiss404           = "lookup-miss-404"
	faultCreate200               = "create-200"
	faultCreateEmptyBody         = "create-empty-body"
	faultLowercaseUsername       = "lowercase-username"
	faultCaseSensitiveFilter     = "case-sensitive-filter"
	faultNoUniqueness            = "no-uniqueness"
	faultEchoPassword            = "echo-password"
	faultPutIgnoresName          = "put-ignores-name"
	faultStrictPut               = "strict-put"
	faultSilentEmailIgnore       = "silent-email-ignore"
	faultIgnoreDeactivation      = "ignore-deactivation"
	faultPathOnlyPatch           = "path-only-patch"
	faultInactive404             = "inactive-404"
	faultFilterHidesInactive     = "filter-hides-inactive"
	faultExternalIDUnique        = "externalid-unique"
	faultZeroBasedPaging         = "zero-based-paging"
	faultItemsPerPageRequested   = "items-per-page-requested"
	faultPastEnd400              = "past-end-400"
	faultMalformedID400          = "malformed-id-400"
	faultHTMLErrors              = "html-errors"
	faultBadJSON500              = "bad-json-500"
	faultInvalidFilter500        = "invalid-filter-500"
	faultGroupCreate200          = "group-create-200"
	faultGroupPatchAddIgnored    = "group-patch-add-ignored"
	faultGroupRemoveFilterUnsupp = "group-remove-filter-unsupported"
	faultGroupRenameRejectsID    = "group-rename-rejects-id"
	faultGroupReplaceAppends     = "group-replace-appends"
	faultGroupDeleteNoop         = "group-delete-noop"
	faultNoDiscovery             = "no-discovery"
	faultDiscoveryWritable       = "discovery-writable"
)

var faultCatalogue = map[string]string{
	faultCountersAsStrings:       "ListResponse totalResults, startIndex and itemsPerPage are serialised as JSON strings.",
	faultAuthSkipPatch:           "PATCH /Users/{id} and PATCH /Groups/{id} require no credentials; every other route still does.",
	faultAcceptAnyToken:          "Any non-empty Authorization header value is accepted.",
	faultPlainText401:            "401 answers are text/plain with the non-JSON body \"Unauthorized\".",
	faultEchoToken:               "The 401 detail quotes the presented Authorization value back (\"invalid token: <value>\").",
	faultIgnoreRevocation:        "Revoked tokens keep working: verified tokens are cached and the cache never expires.",
	faultLookupMiss404:           "A filtered list with no match answers 404 and a SCIM error instead of 200 with totalResults 0.",
	faultCreate200:               "POST /Users answers 200 instead of 201 (body otherwise correct).",
	faultCreateEmptyBody:         "POST /Users answers 201 with an empty body (the user is stored).",
	faultLowercaseUsername:       "userName is stored and returned lower-cased.",
	faultCaseSensitiveFilter:     "userName eq compares case-sensitively (uniqueness stays case-insensitive).",
	faultNoUniqueness:            "A duplicate userName (any case) creates another user with 201 instead of 409.",
	faultEchoPassword:            "The password sent on POST/PUT/PATCH is stored and returned in responses.",
	faultPutIgnoresName:          "PUT answers 200 but does not change name or displayName (other attributes update).",
	faultStrictPut:               "PUT rejects bodies containing id, meta, password, groups or unknown attributes with 400 invalidSyntax.",
	faultSilentEmailIgnore:       "A PUT/PATCH that changes userName or the primary email answers 200 and keeps the old values.",
	faultIgnoreDeactivation:      "PATCH/PUT with active:false answers 200 showing active:false but does not store it.",
	faultPathOnlyPatch:           "PATCH operations without path are rejected with 400 invalidPath (an Azure-only server); operations with path work.",
	faultInactive404:             "GET /Users/{id} answers 404 for inactive users.",
	faultFilterHidesInactive:     "Filters and lists omit inactive users.",
	faultExternalIDUnique:        "POST /Users with an externalId already used by any user (also inactive) answers 409 uniqueness.",
	faultZeroBasedPaging:         "startIndex is treated as a 0-based offset (startIndex=1 skips the first resource).",
	faultItemsPerPageRequested:   "itemsPerPage echoes the requested count instead of the number returned.",
	faultPastEnd400:              "A startIndex greater than totalResults answers 400 invalidValue.",
	faultMalformedID400:          "Ids that are not UUIDs answer 400 invalidValue instead of 404.",
	faultHTMLErrors:              "404 answers (unknown route or unknown id) are text/html pages.",
	faultBadJSON500:              "Malformed JSON bodies and wrong JSON types (\"active\":\"yes\") answer 500 with a SCIM error body.",
	faultInvalidFilter500:        "An unparsable or unsupported filter answers 500 instead of 400 invalidFilter.",
	faultGroupCreate200:          "POST /Groups answers 200 instead of 201.",
	faultGroupPatchAddIgnored:    "PATCH add of group members answers 204 and stores nothing.",
	faultGroupRemoveFilterUnsupp: "PATCH remove with path members[value eq \"...\"] answers 400 invalidPath.",
	faultGroupRenameRejectsID:    "A PATCH replace whose value object contains id answers 400 mutability (even when equal).",
	faultGroupReplaceAppends:     "PATCH replace of members appends instead of replacing (duplicates possible).",
	faultGroupDeleteNoop:         "DELETE /Groups/{id} answers 204 but the group stays.",
	faultNoDiscovery:             "/ServiceProviderConfig, /Schemas and /ResourceTypes answer 404.",
	faultDiscoveryWritable:       "POST to the discovery endpoints answers 201 instead of 405.",
}

// Faults returns the catalogue of injectable faults, sorted by name.
func Faults() []FaultInfo {
	out := make([]FaultInfo, 0, len(faultCatalogue))
	for name, desc := range faultCatalogue {
		out = append(out, FaultInfo{Name: name, Description: desc})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

type faultSet map[string]bool

func newFaultSet(names []string) (faultSet, error) {
	fs := faultSet{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if _, ok := faultCatalogue[n]; !ok {
			return nil, fmt.Errorf("unknown fault %q (see reference.Faults)", n)
		}
		fs[n] = true
	}
	return fs, nil
}

func (f faultSet) on(name string) bool { return f[name] }
