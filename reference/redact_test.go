package reference

import (
	"strings"
	"testing"
)

func TestRedactDB(t *testing.T) {
	for in, want := range map[string]string{
		"scim.db":  "scim.db",
		":memory:": ":memory:",
		"postgres://scim:hunter2-pw@db:5432/scim?sslmode=disable":  "postgres://scim:xxxxx@db:5432/scim?sslmode=disable",
		"postgresql://db/scim?password=hunter2-pw&sslmode=require": "postgresql://db/scim?password=xxxxx&sslmode=require",
		"postgres://scim@127.0.0.1/scim":                           "postgres://scim@127.0.0.1/scim",
	} {
		got := RedactDB(in)
		if got != want || strings.Contains(got, "hunter2") {
			t.Errorf("RedactDB(%q) = %q, want %q", in, got, want)
		}
	}
}
