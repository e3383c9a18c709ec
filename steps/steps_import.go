package steps

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// maxPages bounds paging so that a server with broken counters cannot keep
// the harness busy forever.
const maxPages = 200

func registerImportSteps(sc *godog.ScenarioContext) {
	sc.Step(`^(\d+) people from this run are assigned to the app$`, peopleFromThisRunAreAssigned)
	sc.Step(`^Okta pages through all users in small pages$`, oktaPagesThroughAllUsers)
	sc.Step(`^every page is a ListResponse with integer counters$`, everyPageIsAListResponse)
	sc.Step(`^every user from this run is seen exactly once$`, everyUserFromThisRunIsSeenOnce)
	sc.Step(`^no user is seen twice$`, noUserIsSeenTwice)
	sc.Step(`^the pages list the users in the same order as the full listing, twice$`, thePagesKeepTheOrderOfTheFullListing)
	sc.Step(`^Okta requests users with startIndex (\d+) and count (\d+)$`, oktaRequestsUsersPage)
	sc.Step(`^itemsPerPage equals the number of Resources returned$`, itemsPerPageEqualsReturned)
	sc.Step(`^the answer returns at most (\d+) resources$`, theAnswerReturnsAtMost)
	sc.Step(`^Okta requests the page after the last user$`, oktaRequestsThePageAfterTheLastUser)
	sc.Step(`^Okta requests the last page of users with count (\d+)$`, oktaRequestsTheLastPage)
	sc.Step(`^the answer has no Resources$`, theAnswerHasNoResources)
	sc.Step(`^Okta imports users$`, oktaImportsUsers)
	sc.Step(`^the import contains every user from this run$`, theImportContainsEveryUser)
}

var importAliases = []string{"Ada", "Bob", "Cy", "Grace", "Alan", "Edsger", "Barbara"}

