package scimtest_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/steps/scimtest"
)

// Example runs two scenarios against a SCIM handler in an httptest.Server
// (here the reference server; a vendor wraps their own handler). In a
// test, call scimtest.Run(t, cfg) instead: each scenario becomes a subtest.
func Example() {
	const token = "example-token-0123456789"
	handler, err := reference.New(reference.WithToken(token))
	if err != nil {
		panic(err)
	}
	defer handler.Close()
	srv := httptest.NewServer(handler)
	defer srv.Close()

	run, err := scimtest.Check(context.Background(), scimtest.Config{
		URL: srv.URL + reference.BasePath, Token: token, Tags: "@USR-001,@USR-002",
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, f := range run.Features {
		for _, sc := range f.Scenarios {
			fmt.Println(sc.ID, sc.Status)
		}
	}
	fmt.Println("verdict:", run.Totals.Verdict())
	// Output:
	// USR-001 pass
	// USR-002 pass
	// verdict: pass
}
