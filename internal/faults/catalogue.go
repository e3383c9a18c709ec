package faults

import "slices"

// Step text fragments and failure message fragments the catalogue uses
// more than once. A fragment names the suite's wording; when a step's
// wording changes, this table and the self-test say so in one place.
const (
	thenAnswers      = "the app answers"
	thenEvery401     = "every answer is 401 with a SCIM error body"
	thenEvery404     = "every answer is 404 with a SCIM error body"
	thenList         = "the answer is a ListResponse with integer counters"
	thenRecorded     = "Okta records the operation as successful"
	thenRefuses      = "the app refuses the sign-in"
	thenSignedIn     = "is signed in to the app"
	thenSCIMError    = "the answer is a SCIM error with status"
	thenNoPassword   = "the answer does not contain the password Okta sent"
	thenAsOktaSent   = "the answer is the user \"Ada\" as Okta sent it"
	thenSpecUser     = "the answer is the random SPEC test user"
	thenExactMembers = "in the app has exactly the members"
	thenListsExactly = "the answer lists exactly the user"
	msgWrongStatus   = "unexpected http status"
	msgUnexpected    = "wrong status"
	msgNotJSON       = "not JSON"
	msgInteger       = "must be a JSON integer"
	msgTaskFailed    = "would record"
	msgSignedIn      = "signed the person in"
	msgNotSignedIn   = "was not signed in"
	msgPassword      = "password"
)

// ssoControlled is every SSO scenario that first shows a valid sign-in
// works (its positive control) before it asserts anything else: against an
// SP where nobody can sign in they must end as errors, never pass.
var ssoControlled = []string{"SSO-002", "SSO-003", "SSO-004", "SSO-005", "SSO-006", "SSO-007", "SSO-008", "SSO-009", "SSO-010", "SSO-011", "SSO-012", "SSO-013", "SSO-014"}

func b(id, then, msg string) Break { return Break{Scenario: id, Then: then, Message: msg} }

// catalogue is every fault: the core ones below and one slice per area
// that has a file of its own (catalogue_<area>.go).
var catalogue = slices.Concat(coreCatalogue, passwordCatalogue, attributeCatalogue, entitlementCatalogue, groupPushCatalogue, strictMoreCatalogue)

