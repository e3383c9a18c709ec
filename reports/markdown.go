package reports

import (
	"fmt"
	"io"
	"strings"
)

// mdMaxRows caps the failure and skip tables so summary.md stays far below
// GitHub's 1 MiB step-summary limit.
const mdMaxRows = 100

// WriteMarkdown writes a compact Markdown summary of r for
// $GITHUB_STEP_SUMMARY and pull-request comments: a verdict line
// (Totals.VerdictText), the target, the scope (one line per capability,
// in scope or not, with the flag that declares it), a counts table, per-area and per-tier tables, a table of failing
// scenarios with their one-line reasons (and a "How to fix" column, the
// catalogue's Scenario.Fix, when a failure has a hint), the strict tier's
// grade per area when it was in scope (Run.StrictGrades), and the skipped scenarios with
// reasons and the not-in-scope scenarios in collapsed blocks. Text from the run is escaped so that it
// cannot break the tables or inject markup, and control characters are
// escaped (SafeText). A partial run says so under the heading.
func WriteMarkdown(w io.Writer, r *Run) error {
	if r == nil {
		return fmt.Errorf("write summary.md: nil run")
	}
	t := r.totals()
	var b strings.Builder
	icon := map[Verdict]string{VerdictPass: "✅", VerdictFail: "❌", VerdictError: "💥"}[t.Verdict()]
	verdict := icon + " " + t.VerdictText()
	fmt.Fprintf(&b, "## %s conformance: %s\n\n", mdText(nonEmpty(r.Tool.Name, "scimconform")), verdict)
	fmt.Fprintf(&b, "Target `%s` · auth `%s` · profile `%s`", mdCode(r.Target.BaseURL), mdCode(r.Target.AuthMode), mdCode(r.Target.Profile))
	if r.Target.Image != "" {
		fmt.Fprintf(&b, " · image `%s`", mdCode(r.Target.Image))
	}
	fmt.Fprintf(&b, "  \n%s %s · catalogue %s", mdText(nonEmpty(r.Tool.Name, "scimconform")), mdText(r.Tool.Version), mdText(r.CatalogVersion))
	if !r.StartedAt.IsZero() {
		fmt.Fprintf(&b, " · %s UTC · %s", r.StartedAt.UTC().Format("2006-01-02 15:04:05"), runDuration(r).Round(1e6))
	}
	b.WriteString("\n\n")
	if n := r.PartialNote(); n != "" {
		fmt.Fprintf(&b, "> ⚠️ **%s**\n\n", mdText(n))
	}
	if r.LoadReport != "" {
		fmt.Fprintf(&b, "Load report: [%s](%s) (`scimconform load`, in the same output directory)\n\n", mdText(r.LoadReport), r.LoadReport)
	}
	if r.Baseline != "" {
		fmt.Fprintf(&b, "Compared with baseline `%s`: failures are marked new or known.\n\n", mdCode(r.Baseline))
	}
	if len(r.Scope) > 0 {
		b.WriteString("**Scope**\n\n")
		for _, c := range r.Scope {
			state := "✔️ in scope"
			if !c.Declared {
				state = "➖ not in scope"
			}
			fmt.Fprintf(&b, "- %s: %s (`%s`)\n", state, mdText(capabilityNote(c)), mdCode(c.Flag))
		}
		b.WriteString("\n")
	}
	b.WriteString("| Scenarios | ✅ Passed | ❌ Failed | 💥 Error | ⏭️ Skipped | ➖ Not in scope | Required failing | Required error | Required skipped |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %d | %d | %d |\n\n", t.Scenarios, t.Passed, t.Failed, t.Errored, t.Skipped, t.NotInScope, t.RequiredFailed, t.RequiredErrored, t.RequiredSkipped)

	for _, g := range []struct {
		title string
		rows  []counts
	}{{"Area", r.groupCounts(areasOf)}, {"Tier", r.groupCounts(tierOf)}} {
		if len(g.rows) == 0 {
			continue
		}
		fmt.Fprintf(&b, "| %s | Passed | Failed | Error | Skipped | Not in scope |\n|---|---:|---:|---:|---:|---:|\n", g.title)
		for _, c := range g.rows {
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d |\n", mdText(c.Name), c.Pass, c.Fail, c.Error, c.Skip, c.NotInScope)
		}
		b.WriteString("\n")
	}

	var failing, skipped, outOfScope, waived []scenarioRef
	for _, ref := range r.ordered() {
		switch ref.Scenario.Status {
		case StatusPass:
		case StatusWaived:
			waived = append(waived, ref)
		case StatusNotInScope:
			outOfScope = append(outOfScope, ref)
		case StatusSkip:
			skipped = append(skipped, ref)
		default:
			failing = append(failing, ref)
		}
	}
	if len(r.RootCauses) > 0 {
		fmt.Fprintf(&b, "### %s\n\n| Root cause | Blocked scenarios | First failing exchange |\n|---|---|---|\n", mdText(rootCausesHeading(r)))
		for _, c := range r.RootCauses {
			ids := make([]string, len(c.Scenarios))
			for i, id := range c.Scenarios {
				ids[i] = "`" + mdCode(id) + "`"
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", mdText(c.Text()), strings.Join(ids, " "), mdText(truncate(c.Exchange, 200)))
		}
		b.WriteString("\n")
		own, blocked := failing[:0:0], failing[:0:0]
		for _, ref := range failing {
			if ref.Scenario.BlockedBy == "" {
				own = append(own, ref)
			} else {
				blocked = append(blocked, ref)
			}
		}
		fmt.Fprintf(&b, "<details><summary>%d blocked scenario(s)</summary>\n\n| Status | ID | Tier | Scenario | Blocked by |\n|---|---|---|---|---|\n", len(blocked))
		for i, ref := range blocked {
			if i == mdMaxRows {
				fmt.Fprintf(&b, "\n… and %d more, see report.html\n", len(blocked)-mdMaxRows)
				break
			}
			sc := ref.Scenario
			fmt.Fprintf(&b, "| %s%s | `%s` | %s | %s | %s |\n", mdStatus(sc.Status), mdText(regressionMark(sc)), mdCode(sc.ID), mdText(r.tierLabel(sc)), mdText(sc.Title), mdText(sc.BlockedBy))
		}
		b.WriteString("\n</details>\n\n")
		failing = own
	}
	if len(failing) > 0 {
		// The "How to fix" column appears only when some row has a hint,
		// so a default (Okta) run's table keeps its shape.
		withFix := false
		for i, ref := range failing {
			withFix = withFix || (i < mdMaxRows && ref.Scenario.fixHint() != "")
		}
		b.WriteString("### Failing scenarios\n\n| Status | ID | Tier | Scenario | Reason |")
		if withFix {
			b.WriteString(" How to fix |\n|---|---|---|---|---|---|\n")
		} else {
			b.WriteString("\n|---|---|---|---|---|\n")
		}
		for i, ref := range failing {
			if i == mdMaxRows {
				fmt.Fprintf(&b, "\n… and %d more, see report.html\n", len(failing)-mdMaxRows)
				break
			}
			sc := ref.Scenario
			fmt.Fprintf(&b, "| %s%s | `%s` | %s | %s | %s |", mdStatus(sc.Status), mdText(regressionMark(sc)), mdCode(sc.ID), mdText(r.tierLabel(sc)), mdText(sc.Title), mdText(oneLineReason(sc, 200)))
			if withFix {
				fmt.Fprintf(&b, " %s |", mdText(sc.fixHint()))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	if grades := r.StrictGrades(); len(grades) > 0 {
		b.WriteString("### Strict tier (RFC 7643/7644) per area\n\n| Area | Grade | MUST failed | SHOULD failed | Undecided |\n|---|---|---:|---:|---:|\n")
		for _, g := range grades {
			fmt.Fprintf(&b, "| %s | %s | %d of %d | %d of %d | %d |\n", mdText(g.Area), mdGrade(g.Grade), g.MustFailed, g.Must, g.ShouldFailed, g.Should, g.Undecided)
		}
		b.WriteString("\n")
	}
	if len(waived) > 0 {
		b.WriteString("### Waived failures (known, not passes)\n\n| ID | Scenario | Waiver | Failure |\n|---|---|---|---|\n")
		for _, ref := range waived {
			sc := ref.Scenario
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", mdCode(sc.ID), mdText(sc.Title), mdText(waiverText(sc.Waiver)), mdText(oneLineReason(sc, 200)))
		}
		b.WriteString("\n")
	}
	if len(r.StaleWaivers) > 0 {
		b.WriteString("### Stale waivers\n\n")
		for _, sw := range r.StaleWaivers {
			fmt.Fprintf(&b, "- %s\n", mdText(staleText(sw)))
		}
		b.WriteString("\n")
	}
	mdCollapsed(&b, skipped, "skipped scenario(s)", "Reason")
	mdCollapsed(&b, outOfScope, "scenario(s) not in scope", "Why")
	b.WriteString("Full evidence: `report.html` (open from disk), `results.json`, `junit.xml`, `transcript.har`.\n")
	// Server text must not smuggle control sequences into a terminal that
	// prints the summary (CI logs do).
	if _, err := io.WriteString(w, SafeText(b.String())); err != nil {
		return fmt.Errorf("write summary.md: %w", err)
	}
	return nil
}

// mdGrade is a StrictGrade's grade with the icon of its status.
func mdGrade(g string) string {
	icon := map[string]string{GradeFailsMust: "❌", GradeFailsShould: "⚠️", GradeUndecided: "💥", GradePasses: "✅"}[g]
	return strings.TrimSpace(icon + " " + mdText(g))
}

func mdStatus(s Status) string {
	switch s {
	case StatusFail:
		return "❌ fail"
	case StatusError:
		return "💥 error"
	case StatusSkip:
		return "⏭️ skip"
	case StatusPass:
		return "✅ pass"
	case StatusNotInScope:
		return "➖ not in scope"
	case StatusWaived:
		return "🏷️ waived"
	}
	return "💥 " + mdText(string(s))
}

// mdReplacer escapes text for a Markdown table cell: no table breaks, no
// HTML, no links or emphasis from hostile server text.
var mdReplacer = strings.NewReplacer(
	"|", `\|`, "\\", `\\`, "<", "&lt;", ">", "&gt;", "&", "&amp;",
	"[", `\[`, "]", `\]`, "*", `\*`, "_", `\_`, "`", "'", "\r", " ", "\n", " ",
)

func mdText(s string) string { return mdReplacer.Replace(s) }

// mdCode prepares text for an inline code span: backticks and newlines
// cannot end the span; pipes are escaped for tables.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", `\|`, "\n", " ", "\r", " ").Replace(s)
}

// mdCollapsed writes refs as a collapsed table (ID, title, one-line reason
// under the column reason), at most mdMaxRows rows; nothing when refs is empty.
func mdCollapsed(b *strings.Builder, refs []scenarioRef, what, reason string) {
	if len(refs) == 0 {
		return
	}
	fmt.Fprintf(b, "<details><summary>%d %s</summary>\n\n| ID | Scenario | %s |\n|---|---|---|\n", len(refs), what, reason)
	for i, ref := range refs {
		if i == mdMaxRows {
			fmt.Fprintf(b, "\n… and %d more\n", len(refs)-mdMaxRows)
			break
		}
		sc := ref.Scenario
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", mdCode(sc.ID), mdText(sc.Title), mdText(truncate(oneLine(sc.Reason), 200)))
	}
	b.WriteString("\n</details>\n\n")
}
