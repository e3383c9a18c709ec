package faults

// Step and message fragments of the entitlement scenarios
// (features/entitlements.feature).
const (
	thenOffersEntType   = "the app offers at least one entitlement type"
	thenItemsPerPage1   = "asked with count 1, has itemsPerPage 1"
	thenShowsGranted    = "with every granted entitlement"
	thenRefusesUnknown  = "the app refuses the unknown entitlement"
	msgNoEntType        = "no entitlement type"
	msgItemsPerPage     = "itemsPerPage"
	msgNotShown         = "does not show the granted"
	msgDidNotRefuseEnts = "did not refuse an entitlement it does not offer"
)

// entitlementCatalogue holds the faults of entitlements (@needs-entitlements).
var entitlementCatalogue = []Fault{
	{Name: "entitlements-not-discoverable", Kind: SCIM,
		Description: "GET /ResourceTypes lists only User and Group: the entitlement endpoints work but no resource type names Okta's Role or Entitlement schema.",
		Breaks:      []Break{b("ENT-001", thenOffersEntType, msgNoEntType)},
		// Every other entitlement scenario starts from the discovery.
		Collateral: []string{"ENT-002", "ENT-003", "ENT-004"}},
	{Name: "entitlement-paging-ignores-count", Kind: SCIM,
		Description: "GET /Roles and /Licenses ignore count and return every value from startIndex on.",
		Breaks:      []Break{b("ENT-002", thenItemsPerPage1, msgItemsPerPage)}},
	{Name: "drop-assigned-entitlement", Kind: SCIM,
		Description: "PUT and PATCH /Users/{id} silently drop roles and entitlements: the update answers 200 but the user keeps the values it had.",
		Breaks:      []Break{b("ENT-003", thenShowsGranted, msgNotShown)}},
	{Name: "accept-unknown-entitlement", Kind: SCIM,
		Description: "User writes silently drop roles and entitlements values the app does not offer instead of refusing them, and answer as if all was well.",
		Breaks:      []Break{b("ENT-004", thenRefusesUnknown, msgDidNotRefuseEnts)}},
}

// entitlementCollateral are the entitlement scenarios that faults declared
// elsewhere also break, kept in this file so that those entries need no
// edit for an area they predate. Every listed scenario fails at any step.
var entitlementCollateral = map[string][]string{
	// Discovery 404s: Okta cannot find the entitlement types at all.
	"no-discovery": {"ENT-001", "ENT-002", "ENT-003", "ENT-004"},
	// A grant is a GET + PUT of what the app returned (id, meta, ...).
	"strict-put": {"ENT-003"},
}

func init() {
	for i := range catalogue {
		if ids, ok := entitlementCollateral[catalogue[i].Name]; ok {
			catalogue[i].Collateral = append(append([]string(nil), catalogue[i].Collateral...), ids...)
		}
	}
}
