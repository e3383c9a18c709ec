package steps

// This file: Okta's group import (mockidp/okta/WIRE.md §8, §9.2) with
// Group Push declared. Okta pages with count=100 only; the steps judge the
// pages Okta itself read, never smaller ones it does not send.

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

func registerGroupImportSteps(sc *godog.ScenarioContext) {
	sc.Step(`^Okta imports groups$`, oktaImportsGroups)
	sc.Step(`^the group import lists each of "([^"]*)" exactly once$`, theGroupImportListsEachExactlyOnce)
	sc.Step(`^every page of the group import reports the same totalResults, and the pages hold that many groups$`, theGroupImportPagesAreConsistent)
}

func oktaImportsGroups(ctx context.Context) error {
	w := worldFrom(ctx)
	_, o := w.client.ImportGroups(ctx)
	w.setOutcome(o)
	return nil
}

// importPages returns the GET /Groups pages of the last outcome, which must
// be a group import.
func (w *world) importPages() ([]*okta.Exchange, error) {
	if w.outcome == nil {
		return nil, harnessf("no group import ran before this step")
	}
	var pages []*okta.Exchange
	for i := range w.outcome.Exchanges {
		ex := &w.outcome.Exchanges[i]
		if ex.Method == http.MethodGet && strings.Contains(ex.URL, "/Groups?") {
			pages = append(pages, ex)
		}
	}
	if len(pages) == 0 {
		return nil, harnessf("the last Okta operation read no page of /Groups")
	}
	return pages, nil
}

// theGroupImportListsEachExactlyOnce counts each pushed group's id across
// every page Okta read: a group Okta does not see is never linked, and one
// seen twice is imported twice.
func theGroupImportListsEachExactlyOnce(ctx context.Context, aliases string) error {
	w := worldFrom(ctx)
	pages, err := w.importPages()
	if err != nil {
		return err
	}
	count := map[string]int{}
	names := map[string]string{}
	for _, ex := range pages {
		m := w.decodeObject(ex)
		if m == nil {
			return w.rec.err()
		}
		for _, r := range resources(m) {
			id, _ := r["id"].(string)
			count[id]++
			names[id], _ = r["displayName"].(string)
		}
	}
	for _, a := range splitAliases(aliases) {
		g := w.group(a)
		if g.SCIMID == "" || !w.pushed[a] {
			return harnessf("group %q was not pushed before the import", a)
		}
		switch n := count[g.SCIMID]; {
		case n == 0:
			w.rec.fail(fmt.Sprintf("the group %q (%s) is missing from Okta's group import (%d pages read)", a, g.SCIMID, len(pages)), "listed once", "not listed")
		case n > 1:
			w.rec.fail(fmt.Sprintf("the group %q (%s) is listed %d times across the pages of Okta's group import", a, g.SCIMID, n), "listed once", strconv.Itoa(n)+" times")
		case names[g.SCIMID] != g.Name:
			w.rec.fail(fmt.Sprintf("the group %q is listed in Okta's group import under another displayName", a), g.Name, names[g.SCIMID])
		}
	}
	return w.rec.err()
}

// theGroupImportPagesAreConsistent checks RFC 7644 §3.4.2.4 on the pages
// Okta read: each states the same totalResults, and all of them together
// hold exactly that many distinct groups (the scenario runs alone, so the
// tenant does not change midway).
func theGroupImportPagesAreConsistent(ctx context.Context) error {
	w := worldFrom(ctx)
	pages, err := w.importPages()
	if err != nil {
		return err
	}
	total, held := -1, 0
	distinct := map[string]bool{}
	for i, ex := range pages {
		w.rec.about(fmt.Sprintf("page %d (%s)", i+1, ex.URL))
		m := w.checkListResponse(ex)
		w.rec.about("")
		if m == nil {
			return w.rec.err()
		}
		t, ok := m["totalResults"].(float64)
		if !ok {
			continue // checkListResponse reported it
		}
		if total >= 0 && int(t) != total {
			w.rec.fail(fmt.Sprintf("page %d of Okta's group import states another totalResults than page 1", i+1), strconv.Itoa(total), strconv.Itoa(int(t)))
		}
		if total < 0 {
			total = int(t)
		}
		for _, r := range resources(m) {
			held++
			id, _ := r["id"].(string)
			distinct[id] = true
		}
	}
	if total >= 0 && (held != total || len(distinct) != total) {
		w.rec.fail(fmt.Sprintf("the %d pages of Okta's group import hold %d groups (%d distinct), but totalResults is %d", len(pages), held, len(distinct), total),
			strconv.Itoa(total), strconv.Itoa(held))
	}
	return w.rec.err()
}
