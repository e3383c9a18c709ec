package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/scimconform/scimconform/reports"
)

// writeEvidence writes the evidence archive of run (already redacted) to
// path through a temporary file, so a reader never sees half an archive.
func writeEvidence(path string, run *reports.Run) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("--evidence: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := reports.WriteEvidence(tmp, run); err != nil {
		return fmt.Errorf("--evidence %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("--evidence %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("--evidence %s: %w", path, err)
	}
	return nil
}
