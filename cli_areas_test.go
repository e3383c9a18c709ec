package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/scimconform/scimconform/internal/config"
	"github.com/scimconform/scimconform/steps"
)

// TestFeaturesHelpListsEveryArea checks that the --features help of run
// (config.Keys), of list and the README's configuration row name every
// area of the catalogue, the strict tier's included: an area a user cannot
// find is one they never select.
func TestFeaturesHelpListsEveryArea(t *testing.T) {
	cat, err := steps.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	areas := map[string]bool{}
	for _, s := range cat {
		for _, a := range s.Areas {
			areas[a] = true
		}
	}
	var runUsage string
	for _, k := range config.Keys {
		if k.Name == "features" {
			runUsage = k.Usage
		}
	}
	var out bytes.Buffer
	cmd := newListCmd(&cliEnv{stdout: &out, stderr: &out, stdin: strings.NewReader(""), getenv: func(string) string { return "" }})
	listUsage := cmd.Flags().Lookup("features").Usage
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var row string
	for _, l := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(l, "| `--features` |") {
			row = l
		}
	}
	for name, text := range map[string]string{"run --features": runUsage, "list --features": listUsage, "README --features row": row} {
		words := map[string]bool{}
		for _, w := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == '`' || r == ':' || r == ';' }) {
			words[w] = true
		}
		for a := range areas {
			if !words[a] {
				t.Errorf("%s does not list area %q: %s", name, a, text)
			}
		}
	}
}
