package steps

import (
	"strings"

	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reports"
)

// Capability names, as in the @needs-<name> tags of the catalogue
// (features/README.md). A capability is an optional feature of the app
// that the run declares; its scenarios are in scope (and required) only
// then.
const (
	// CapGroups is Group Push, declared by Selection.Groups (--groups).
	CapGroups = "groups"
	// CapSSO is SAML sign-in, declared by Config.SSO (--saml-acs and --saml-audience).
	CapSSO = "sso"
	// CapRevokedToken is a token the app has revoked, declared by Config.RevokedToken (--revoked-token-file).
	CapRevokedToken = "revoked-token"
	// CapSAMLLogin is an SP-initiated sign-in URL, declared by SSOConfig.LoginURL (--saml-login-url).
	CapSAMLLogin = "saml-login"
	// CapStrict is the RFC strict tier, declared by Selection.Strict
	// (--strict); every @strict scenario needs it (no @needs- tag).
	CapStrict = "strict"
	// CapPasswordSync is Okta's "Sync password" push, declared by
	// Config.PasswordSync (--password-sync).
	CapPasswordSync = "password-sync"
	// CapAttributes is the admin's attribute mapping (Provisioning › To
	// App), declared by Config.Mapping (--mapping FILE or a preset).
	CapAttributes = "attributes"
	// CapCustomSchema is a mapping row under the app's own schema
	// extension (not the enterprise one), declared by a Config.Mapping that
	// has one: Okta's Import User Schema must find those attributes on
	// /ResourceTypes and /Schemas (mockidp/okta/WIRE.md §15.3).
	CapCustomSchema = "custom-schema"
	// CapEntitlements is "SCIM 2.0 with entitlements" (Okta Identity
	// Governance), declared by Config.Entitlements (--entitlements).
	CapEntitlements = "entitlements"
)

// capability describes one capability for reports.
type capability struct {
	name string
	// flag is what declares it; missing is the flag a note names when it
	// was not given.
	flag, missing string
	// what is the feature in words, for the notes.
	what string
}

var capabilities = []capability{
	{CapGroups, "--groups", "--groups", "Group Push"},
	{CapSSO, "--saml-acs and --saml-audience", "--saml-acs", "SSO"},
	{CapRevokedToken, "--revoked-token-file", "--revoked-token-file", "token revocation"},
	{CapSAMLLogin, "--saml-login-url", "--saml-login-url", "SP-initiated sign-in"},
	{CapStrict, "--strict", "--strict", "RFC strict tier"},
	{CapPasswordSync, "--password-sync", "--password-sync", "password sync"},
	{CapAttributes, "--mapping", "--mapping", "attribute mappings"},
	{CapCustomSchema, "--mapping with a custom extension", "--mapping row under the app's own schema extension", "custom schema"},
	{CapEntitlements, "--entitlements", "--entitlements", "entitlements"},
}

func capabilityByName(name string) *capability {
	for i := range capabilities {
		if capabilities[i].name == name {
			return &capabilities[i]
		}
	}
	return nil
}

func capabilityNames() []string {
	out := make([]string, len(capabilities))
	for i, c := range capabilities {
		out[i] = c.name
	}
	return out
}

// note is the one-sentence statement of what the run (does not) test.
func (c capability) note(declared bool) string {
	if declared {
		return c.what + " tested: " + c.flag + " given"
	}
	return c.what + " not tested: no " + c.missing + " given"
}

// Scope returns every capability the catalogue knows, declared or not,
// with the flag that declares it and a note such as "SSO not tested: no
// --saml-acs given", in a fixed order.
func (sel Selection) Scope() []reports.Capability {
	out := make([]reports.Capability, 0, len(capabilities))
	for _, c := range capabilities {
		d := sel.Declares(c.name)
		out = append(out, reports.Capability{Name: c.name, Declared: d, Flag: c.flag, Note: c.note(d)})
	}
	return out
}

// notInScopeReason says why s does not run: the note of every capability
// it needs that sel does not declare, joined by "; ".
func (sel Selection) notInScopeReason(s ScenarioInfo) string {
	var r string
	for _, n := range sel.Undeclared(s) {
		if c := capabilityByName(n); c != nil {
			if r != "" {
				r += "; "
			}
			r += c.note(false)
		}
	}
	return r
}

// declared derives the capabilities other than groups that c declares.
func (c *Config) declared() []string {
	var d []string
	if c.SSO != nil {
		d = append(d, CapSSO)
		if c.SSO.LoginURL != "" {
			d = append(d, CapSAMLLogin)
		}
	}
	if c.RevokedToken != "" {
		d = append(d, CapRevokedToken)
	}
	if c.PasswordSync {
		d = append(d, CapPasswordSync)
	}
	if c.Mapping != nil {
		d = append(d, CapAttributes)
		for _, urn := range c.Mapping.Extensions() {
			if !strings.EqualFold(urn, okta.SchemaEnterprise) {
				d = append(d, CapCustomSchema)
				break
			}
		}
	}
	if c.Entitlements {
		d = append(d, CapEntitlements)
	}
	return d
}
