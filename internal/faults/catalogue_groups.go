package faults

// groupPushCatalogue holds the faults of Group Push beyond the core group
// scenarios (issue 12): several operations in one membership PATCH,
// renames that must keep members, the AIW full PUT and Okta's group
// import. Each failure message names the member or group that was wrong.
var groupPushCatalogue = []Fault{
	{Name: "group-remove-first-only", Kind: SCIM, Profiles: []string{OIN}, // AIW sends the full member list in a PUT
		Description: "Of several PATCH removes at members[value eq \"x\"] in one request, only the first is applied; the answer is still 200.",
		Breaks:      []Break{b("GRP-008", thenExactMembers, `"Grace" is a member but should not be`)}},
	{Name: "group-patch-first-kind-only", Kind: SCIM, Profiles: []string{OIN},
		Description: "A group PATCH applies only the operations of the same kind as its first one: the add after Okta's remove is dropped.",
		Breaks:      []Break{b("GRP-009", thenExactMembers, `"Cy" is missing`)}},
	{Name: "group-rename-drops-members", Kind: SCIM, Profiles: []string{OIN}, // AIW renames with a PUT carrying the members
		Description: "A path-less PATCH replace that changes displayName rebuilds the group from the value object, dropping every member.",
		Breaks:      []Break{b("GRP-010", thenExactMembers, `"Ada" is missing`)}},
	{Name: "group-put-merges-members", Kind: SCIM, Profiles: []string{AIW}, // OIN never PUTs a group
		Description: "PUT /Groups/{id} adds the listed members but keeps the ones the body leaves out (a merge, not a replace).",
		Breaks: []Break{
			b("GRP-003", thenExactMembers, `"Bob" is a member but should not be`),
			b("GRP-005", thenExactMembers, `"Ada" is a member but should not be`),
			b("GRP-008", thenExactMembers, `"Bob" is a member but should not be`),
			b("GRP-009", thenExactMembers, `"Bob" is a member but should not be`),
		}},
	{Name: "group-put-ignores-displayname", Kind: SCIM, Profiles: []string{AIW},
		Description: "PUT /Groups/{id} updates the members and keeps the old displayName.",
		Breaks: []Break{
			b("GRP-004", "in the app is named", "displayName was not updated"),
			b("GRP-010", "in the app is named", "displayName was not updated"),
		}},
	{Name: "group-list-skips-empty", Kind: SCIM,
		Description: "Unfiltered GET /Groups leaves out groups without members (an inner join on memberships) while totalResults counts them.",
		Breaks:      []Break{b("GRP-011", "the group import lists each of", `the group "Sales"`)}},
}