func peopleFromThisRunAreAssigned(ctx context.Context, n int) error {
	if n > len(importAliases) {
		return harnessf("at most %d people per scenario", len(importAliases))
	}
	for _, a := range importAliases[:n] {
		if err := isAssignedToTheApp(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

func (w *world) page(ctx context.Context, startIndex, count int) okta.Exchange {
	return w.client.Do(ctx, okta.Request{Method: http.MethodGet, Path: fmt.Sprintf("/Users?startIndex=%d&count=%d", startIndex, count)})
}

// totalUsers asks for one user to learn totalResults.
func (w *world) totalUsers(ctx context.Context) (int, bool) {
	ex := w.page(ctx, 1, 1)
	w.answer = &ex
	m := w.checkListResponse(&ex)
	if m == nil {
		return 0, false
	}
	t, ok := m["totalResults"].(float64)
	return int(t), ok
}

func oktaPagesThroughAllUsers(ctx context.Context) error {
	w := worldFrom(ctx)
	total, ok := w.totalUsers(ctx)
	if !ok {
		return w.rec.err()
	}
	// Small pages, so that even a small tenant is read across several pages,
	// but at most ~25 pages on a large one.
	size := int(math.Max(2, math.Ceil(float64(total)/25)))
	w.seen = map[string]int{}
	w.seenMax = total
	w.pages = nil
	w.pagedOrder = nil
	// The full listing, read twice before paging: the order paging must
	// follow (RFC 7644 §3.4.2.4 assumes a stable order across requests).
	w.fullListings = nil
	for i := 0; i < 2; i++ {
		ex := w.page(ctx, 1, total)
		w.pages = append(w.pages, ex)
		m := w.decodeObject(&ex)
		if m == nil {
			return w.rec.err()
		}
		w.fullListings = append(w.fullListings, resourceIDs(m))
	}
	start := 1
	for i := 0; i < maxPages; i++ {
		ex := w.page(ctx, start, size)
		w.pages = append(w.pages, ex)
		m := w.decodeObject(&ex)
		if m == nil {
			break
		}
		rs := resources(m)
		for _, id := range resourceIDs(m) {
			w.seen[id]++
			w.pagedOrder = append(w.pagedOrder, id)
		}
		if len(rs) == 0 || start+len(rs) > total {
			break
		}
		start += len(rs)
	}
	return w.rec.err()
}

// resourceIDs returns the ids of a list answer's resources, in order.
func resourceIDs(m map[string]any) []string {
	var out []string
	for _, r := range resources(m) {
		if id, _ := r["id"].(string); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// thePagesKeepTheOrderOfTheFullListing makes unstable paging deterministic
// to detect: two reads of the full listing must list the same ids in the
// same order, and the pages, joined, must list them in that order too (a
// server that iterates a hash map, or sorts by a changing key, fails here
// even when no page happens to overlap).
func thePagesKeepTheOrderOfTheFullListing(ctx context.Context) error {
	w := worldFrom(ctx)
	if len(w.fullListings) != 2 {
		return harnessf("no full listing was read before this step")
	}
	a, b := w.fullListings[0], w.fullListings[1]
	if strings.Join(a, ",") != strings.Join(b, ",") {
		w.rec.fail("two reads of the same listing return the users in different orders: paging cannot be stable (RFC 7644 §3.4.2.4)",
			short(strings.Join(a, ",")), short(strings.Join(b, ",")))
	}
	n := min(len(a), len(w.pagedOrder))
	if len(a) == 0 || strings.Join(a[:n], ",") != strings.Join(w.pagedOrder[:n], ",") {
		w.rec.fail("the pages, joined, do not list the users in the order of the full listing",
			short(strings.Join(a, ",")), short(strings.Join(w.pagedOrder, ",")))
	}
	return w.rec.err()
}

func everyPageIsAListResponse(ctx context.Context) error {
	w := worldFrom(ctx)
	for i := range w.pages {
		w.rec.about(fmt.Sprintf("page %d (%s)", i+1, w.pages[i].URL))
		w.checkListResponse(&w.pages[i])
	}
	return w.rec.err()
}

func everyUserFromThisRunIsSeenOnce(ctx context.Context) error {
	w := worldFrom(ctx)
	for alias, p := range w.people {
		asg, ok := w.client.Assignment(p.ID)
		if !ok {
			continue
		}
		if n := w.seen[asg.SCIMID]; n != 1 {
			w.rec.fail(fmt.Sprintf("user %q (%s) was seen %d times while paging", alias, asg.SCIMID, n), "1", strconv.Itoa(n))
		}
	}
	distinct := len(w.seen)
	if distinct < w.seenMax {
		w.rec.fail("paging missed users: fewer distinct users than totalResults (is startIndex 1-based? RFC 7644 §3.4.2.4)",
			strconv.Itoa(w.seenMax), strconv.Itoa(distinct))
	}
	return w.rec.err()
}

func noUserIsSeenTwice(ctx context.Context) error {
	w := worldFrom(ctx)
	var dups []string
	for id, n := range w.seen {
		if n > 1 {
			dups = append(dups, fmt.Sprintf("%s×%d", id, n))
		}
	}
	if len(dups) > 0 {
		w.rec.fail("paging returned users more than once (unstable order or overlapping pages)", "each user once", strings.Join(dups, ", "))
	}
	return w.rec.err()
}

func oktaRequestsUsersPage(ctx context.Context, start, count int) error {
	w := worldFrom(ctx)
	ex := w.page(ctx, start, count)
	w.answer = &ex
	return nil
}

func itemsPerPageEqualsReturned(ctx context.Context) error {
	w := worldFrom(ctx)
	if m := w.decodeObject(w.answer); m != nil {
		n := len(resources(m))
		if ipp, ok := m["itemsPerPage"].(float64); !ok || int(ipp) != n {
			w.rec.fail("itemsPerPage must be the number of resources returned, not the requested count", strconv.Itoa(n), fmt.Sprint(m["itemsPerPage"]))
		}
	}
	return w.rec.err()
}

func theAnswerReturnsAtMost(ctx context.Context, n int) error {
	w := worldFrom(ctx)
	if m := w.decodeObject(w.answer); m != nil {
		if got := len(resources(m)); got > n {
			w.rec.fail("the page returned more resources than count asked for", fmt.Sprintf("at most %d", n), strconv.Itoa(got))
		}
	}
	return w.rec.err()
}

func oktaRequestsThePageAfterTheLastUser(ctx context.Context) error {
	w := worldFrom(ctx)
	total, ok := w.totalUsers(ctx)
	if !ok {
		return w.rec.err()
	}
	ex := w.page(ctx, total+1, 100)
	w.answer = &ex
	return nil
}

func theAnswerHasNoResources(ctx context.Context) error {
	w := worldFrom(ctx)
	if m := w.decodeObject(w.answer); m != nil {
		if n := len(resources(m)); n != 0 {
			w.rec.fail("a page past the end must be empty", "0 resources", strconv.Itoa(n))
		}
	}
	return w.rec.err()
}

func oktaImportsUsers(ctx context.Context) error {
	w := worldFrom(ctx)
	users, o := w.client.ImportUsers(ctx)
	w.imported = users
	w.setOutcome(o)
	return nil
}

func theImportContainsEveryUser(ctx context.Context) error {
	w := worldFrom(ctx)
	seen := map[string]bool{}
	for _, u := range w.imported {
		if id, _ := u["id"].(string); id != "" {
			seen[id] = true
		}
	}
	for alias, p := range w.people {
		if asg, ok := w.client.Assignment(p.ID); ok && !seen[asg.SCIMID] {
			w.rec.fail(fmt.Sprintf("the import did not contain %q", alias), asg.SCIMID, fmt.Sprintf("%d users imported", len(w.imported)))
		}
	}
	return w.rec.err()
}

// oktaRequestsTheLastPage asks for a page that starts at the last user, so
// that fewer resources exist than count asks for.
func oktaRequestsTheLastPage(ctx context.Context, count int) error {
	w := worldFrom(ctx)
	total, ok := w.totalUsers(ctx)
	if !ok {
		return w.rec.err()
	}
	ex := w.page(ctx, max(total, 1), count)
	w.answer = &ex
	return nil
}
