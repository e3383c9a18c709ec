package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/scimconform/scimconform/reports"
	"github.com/scimconform/scimconform/steps"
)

// selectionOf is what a run of cfg records about its selection, so that
// `report merge` can tell the shards of one run from unrelated runs.
// cfg must be validated (Validate sets the declared capabilities).
func selectionOf(cfg steps.Config) *reports.Selection {
	return &reports.Selection{Expression: cfg.Selection.Expression(), Shard: cfg.Selection.Shard.String()}
}

// emptyShardRun returns the run of a shard that holds none of the selected
// scenarios (a small selection split into many shards), and true; nil and
// false when the shard is not empty or the whole selection is (then
// "nothing selected" is a usage error as without --shard). An empty shard
// lists no scenario and passes: the merged report judges the selection.
func emptyShardRun(cfg steps.Config, err error) (*reports.Run, bool) {
	if !errors.Is(err, steps.ErrNothingSelected) || cfg.Selection.Shard.Count < 2 {
		return nil, false
	}
	all, cerr := steps.Catalog()
	whole := cfg.Selection
	whole.Shard = steps.Shard{}
	if cerr != nil || len(whole.Select(all)) == 0 {
		return nil, false
	}
	run := runHeader(cfg, time.Now().UTC())
	run.Scope = cfg.Selection.Scope()
	run.Features = []reports.Feature{}
	return run, true
}

// printShard says which shard a sharded run runs, before it starts.
func printShard(w io.Writer, cfg steps.Config) {
	if cfg.Selection.Shard.Count == 0 {
		return
	}
	all, err := steps.Catalog()
	if err != nil {
		return
	}
	whole := cfg.Selection
	whole.Shard = steps.Shard{}
	fmt.Fprintf(w, "shard %s: %d of the %d selected scenarios (merge the %d shards with: scimconform report merge)\n",
		cfg.Selection.Shard, len(cfg.Selection.Select(all)), len(whole.Select(all)), cfg.Selection.Shard.Count)
}
