package sso

import (
	"errors"
	"net/http"
)

// Refusal reasons. Every refused sign-in returns a *RefusalError whose
// Reason is one of these, so errors.Is(err, ErrAudience) and the like tell
// callers exactly why. ErrUnsigned and ErrUntrustedCert also match
// ErrSignature.
var (
	// ErrMalformed: the SAMLResponse is missing, not base64, not XML, not a
	// Response, or lacks a required element.
	ErrMalformed = errors.New("malformed SAML response")
	// ErrWrapping: the Response carries more or fewer than exactly one
	// Assertion, or one that is not its direct child — the shape of an XML
	// signature wrapping attack.
	ErrWrapping = errors.New("the response must carry exactly one assertion as a direct child (possible signature wrapping)")
	// ErrSignature: a signature does not verify (the message was modified
	// after signing, or its signature is broken).
	ErrSignature = errors.New("signature invalid")
	// ErrUnsigned: neither the Response nor the Assertion is signed.
	ErrUnsigned = reason("unsigned: neither the response nor the assertion is signed", ErrSignature)
	// ErrUntrustedCert: signed with a key or certificate that is not the
	// IdP's (or whose certificate is not valid now).
	ErrUntrustedCert = reason("signed with a certificate that is not the IdP's", ErrSignature)
	// ErrIssuer: the Issuer is not the IdP's entity ID.
	ErrIssuer = errors.New("issuer is not the configured IdP")
	// ErrStatus: the Response's status is not Success.
	ErrStatus = errors.New("the IdP reported a failure status")
	// ErrAudience: no AudienceRestriction names this SP's entity ID.
	ErrAudience = errors.New("assertion audience is not this SP")
	// ErrRecipient: Response@Destination or SubjectConfirmationData@Recipient
	// is not this SP's ACS URL.
	ErrRecipient = errors.New("destination or recipient is not this SP's ACS URL")
	// ErrExpired: a NotOnOrAfter lies in the past, beyond the clock skew.
	ErrExpired = errors.New("assertion expired")
	// ErrNotYetValid: Conditions@NotBefore lies in the future, beyond the
	// clock skew.
	ErrNotYetValid = errors.New("assertion not yet valid")
	// ErrInResponseTo: InResponseTo names no outstanding AuthnRequest of
	// this SP, or the response is unsolicited while IdP-initiated sign-in
	// is disabled.
	ErrInResponseTo = errors.New("InResponseTo does not match an outstanding request")
	// ErrReplay: this assertion ID was already used.
	ErrReplay = errors.New("assertion already used (replay)")
	// ErrReplayCacheFull: too many unexpired assertions are remembered to
	// take another; the sign-in is refused rather than risking a replay.
	ErrReplayCacheFull = errors.New("replay cache full, try again later")
	// ErrUnknownUser: no user with the NameID as userName exists.
	ErrUnknownUser = errors.New("unknown user: not provisioned to this app")
	// ErrInactiveUser: the user exists but is not active.
	ErrInactiveUser = errors.New("user is deactivated")
	// ErrDirectory: the user directory failed to answer.
	ErrDirectory = errors.New("user directory unavailable")
)

type reasonError struct {
	msg    string
	parent error
}

func reason(msg string, parent error) error { return &reasonError{msg: msg, parent: parent} }
func (e *reasonError) Error() string        { return e.msg }
func (e *reasonError) Unwrap() error        { return e.parent }

// RefusalError is a refused sign-in: Reason is one of the Err* values above,
// Detail a short explanation safe to show and log (it never holds the
// assertion itself), Status the HTTP status the ACS answers with.
type RefusalError struct {
	Reason error
	Detail string
	Status int
}

// Error returns "sign-in refused: <reason>" with the detail appended.
func (e *RefusalError) Error() string {
	s := "sign-in refused: " + e.Reason.Error()
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Unwrap returns Reason, so errors.Is matches the Err* values.
func (e *RefusalError) Unwrap() error { return e.Reason }

// ReasonCode returns a stable short code for a refusal reason, used in log
// lines: "audience", "replay", … ("other" for an unknown error).
func ReasonCode(err error) string {
	for _, c := range reasonCodes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return "other"
}

// Order matters: the specific signature reasons before ErrSignature.
var reasonCodes = []struct {
	err  error
	code string
}{
	{ErrMalformed, "malformed"}, {ErrWrapping, "wrapping"}, {ErrUnsigned, "unsigned"},
	{ErrUntrustedCert, "untrusted-cert"}, {ErrSignature, "signature"}, {ErrIssuer, "issuer"},
	{ErrStatus, "status"}, {ErrAudience, "audience"}, {ErrRecipient, "recipient"},
	{ErrExpired, "expired"}, {ErrNotYetValid, "not-yet-valid"}, {ErrInResponseTo, "in-response-to"},
	{ErrReplay, "replay"}, {ErrReplayCacheFull, "replay-cache-full"}, {ErrUnknownUser, "unknown-user"},
	{ErrInactiveUser, "inactive-user"}, {ErrDirectory, "directory"},
}

func refuse(reason error, detail string) *RefusalError {
	status := http.StatusBadRequest
	switch reason {
	case ErrUnknownUser, ErrInactiveUser:
		status = http.StatusForbidden
	case ErrReplayCacheFull, ErrDirectory:
		status = http.StatusServiceUnavailable
	}
	return &RefusalError{Reason: reason, Detail: truncate(detail, 200), Status: status}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
