// Package features holds the Gherkin scenario catalogue of scimconform,
// embedded into the binary. It contains no code besides the embedding; the
// step definitions live in steps/.
package features

import "embed"

// FS holds every *.feature file of the catalogue at its root.
//
//go:embed *.feature
var FS embed.FS

// IDs is ids.txt: every scenario ID ever used with its tier, or "retired".
// A test in steps/ keeps it and the catalogue in agreement.
//
//go:embed ids.txt
var IDs string

// CatalogVersion identifies this version of the scenario catalogue. It
// changes whenever a scenario is added, removed or changes meaning.
const CatalogVersion = "2026.12.6"