var coreCatalogue = []Fault{
	// ---- token ------------------------------------------------------------
	{Name: "accept-any-token", Kind: SCIM,
		Description: "Any non-empty Authorization header value is accepted.",
		Breaks: []Break{b("AUTH-003", thenEvery401, msgUnexpected), b("AUTH-004", thenAnswers+" 401", msgWrongStatus),
			b("AUTH-005", thenEvery401, msgUnexpected), b("AUTH-006", thenEvery401, msgUnexpected), b("SPEC-011", thenAnswers+" 401", msgWrongStatus)}},
	{Name: "auth-skip-patch", Kind: SCIM,
		Description: "PATCH /Users/{id} and PATCH /Groups/{id} require no credentials; every other route still does.",
		Breaks:      []Break{b("AUTH-002", thenEvery401, msgUnexpected), b("AUTH-003", thenEvery401, msgUnexpected), b("AUTH-006", thenEvery401, msgUnexpected)}},
	{Name: "plain-text-401", Kind: SCIM,
		Description: "401 answers are text/plain with the non-JSON body \"Unauthorized\".",
		Breaks: []Break{b("AUTH-002", thenEvery401, msgNotJSON), b("AUTH-003", thenEvery401, msgNotJSON), b("AUTH-004", thenSCIMError, msgNotJSON),
			b("AUTH-005", thenEvery401, msgNotJSON), b("AUTH-006", thenEvery401, msgNotJSON), b("SPEC-011", thenSCIMError, msgNotJSON)}},
	{Name: "echo-token", Kind: SCIM,
		Description: "The 401 detail quotes the presented Authorization value back (\"invalid token: <value>\").",
		Breaks:      []Break{b("AUTH-007", "no answer contains the presented token", "echoed the presented token")}},
	{Name: "ignore-revocation", Kind: SCIM,
		Description: "Revoked tokens keep working: a token that was once accepted is remembered and never checked again.",
		Breaks:      []Break{b("AUTH-006", thenEvery401, msgUnexpected)}},
	{Name: "hang-on-wrong-token", Kind: SCIM, ShortTimeout: true, Outcome: ErrorOrFail,
		Description: "Requests with a wrong bearer token get no answer: the server holds them until the client gives up (a WAF that tarpits guessed tokens).",
		Breaks:      []Break{{Scenario: "AUTH-007"}, {Scenario: "AUTH-003"}, {Scenario: "AUTH-005"}, {Scenario: "AUTH-006"}},
	},

	// ---- lookups and lists -------------------------------------------------
	{Name: "counters-as-strings", Kind: SCIM,
		Description: "Unfiltered GET /Users listings (Test API Credentials, import paging) serialise totalResults, startIndex and itemsPerPage as JSON strings; filtered lookups are correct.",
		Breaks:      []Break{b("AUTH-001", thenList, msgInteger), b("SPEC-001", thenList, msgInteger), b("IMP-002", thenList, msgInteger)},
		// IMP-001 and IMP-003 check the counters already in their When step.
		Collateral: []string{"IMP-001", "IMP-003", "IMP-004"}},
	{Name: "lookup-miss-404", Kind: SCIM,
		Description: "A filtered list with no match answers 404 and a SCIM error instead of 200 with totalResults 0.",
		Breaks:      []Break{b("USR-001", thenAnswers+" 200", msgWrongStatus), b("SPEC-003", thenAnswers+" 200", msgWrongStatus), b("SPEC-005", thenAnswers+" 200", msgWrongStatus)}},
	{Name: "case-sensitive-filter", Kind: SCIM,
		Description: "userName eq compares case-sensitively (uniqueness stays case-insensitive): a lookup in another case finds nothing.",
		Breaks:      []Break{b("USR-004", thenListsExactly, "exactly one user")}},
	{Name: "case-sensitive-lookup-404", Kind: SCIM,
		Description: "A userName eq lookup whose value matches a user only in another letter case answers 404 (a case-sensitive index plus a 404 for misses).",
		Breaks:      []Break{b("SPEC-009", thenAnswers+" 200", msgWrongStatus), b("USR-004", thenAnswers+" 200", msgWrongStatus)}},
	{Name: "filter-hides-inactive", Kind: SCIM,
		Description: "Filtered lookups omit inactive users (unfiltered listings still show them).",
		Breaks:      []Break{b("USR-011", thenListsExactly, "exactly one user")},
		Collateral:  []string{"SSO-002", "USR-012"}},
	{Name: "zero-based-paging", Kind: SCIM,
		Description: "Unfiltered listings treat startIndex as a 0-based offset (startIndex=1 skips the first resource); filtered lookups return every match.",
		Breaks:      []Break{b("IMP-001", "every user from this run is seen exactly once", "paging")}},
	{Name: "listing-order-rotates", Kind: SCIM,
		Description: "Unfiltered GET /Users listings return the users in an order that rotates by one on every request (no stable sort), so pages overlap and miss users.",
		Breaks:      []Break{b("IMP-001", "every user from this run is seen exactly once", "paging")}},
	{Name: "items-per-page-requested", Kind: SCIM,
		Description: "itemsPerPage echoes the requested count instead of the number returned.",
		Breaks:      []Break{b("IMP-002", "itemsPerPage equals the number of Resources returned", "itemsPerPage"), b("IMP-003", "itemsPerPage equals the number of Resources returned", "itemsPerPage")}},
	{Name: "past-end-400", Kind: SCIM,
		Description: "A startIndex greater than totalResults answers 400 invalidValue.",
		Breaks:      []Break{b("IMP-003", thenAnswers+" 200", msgWrongStatus)}},
	{Name: "invalid-filter-500", Kind: SCIM,
		Description: "An unparsable or unsupported filter answers 500 instead of 400 invalidFilter.",
		Breaks:      []Break{b("ERR-004", thenAnswers+" 400", msgWrongStatus)}},

	// ---- create and read ---------------------------------------------------
	{Name: "create-200", Kind: SCIM,
		Description: "POST /Users answers 200 instead of 201 (body otherwise correct).",
		Breaks:      []Break{b("USR-002", thenAnswers+" 201", msgWrongStatus), b("USR-006", thenAnswers+" 201", msgWrongStatus), b("SPEC-006", thenAnswers+" 201", msgWrongStatus)},
		Collateral:  []string{"SPEC-007", "SPEC-008", "SPEC-009", "SPEC-011"}},
	{Name: "create-empty-body", Kind: SCIM,
		Description: "POST /Users answers 201 with an empty resource: only schemas, id and meta (the user is stored; a later GET shows it).",
		Breaks:      []Break{b("USR-002", thenAsOktaSent, "userName"), b("SPEC-006", thenSpecUser, "userName")}},
	{Name: "lowercase-username", Kind: SCIM,
		Description: "userName is stored and returned lower-cased.",
		Breaks: []Break{b("USR-002", thenAsOktaSent, "case must be preserved"), b("USR-003", thenAsOktaSent, "case must be preserved"),
			b("USR-008", thenAsOktaSent, "case must be preserved"),
			b("SPEC-006", thenSpecUser, "mixed-case"), b("SPEC-007", thenSpecUser, "mixed-case")}},
	{Name: "get-omits-emails", Kind: SCIM,
		Description: "GET /Users/{id} leaves out emails (treated as returned \"request\"); lists and writes still show them.",
		Breaks:      []Break{b("SPEC-002", "the answer has non-empty values at", "emails[0].value"), b("USR-003", thenAsOktaSent, "primary email")},
		// USR-009 reads the user back to see whether a refused change was applied.
		Collateral: []string{"USR-009"}},
	{Name: "no-uniqueness", Kind: SCIM,
		Description: "A duplicate userName (any case) creates another user with 201 instead of 409.",
		Breaks:      []Break{b("USR-005", thenAnswers+" 409", msgWrongStatus), b("SPEC-008", thenAnswers+" 409", msgWrongStatus)}},
	// A tolerated variant, not a defect: it declares no breaks, so the
	// self-test requires every scenario to pass with it (a failure would
	// name no real defect). RFC 7643 §3 lets a server refuse a schema it
	// does not support, and Okta sends back only the URNs the server
	// returned (mockidp/okta/WIRE.md §5.1), so the suite must never send one.
	{Name: "refuse-unknown-schema", Kind: SCIM, Tolerated: true,
		Description: "Tolerated variant (no defect): POST/PUT bodies whose schemas name a URN the server does not support are refused with 400 invalidValue, as RFC 7643 §3 allows. No scenario may fail."},
	{Name: "conflict-wrong-scimtype", Kind: SCIM,
		Description: "409 answers carry scimType invalidValue instead of uniqueness.",
		// SPEC-008 reproduces Okta's SPEC test #8, which checks only the 409.
		Breaks: []Break{b("USR-005", `the answer has scimType "uniqueness"`, "uniqueness")}},
	{Name: "echo-password", Kind: SCIM,
		Description: "The password sent on POST/PUT/PATCH is stored and returned in responses.",
		Breaks: []Break{b("USR-006", thenNoPassword, msgPassword), b("USR-008", thenNoPassword, msgPassword),
			b("PWD-002", thenNoPushPassword, msgPassword)}},
	{Name: "echo-password-credential", Kind: SCIM,
		Description: "The password sent on POST/PUT/PATCH is returned as credential.value, never as a top-level password.",
		Breaks: []Break{b("USR-006", thenNoPassword, msgPassword), b("USR-008", thenNoPassword, msgPassword),
			b("PWD-002", thenNoPushPassword, msgPassword)},
	},
	{Name: "externalid-unique", Kind: SCIM,
		Description: "POST /Users with an externalId already used by any user (also inactive) answers 409 uniqueness.",
		Breaks:      []Break{b("USR-013", thenRecorded, msgTaskFailed)}},

	// ---- updates -----------------------------------------------------------
	{Name: "put-ignores-name", Kind: SCIM,
		Description: "PUT answers 200 but does not change name or displayName (other attributes update).",
		Breaks:      []Break{b("USR-007", "name.familyName", "was not updated")},
		Collateral:  []string{"ATR-002", "ATR-003"}}, // the mapped name.honorificPrefix/Suffix
	{Name: "strict-put", Kind: SCIM, Profiles: []string{OIN}, // AIW PUTs back its GET for every update: every task would fail
		Description: "PUT rejects bodies containing id, meta, password, groups or unknown attributes with 400 invalidSyntax.",
		Breaks:      []Break{b("USR-008", thenAnswers+" 200", msgWrongStatus)},
		Collateral:  []string{"USR-007", "USR-009", "USR-012", "ATR-002", "ATR-003"}},
	{Name: "silent-email-ignore", Kind: SCIM,
		Description: "A PUT/PATCH that changes userName or the primary email answers 200 and keeps the old values.",
		Breaks:      []Break{b("USR-009", "the change is applied, or refused", "kept the old email")}},
	{Name: "ignore-deactivation", Kind: SCIM,
		Description: "PATCH/PUT with active:false answers 200 showing active:false but does not store it.",
		Breaks:      []Break{b("USR-010", "the answer has active false", "wrong value")},
		Collateral:  []string{"SSO-002", "USR-011", "USR-013"},
		// OIN reactivates with a PATCH only when the lookup shows the user
		// inactive; USR-012 sees it still active and says so.
		ProfileCollateral: map[string][]string{OIN: {"USR-012"}}},
	{Name: "ignore-reactivation", Kind: SCIM, Profiles: []string{AIW}, // OIN: ignore-reactivation-patch
		Description: "PATCH/PUT with active:true on an inactive user answers 200 showing active:true but does not store it.",
		Breaks:      []Break{b("USR-012", "the answer has active true", "wrong value")},
		Collateral:  []string{"SSO-002"}},
	{Name: "ignore-reactivation-patch", Kind: SCIM, Profiles: []string{OIN},
		Description: "Okta's reactivation PATCH (active:true) answers 200 but is not stored; a later full PUT still reactivates.",
		Breaks:      []Break{b("USR-012", `the app showed "Ada" active after Okta's reactivation`, `"active" has the wrong value`)}},
	{Name: "path-only-patch", Kind: SCIM, Profiles: []string{OIN},
		Description: "PATCH operations without path are rejected with 400 invalidPath (an Azure-only server); operations with path work.",
		Breaks:      []Break{b("USR-010", thenRecorded, msgTaskFailed)},
		// PWD-*: Okta's password push is a path-less replace too (mockidp/okta/WIRE.md §14).
		Collateral: []string{"GRP-002", "GRP-003", "GRP-004", "GRP-008", "GRP-009", "GRP-010", "PWD-001", "PWD-002", "PWD-003", "SSO-002", "USR-011", "USR-012", "USR-013"}},
	{Name: "inactive-404", Kind: SCIM,
		Description: "GET /Users/{id} answers 404 for inactive users.",
		Breaks:      []Break{b("USR-010", thenAnswers+" 200", msgWrongStatus)},
		// SPEC-002 reads the first listed user, an inactive one by then;
		// AIW reactivates with GET then PUT, and the GET answers 404.
		Collateral:        []string{"SPEC-002", "USR-013"},
		ProfileCollateral: map[string][]string{AIW: {"SSO-002", "USR-012"}}},

	// ---- errors ------------------------------------------------------------
	{Name: "malformed-id-400", Kind: SCIM,
		Description: "Ids that are not UUIDs answer 400 invalidValue instead of 404.",
		Breaks:      []Break{b("ERR-001", thenEvery404, msgUnexpected), b("SPEC-004", thenAnswers+" 404", msgWrongStatus), b("SPEC-012", thenAnswers+" 404", msgWrongStatus)}},
	{Name: "html-errors", Kind: SCIM,
		Description: "404 answers (unknown route or unknown id) are text/html pages.",
		Breaks: []Break{b("ERR-001", thenEvery404, msgNotJSON), b("ERR-005", thenSCIMError, msgNotJSON),
			b("SPEC-004", thenSCIMError, msgNotJSON), b("SPEC-012", thenSCIMError, msgNotJSON)},
		Collateral: []string{"ERR-006", "ERR-007"}}, // strict: their 404 bodies are not JSON either
	{Name: "bad-json-500", Kind: SCIM,
		Description: "Malformed JSON bodies and wrong JSON types (\"active\":\"yes\") answer 500 with a SCIM error body.",
		Breaks:      []Break{b("ERR-002", thenAnswers+" 400", msgWrongStatus), b("ERR-003", thenAnswers+" 400", msgWrongStatus)}},

	// ---- groups ------------------------------------------------------------
	{Name: "group-create-200", Kind: SCIM,
		Description: "POST /Groups answers 200 instead of 201.",
		Breaks:      []Break{b("GRP-001", "the app answered Okta's POST /Groups with 201", msgWrongStatus)}},
	{Name: "group-patch-add-ignored", Kind: SCIM, Profiles: []string{OIN},
		Description: "PATCH add of group members answers 204 and stores nothing.",
		Breaks:      []Break{b("GRP-002", thenExactMembers, "not Okta's members")},
		Collateral:  []string{"GRP-001", "GRP-003", "GRP-008", "GRP-009", "GRP-010"}},
	{Name: "group-remove-filter-unsupported", Kind: SCIM, Profiles: []string{OIN},
		Description: "PATCH remove with path members[value eq \"...\"] answers 400 invalidPath.",
		Breaks:      []Break{b("GRP-003", thenRecorded, msgTaskFailed), b("GRP-008", thenRecorded, msgTaskFailed), b("GRP-009", thenRecorded, msgTaskFailed)}},
	{Name: "group-remove-wrong-member", Kind: SCIM, Profiles: []string{OIN}, // AIW sends the full member list in a PUT
		Description: "A PATCH remove of one member (path members[value eq \"x\"]) removes the group's last member instead of the one named (an off-by-one in the member list).",
		Breaks:      []Break{b("GRP-003", thenExactMembers, "not Okta's members"), b("GRP-008", thenExactMembers, `"Bob" is a member but should not be`)}},
	{Name: "group-rename-rejects-id", Kind: SCIM, Profiles: []string{OIN},
		Description: "A PATCH replace whose value object contains id answers 400 mutability (even when equal).",
		Breaks:      []Break{b("GRP-004", thenRecorded, msgTaskFailed), b("GRP-010", thenRecorded, msgTaskFailed)},
		Collateral:  []string{"GRP-002", "GRP-003", "GRP-008", "GRP-009"}},
	{Name: "group-replace-appends", Kind: SCIM, Profiles: []string{OIN},
		Description: "PATCH replace of members adds the new members and keeps the old ones.",
		Breaks:      []Break{b("GRP-005", thenExactMembers, "not Okta's members")}},
	{Name: "group-delete-noop", Kind: SCIM,
		Description: "DELETE /Groups/{id} answers 204 but the group stays.",
		Breaks:      []Break{b("GRP-006", "is gone from the app", msgWrongStatus)}},

	// ---- discovery ---------------------------------------------------------
	{Name: "no-discovery", Kind: SCIM,
		Description: "/ServiceProviderConfig, /Schemas and /ResourceTypes answer 404.",
		Breaks:      []Break{b("DSC-001", thenAnswers+" 200", msgWrongStatus), b("DSC-002", thenAnswers+" 200", msgWrongStatus), b("DSC-003", thenAnswers+" 200", msgWrongStatus)},
		Collateral:  []string{"DSC-004", "ATR-004"}},
	{Name: "discovery-writable", Kind: SCIM,
		Description: "POST to the discovery endpoints answers 201 instead of 405.",
		Breaks:      []Break{b("DSC-004", "every answer is 405", msgUnexpected)}},

	// ---- strict ------------------------------------------------------------
	// RFC 7643/7644 rules beyond Okta's needs: each breaks a @strict
	// scenario only, so a default run against it stays green
	// (steps.TestStrictOnlyFaultsKeepDefaultRunsGreen) and the fault matrix
	// runs it with --strict=should.
	{Name: "json-content-type-201", Kind: SCIM,
		Description: "201 answers to POST /Users are Content-Type application/json instead of application/scim+json.",
		Breaks:      []Break{b("RSP-001", "the answer has Content-Type", "Content-Type")}},
	{Name: "no-location-header", Kind: SCIM,
		Description: "201 answers to POST /Users carry no Location header (meta.location is still right).",
		Breaks:      []Break{b("RSP-002", "the Location header equals meta.location", "no Location header")}},
	{Name: "dates-not-xsd", Kind: SCIM,
		Description: "meta.created and meta.lastModified of a 201 are written the way a database prints them (\"2008-01-23 04:56:22\").",
		Breaks:      []Break{b("RSP-003", "are xsd:dateTime values with a date and a time", "xsd:dateTime"), b("RSP-004", "carry a timezone", "xsd:dateTime")}},
	{Name: "dates-without-timezone", Kind: SCIM,
		Description: "meta.created and meta.lastModified of a 201 are local times without a timezone (\"2008-01-23T04:56:22\").",
		Breaks:      []Break{b("RSP-004", "carry a timezone", "no timezone")}},
	{Name: "error-status-number", Kind: SCIM,
		Description: "404 answers to GET /Users/{id} carry \"status\" as a JSON number (404) instead of the string \"404\".",
		Breaks:      []Break{b("ERR-006", "the error's \"status\" is the JSON string", "not a JSON string")}},
	{Name: "not-found-invalid-syntax", Kind: SCIM,
		Description: "Every 404 error carries scimType \"invalidSyntax\".",
		Breaks:      []Break{b("ERR-007", "the error has no scimType of Table 9", "invalidSyntax")}},
	{Name: "filter-operator-case-sensitive", Kind: SCIM,
		Description: "Filter operators are matched case-sensitively: userName EQ \"x\" matches nobody.",
		Breaks:      []Break{b("FLT-001", thenListsExactly, "exactly one user")}},
	{Name: "filter-attribute-case-sensitive", Kind: SCIM,
		Description: "Filter attribute names are matched case-sensitively: USERNAME eq \"x\" matches nobody.",
		Breaks:      []Break{b("FLT-002", thenListsExactly, "exactly one user")}},
	{Name: "filter-ignores-not", Kind: SCIM,
		Description: "\"not\" in a filter is ignored: not (A) is evaluated as (A).",
		Breaks:      []Break{b("FLT-003", "the answer lists nobody", "wrong results")}},
	{Name: "filter-ignores-value-path", Kind: SCIM,
		Description: "A value path term (and emails[...]) of a filter is ignored.",
		Breaks:      []Break{b("FLT-004", "the answer lists nobody", "wrong results")}},
	{Name: "count-zero-ignored", Kind: SCIM,
		Description: "count=0 on GET /Users is ignored: the default page of resources is returned.",
		Breaks:      []Break{b("LST-001", "totalResults of at least 1 and no resources", "count=0")}},
	{Name: "attributes-ignored", Kind: SCIM,
		Description: "The attributes= query parameter is ignored: every default attribute is returned.",
		Breaks:      []Break{b("LST-002", "the answer has \"id\" and \"userName\" and no \"name\"", "left out")}},
	{Name: "excluded-attributes-ignored", Kind: SCIM,
		Description: "The excludedAttributes= query parameter is ignored.",
		Breaks:      []Break{b("LST-003", "the answer has \"id\" and \"userName\" and no \"emails\"", "left out")}},
	{Name: "client-meta-created", Kind: SCIM,
		Description: "A create answers with the meta.created the client sent (readOnly data taken from the request).",
		Breaks:      []Break{b("RES-001", "the answer's id is not", "meta.created")}},
	{Name: "remove-without-path-ok", Kind: SCIM,
		Description: "A PATCH remove without a path answers 204 and changes nothing instead of 400 noTarget.",
		Breaks:      []Break{b("PAT-001", thenAnswers+" 400", msgWrongStatus)}},
	{Name: "replace-no-match-adds", Kind: SCIM,
		Description: "A PATCH replace whose value filter matches nothing adds a value (as add would) instead of 400 noTarget.",
		Breaks:      []Break{b("PAT-002", thenAnswers+" 400", msgWrongStatus)}},
	{Name: "patch-200-partial", Kind: SCIM,
		Description: "A PATCH of displayName answers 200 with only the changed attribute instead of the whole resource.",
		Breaks:      []Break{b("PAT-003", "the answer is 200 with the whole user", "whole resource")}},
	{Name: "listing-returns-password", Kind: SCIM,
		Description: "GET /Users?attributes=...,password returns each user's stored password hash.",
		Breaks:      []Break{b("LST-004", "no listed user carries a password", "returned never")}},
	{Name: "empty-list-without-resources", Kind: SCIM,
		Description: "A GET /Users that matches nobody answers a ListResponse without \"Resources\".",
		Breaks:      []Break{b("LST-005", "the answer is an empty ListResponse with \"Resources\"", "no \"Resources\"")}},
	{Name: "resource-type-plural", Kind: SCIM,
		Description: "201 answers to POST /Users carry meta.resourceType \"Users\" (the endpoint) instead of \"User\".",
		Breaks:      []Break{b("RSP-005", "meta.resourceType is", "caseExact")}},
	{Name: "version-without-etag", Kind: SCIM,
		Description: "GET /Users/{id} answers carry meta.version but no ETag header.",
		Breaks:      []Break{b("RSP-006", "meta.version and the ETag header agree", "must be the same")}},
	{Name: "schemas-bare-array", Kind: SCIM,
		Description: "GET /Schemas answers a bare JSON array of schemas instead of a ListResponse.",
		Breaks:      []Break{b("DSC-005", "the answer is a ListResponse of resources with the schema", "not a JSON object")},
		Collateral:  []string{"DSC-002", "DSC-006", "ATR-004"}},
	{Name: "schema-attrs-omit-defaults", Kind: SCIM,
		Description: "GET /Schemas leaves out type, mutability, returned and uniqueness where they equal RFC 7643 §2.2's defaults.",
		Breaks:      []Break{b("DSC-006", "every attribute of every schema states", "RFC 7643 §7 value")}},
	{Name: "members-without-ref", Kind: SCIM,
		Description: "Group answers give members value and display only, without $ref and type.",
		Breaks:      []Break{b("GRP-007", "every member carries value, $ref and type", "no \"$ref\"")}},
	{Name: "spc-filter-unsupported", Kind: SCIM,
		Description: "ServiceProviderConfig says filter.supported: false although filters work.",
		Breaks:      []Break{b("DSC-007", "filter.supported is true", "filter.supported is not true")}},

	// ---- SAML SP -----------------------------------------------------------
	{Name: "sso-skip-signature", Kind: SSO,
		Description: "Signatures are not verified (gosaml2 SkipSignatureValidation): unsigned, foreign-key and modified assertions sign people in.",
		Breaks:      []Break{b("SSO-004", thenRefuses, msgSignedIn), b("SSO-005", thenRefuses, msgSignedIn), b("SSO-006", thenRefuses, msgSignedIn)}},
	{Name: "sso-ignore-audience", Kind: SSO,
		Description: "The AudienceRestriction is not checked (gosaml2 only warns about it).",
		Breaks:      []Break{b("SSO-010", thenRefuses, msgSignedIn)}},
	{Name: "sso-ignore-recipient", Kind: SSO,
		Description: "Destination and Recipient are compared with the Destination the response itself names, not with the SP's own ACS URL: a response addressed to another SP's ACS signs in.",
		Breaks:      []Break{b("SSO-011", thenRefuses, msgSignedIn)}},
	{Name: "sso-ignore-in-response-to", Kind: SSO,
		Description: "InResponseTo is not checked against the SP's outstanding requests: an answer to a request the SP never made signs in.",
		Breaks:      []Break{b("SSO-012", thenRefuses, msgSignedIn)}},
	{Name: "sso-ignore-expiry", Kind: SSO,
		Description: "Conditions and SubjectConfirmationData times are checked with a 24-hour skew, so expired and not-yet-valid assertions pass.",
		Breaks:      []Break{b("SSO-008", thenRefuses, msgSignedIn), b("SSO-009", thenRefuses, msgSignedIn)}},
	{Name: "sso-no-replay-check", Kind: SSO,
		Description: "Assertion IDs are not remembered: a captured response signs in again.",
		Breaks:      []Break{b("SSO-013", thenRefuses, msgSignedIn)}},
	{Name: "sso-ignore-deactivation", Kind: SSO,
		Description: "Inactive (deprovisioned) users are signed in.",
		Breaks:      []Break{b("SSO-002", thenRefuses, msgSignedIn)}},
	{Name: "sso-sign-in-unknown", Kind: SSO,
		Description: "Users unknown to the directory are signed in (silent just-in-time access).",
		Breaks:      []Break{b("SSO-003", thenRefuses, msgSignedIn)}},
	{Name: "sso-naive-wrapping", Kind: SSO,
		Description: "XML signature wrapping: the signature of the signed assertion is checked, but the identity is read from the first assertion in the document.",
		Breaks:      []Break{b("SSO-007", thenRefuses, msgSignedIn)}},
	{Name: "sso-any-issuer", Kind: SSO,
		Description: "The assertion's Issuer is not compared with the trusted IdP: an assertion naming another issuer but signed with the trusted key signs in.",
		Breaks:      []Break{b("SSO-014", thenRefuses, msgSignedIn)}},
	{Name: "sso-no-session", Kind: SSO,
		Description: "The ACS verifies the response and redirects to the app but sets no session cookie, so nobody is ever signed in.",
		Breaks:      []Break{b("SSO-001", thenSignedIn, msgNotSignedIn)},
		// Every other SSO scenario first signs in validly (its positive
		// control); with no session that control fails, so they end as
		// errors, never as passes.
		Collateral: ssoControlled},
	{Name: "sso-refuse-all", Kind: SSO,
		Description: "Negative control: the SP answers 403 to every request, so nobody can sign in.",
		Breaks:      []Break{b("SSO-001", thenSignedIn, msgNotSignedIn)},
		Collateral:  ssoControlled},
	{Name: "sso-trust-other-issuer", Kind: SSO,
		Description: "Negative control: the SP trusts another IdP entity ID than the one that signs, so every assertion is refused for its issuer.",
		Breaks:      []Break{b("SSO-001", thenSignedIn, msgNotSignedIn)},
		Collateral:  ssoControlled},
	{Name: "sso-dead-acs", Kind: Target, Outcome: ErrorOrFail,
		Description: "Negative control: the suite is given an ACS URL (and login URL) on a closed port, so no sign-in gets an answer.",
		Breaks: []Break{{Scenario: "SSO-001"}, {Scenario: "SSO-002"}, {Scenario: "SSO-003"}, {Scenario: "SSO-004"}, {Scenario: "SSO-005"},
			{Scenario: "SSO-006"}, {Scenario: "SSO-007"}, {Scenario: "SSO-008"}, {Scenario: "SSO-009"}, {Scenario: "SSO-010"},
			{Scenario: "SSO-011"}, {Scenario: "SSO-012"}, {Scenario: "SSO-013"}, {Scenario: "SSO-014"}}},
}
