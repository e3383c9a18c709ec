//go:build !unix

package store

import "os"

// lockFile does nothing where flock(2) is missing: there, nothing stops a
// second process from serving the same SQLite database (README: one
// process per SQLite database).
func lockFile(string) (*os.File, error) { return nil, nil }
