package faults

// strictMoreCatalogue holds the faults of the later strict-tier scenarios
// (reference/faults_strict_rfc.go): like the "strict" section of
// catalogue.go, each breaks @strict scenarios only, so a default run
// against it stays green.
var strictMoreCatalogue = []Fault{
	{Name: "patch-op-case-skipped", Kind: SCIM,
		Description: "PATCH operations whose op is not all lower-case (\"Replace\") are skipped; a PATCH left with none answers 200 with the unchanged user.",
		Breaks:      []Break{b("PAT-004", "read back has displayName", "did not apply")}},
	{Name: "remove-required-ok", Kind: SCIM,
		Description: "A PATCH remove of userName answers 204 (and changes nothing) instead of 400.",
		Breaks:      []Break{b("PAT-005", thenAnswers+" 400", msgWrongStatus)}},
	{Name: "value-path-replace-appends", Kind: SCIM,
		Description: "A PATCH replace of emails[type eq \"x\"].value that matches a value appends a new email of that type instead of replacing the value.",
		Breaks:      []Break{b("PAT-006", "has exactly one", "of type")}},
	{Name: "filter-sw-as-co", Kind: SCIM,
		Description: "The filter operator sw is evaluated as co (contains).",
		Breaks:      []Break{b("FLT-005", "each of these filters lists what the table says", "wrong results")}},
	{Name: "filter-sub-attribute-ignored", Kind: SCIM,
		Description: "A filter term emails.value eq \"x\" is evaluated as emails pr: every user with an email matches.",
		Breaks:      []Break{b("FLT-006", thenListsExactly, "exactly one user")}},
	{Name: "filter-meta-ignored", Kind: SCIM,
		Description: "A filter term \"and meta.<attr> <op> <value>\" is ignored.",
		Breaks:      []Break{b("FLT-007", "the answer lists nobody", "wrong results")}},
	{Name: "if-match-ignored", Kind: SCIM,
		Description: "If-Match request headers are ignored: a PATCH with a stale version is applied.",
		Breaks:      []Break{b("VER-001", "a PATCH with the version just read succeeds", "If-Match is ignored")}},
	{Name: "if-none-match-ignored", Kind: SCIM,
		Description: "If-None-Match request headers are ignored: a GET with the current version answers 200 with the resource.",
		Breaks:      []Break{b("VER-002", "If-None-Match of the version just read", "If-None-Match is ignored")}},
	{Name: "sort-ignored", Kind: SCIM,
		Description: "The sortBy query parameter is ignored (ServiceProviderConfig still says sort.supported: true).",
		Breaks:      []Break{b("LST-006", "listings sorted by userName", "is not in")}},
	{Name: "spc-bulk-supported", Kind: SCIM,
		Description: "ServiceProviderConfig says bulk.supported: true, although POST /Bulk answers 404.",
		Breaks:      []Break{b("DSC-008", "patch.supported and bulk.supported match", "bulk.supported is true")}},
	{Name: "deleted-user-stays-member", Kind: SCIM,
		Description: "A deleted user stays listed as a member of the groups it belonged to.",
		Breaks:      []Break{b("GRP-020", "no longer lists", "still lists the deleted user")}},
}
