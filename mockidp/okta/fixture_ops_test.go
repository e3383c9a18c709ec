package okta_test

// The people, groups and operations the fixtures of testdata/ replay.

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/scimconform/scimconform/mockidp/okta"
)

func ada() *okta.Person {
	return &okta.Person{ID: adaID, Login: "ada@example.com", Email: "ada@example.com", GivenName: "Ada", FamilyName: "Lovelace"}
}

// adaEnterprise is Ada with a value for every row of the enterprise preset.
func adaEnterprise() *okta.Person {
	p := ada()
	p.Attributes = map[string]string{"department": "Mathematics", "employeeNumber": "1815", "costCenter": "CC-0042",
		"organization": "Analytical Engines Ltd", "division": "Research", "managerId": bobID}
	return p
}

// fixtureMapping returns the mapping an operation's fixture runs with.
func fixtureMapping(t *testing.T, op string) *okta.Mapping {
	if !strings.Contains(op, "-enterprise") {
		return nil
	}
	m, err := okta.LoadMapping("enterprise")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func bob() *okta.Person {
	return &okta.Person{ID: bobID, Login: "bob@example.com", Email: "bob@example.com", GivenName: "Bob", FamilyName: "Babbage"}
}

func allFeatures() okta.Features {
	f := okta.DefaultFeatures()
	f.PushGroups = true
	f.SyncPassword = true
	f.ImportGroups = true
	return f
}

// fixtureOps drives each operation from a known Okta state.
var fixtureOps = map[string]func(ctx context.Context, c *okta.Client) okta.Outcome{
	"test-credentials": func(ctx context.Context, c *okta.Client) okta.Outcome { return c.TestCredentials(ctx) },
	"assign-new": func(ctx context.Context, c *okta.Client) okta.Outcome {
		_, out := c.Assign(ctx, ada())
		return out
	},
	"assign-existing": func(ctx context.Context, c *okta.Client) okta.Outcome {
		_, out := c.Assign(ctx, ada())
		return out
	},
	"assign-inactive": func(ctx context.Context, c *okta.Client) okta.Outcome {
		_, out := c.Assign(ctx, ada())
		return out
	},
	"update-profile": func(ctx context.Context, c *okta.Client) okta.Outcome {
		p := ada()
		c.Link(p, adaSCIM, true)
		p.GivenName = "Augusta"
		p.MiddleName = "Ada"
		return c.UpdateProfile(ctx, p)
	},
	"push-password": func(ctx context.Context, c *okta.Client) okta.Outcome {
		p := ada()
		c.Link(p, adaSCIM, true)
		_, out := c.PushPassword(ctx, p)
		return out
	},
	"assign-new-enterprise": func(ctx context.Context, c *okta.Client) okta.Outcome {
		_, out := c.Assign(ctx, adaEnterprise())
		return out
	},
	"update-profile-enterprise": func(ctx context.Context, c *okta.Client) okta.Outcome {
		p := adaEnterprise()
		c.Link(p, adaSCIM, true)
		p.Attributes["department"] = "Computing"
		delete(p.Attributes, "costCenter")
		return c.UpdateProfile(ctx, p)
	},
	"update-profile-enterprise-cleared": func(ctx context.Context, c *okta.Client) okta.Outcome {
		p := adaEnterprise()
		c.Link(p, adaSCIM, true)
		p.Attributes = nil
		return c.UpdateProfile(ctx, p)
	},
	"unassign": func(ctx context.Context, c *okta.Client) okta.Outcome {
		p := ada()
		c.Link(p, adaSCIM, true)
		return c.Unassign(ctx, p)
	},
	"change-primary-email": func(ctx context.Context, c *okta.Client) okta.Outcome {
		p := ada()
		c.Link(p, adaSCIM, true)
		_, out := c.ChangePrimaryEmail(ctx, p, "ada.king@example.com")
		return out
	},
	"import-users": func(ctx context.Context, c *okta.Client) okta.Outcome {
		_, out := c.ImportUsers(ctx)
		return out
	},
	"push-group": func(ctx context.Context, c *okta.Client) okta.Outcome {
		return c.PushGroup(ctx, engineering(c, ""))
	},
	"push-group-existing": func(ctx context.Context, c *okta.Client) okta.Outcome {
		return c.PushGroup(ctx, engineering(c, ""))
	},
	"update-group-members": func(ctx context.Context, c *okta.Client) okta.Outcome {
		g := engineering(c, groupSCIM)
		a, _ := c.Assignment(adaID)
		b, _ := c.Assignment(bobID)
		g.Members = []*okta.Assignment{a}
		return c.UpdateGroupMembers(ctx, g, []*okta.Assignment{b}, []*okta.Assignment{a})
	},
	"remove-group-members": func(ctx context.Context, c *okta.Client) okta.Outcome {
		g := engineering(c, groupSCIM)
		return c.UpdateGroupMembers(ctx, g, nil, g.Members)
	},
	"import-groups": func(ctx context.Context, c *okta.Client) okta.Outcome {
		_, out := c.ImportGroups(ctx)
		return out
	},
	"push-now": func(ctx context.Context, c *okta.Client) okta.Outcome {
		return c.PushNow(ctx, engineering(c, groupSCIM))
	},
	"rename-group": func(ctx context.Context, c *okta.Client) okta.Outcome {
		return c.RenameGroup(ctx, engineering(c, groupSCIM), "Engineering & Research")
	},
	"unlink-delete-group": func(ctx context.Context, c *okta.Client) okta.Outcome {
		return c.UnlinkAndDeleteGroup(ctx, engineering(c, groupSCIM))
	},
}

// engineering links Ada and Bob and returns the group "Engineering Team"
// with both as members.
func engineering(c *okta.Client, scimID string) *okta.Group {
	a := c.Link(ada(), adaSCIM, true)
	b := c.Link(bob(), bobSCIM, true)
	return &okta.Group{ID: "00g1ab2cd3ef4gh5ij6k", Name: "Engineering Team", SCIMID: scimID, Members: []*okta.Assignment{a, b}}
}

// authCase is one Authorization form of mockidp/okta/WIRE.md §2.2.
type authCase struct {
	creds okta.Credentials
	want  string
}

var authCases = map[string]authCase{
	"bearer": {okta.Credentials{Mode: okta.AuthBearer, Token: testToken}, "Bearer " + testToken},
	"header": {okta.Credentials{Mode: okta.AuthHeader, Token: testToken}, testToken},
	"basic": {okta.Credentials{Mode: okta.AuthBasic, Username: "okta", Password: "s3cret-pw"},
		"Basic " + base64.StdEncoding.EncodeToString([]byte("okta:s3cret-pw"))},
}

// commonOnly are the operations pinned in testdata/common only.
var commonOnly = map[string]bool{"update-profile-enterprise-cleared": true}
