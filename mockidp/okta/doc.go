// Package okta is the mock Okta provisioning engine: a SCIM 2.0 client that
// sends, for each Okta admin operation, the request sequence Okta sends and
// judges the answers the way Okta does.
//
// It sits between the scenario steps (steps/) and the SCIM server under test:
// a step asks for an Okta operation (assign a person, unassign, push a group,
// import, ...), the Client performs it against Config.BaseURL and returns an
// Outcome (what Okta would record: success, or a failed task with the
// admin-visible message) together with the raw HTTP exchanges it made.
// It must not import steps, reference or reports: it only sees a URL and
// credentials, exactly like Okta.
//
// # Profiles
//
// ProfileOIN is an OIN catalog app (Apollo.io's case): activation and
// deactivation are PATCH requests with Okta's path-less replace body, group
// rename and membership changes are PATCH requests. ProfileAIW is an App
// Integration Wizard app: every user and group update is a GET followed by a
// full PUT. See mockidp/okta/WIRE.md §1 and the catalogue in §13.
//
// # Wire rules
//
// Every request carries Okta's header set (mockidp/okta/WIRE.md §2.1), the
// configured Authorization form (§2.2), Okta's query encoding (§2.3: %20 for
// spaces by default, '+' with Config.PlusForSpace; parameters in the order
// filter, startIndex, count). Each request has its own timeout (60 s by
// default, §2.5 FAQ); 429 answers are retried after Retry-After seconds or
// RetryPolicy.DefaultWait, doubling each time, for at most
// RetryPolicy.MaxAttempts attempts (§2.5 CONCEPT). No other failure is
// retried; RetryPolicy.MaxWait caps each wait (none by default: Okta's own
// waits) and RetryPolicy.OnWait reports each one. Response bodies are read
// up to Config.MaxBodyBytes; the Transcript keeps at most
// Config.MaxRecordedBody bytes of each, with the size and SHA-256 received.
//
// Rows of mockidp/okta/WIRE.md marked [I] (inferred) are implemented as documented in
// README.md; each such choice is marked "[I]" in the code comment that makes
// it.
//
// # Secrets
//
// The Transcript and every Exchange are raw: checks must judge the bytes
// the server really sent (a token such as "scim" must not turn
// "urn:ietf:params:scim:..." into something else before a check reads it).
// Client.RedactExchange and Client.RedactedTranscript give the copies fit
// for a report: the Authorization value, the configured token, Basic
// username:password and password, every password this client generated and
// every JSON "password" string are replaced with "<redacted>". Nothing in
// this package logs.
package okta
