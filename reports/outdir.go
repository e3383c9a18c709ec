package reports

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// stagingPrefix names the directories ReplaceReports stages a run in.
const stagingPrefix = ".scimconform-staging-"

// PrepareOutDir makes sure the reports of a run can be written to dir
// before the run contacts the target: it creates dir (and its parents),
// proves that a file can be created and removed in it, then calls
// ClearReports. The error names what failed (create or write) and wraps
// the cause.
func PrepareOutDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create the report folder: %w", err)
	}
	f, err := os.CreateTemp(dir, stagingPrefix+"probe-")
	if err != nil {
		return fmt.Errorf("cannot write in the report folder: %w", err)
	}
	name := f.Name()
	cerr := f.Close()
	if err := errors.Join(cerr, os.Remove(name)); err != nil {
		return fmt.Errorf("cannot write in the report folder: %w", err)
	}
	return ClearReports(dir)
}

// ClearReports removes from dir every file a format of this package
// writes (all formats, whichever an earlier run chose), the temporary files
// of an interrupted write and leftover staging directories. Other files in
// dir are left alone; a missing dir is no error. The CLI calls it when a
// run starts, so whatever ends the run, dir never shows an earlier run's
// verdict.
func ClearReports(dir string) error { return clearReports(dir, "") }

// clearReports is ClearReports keeping the staging directory keep.
func clearReports(dir, keep string) error {
	var errs []error
	for _, s := range formatTable {
		if err := os.Remove(filepath.Join(dir, s.file)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("clear old report: %w", err))
		}
		tmps, _ := filepath.Glob(filepath.Join(dir, "."+s.file+".*.tmp"))
		for _, t := range tmps {
			_ = os.Remove(t)
		}
	}
	stages, _ := filepath.Glob(filepath.Join(dir, stagingPrefix+"*"))
	for _, st := range stages {
		if st == keep {
			continue
		}
		if err := os.RemoveAll(st); err != nil {
			errs = append(errs, fmt.Errorf("clear old staging dir: %w", err))
		}
	}
	return errors.Join(errs...)
}

// ReplaceReports writes the given formats of r into dir so that afterwards
// dir holds this run's reports and no other run's: the files are written
// into a staging directory inside dir first; only when every format is
// written are the report files of every format removed from dir and the
// new ones moved in (renames on one file system). If a writer fails, the
// error joins every failure and dir keeps none of the old report files,
// only those of this run that were written. Files names the files now in
// dir.
func ReplaceReports(dir string, r *Run, formats ...Format) (Files, error) {
	files := Files{Dir: dir}
	if r == nil {
		return files, fmt.Errorf("write reports to %s: nil run", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return files, fmt.Errorf("write reports: create %s: %w", dir, err)
	}
	stage, err := os.MkdirTemp(dir, stagingPrefix)
	if err != nil {
		return files, fmt.Errorf("write reports: %w", err)
	}
	defer os.RemoveAll(stage)
	staged, werr := WriteFormats(stage, linkLoadReport(dir, r), formats...)
	if err := clearReports(dir, stage); err != nil {
		return files, errors.Join(werr, err)
	}
	var errs []error
	if werr != nil {
		errs = append(errs, werr)
	}
	for _, s := range formatTable {
		from := *s.field(&staged)
		if from == "" {
			continue
		}
		to := filepath.Join(dir, s.file)
		if err := os.Rename(from, to); err != nil {
			errs = append(errs, fmt.Errorf("write reports: %w", err))
			continue
		}
		*s.field(&files) = to
	}
	return files, errors.Join(errs...)
}
