package faults

// Step text and message fragments of the password scenarios (features/password.feature).
const (
	thenNoPushPassword = "no answer to the password push contains a password Okta sent"
	thenKeptOnPush     = "had before the password push"
	msgChangedOnPush   = "changed with the password push"
	msgOneOf           = "answered an unexpected status"
)

// passwordCatalogue holds the faults of password sync (@needs-password-sync).
// Each acts on a user update that carries a password: Okta's push (OIN
// PATCH, AIW PUT) and also USR-008's raw PUT, which sends Okta's password
// along with the user it read.
var passwordCatalogue = []Fault{
	{Name: "refuse-password-patch", Kind: SCIM, Profiles: []string{OIN}, // AIW pushes with PUT: refuse-password-put
		Description: "PATCH /Users/{id} whose operations set password answers 400 invalidValue (the server cannot change passwords by PATCH).",
		Breaks: []Break{b("PWD-001", thenAnswers+" 200 or 204", msgOneOf),
			b("PWD-002", thenRecorded, msgTaskFailed), b("PWD-003", thenRecorded, msgTaskFailed)}},
	{Name: "refuse-password-put", Kind: SCIM, Profiles: []string{AIW}, // OIN pushes with PATCH: refuse-password-patch
		Description: "PUT /Users/{id} with a non-empty password answers 400 invalidValue; PUTs without one work.",
		Breaks: []Break{b("PWD-001", thenAnswers+" 200 or 204", msgOneOf),
			b("PWD-002", thenRecorded, msgTaskFailed), b("PWD-003", thenRecorded, msgTaskFailed),
			b("USR-008", thenAnswers+" 200", msgWrongStatus)}},
	{Name: "echo-password-on-update", Kind: SCIM,
		Description: "A PUT or PATCH /Users/{id} that carries a password answers with that password in the user (\"password\": ...); reads and creates do not show it.",
		Breaks:      []Break{b("PWD-002", thenNoPushPassword, msgPassword), b("USR-008", thenNoPassword, msgPassword)}},
	{Name: "password-push-deactivates", Kind: SCIM,
		Description: "A PUT or PATCH /Users/{id} that carries a password also sets active false (the server treats a password reset as a lock-out).",
		Breaks: []Break{b("PWD-003", "the answer has active true", "wrong value"),
			b("USR-008", thenAsOktaSent, `"active" must be the JSON boolean true`)}},
	{Name: "password-push-drops-name", Kind: SCIM,
		Description: "A PUT or PATCH /Users/{id} that carries a password also removes name (the password handler rebuilds the user without it).",
		Breaks:      []Break{b("PWD-003", thenKeptOnPush, msgChangedOnPush), b("USR-008", thenAsOktaSent, "name.givenName differs")}},
}
