package steps

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// Entitlements: "SCIM 2.0 with entitlements" (features/entitlements.feature,
// mockidp/okta/WIRE.md §16): Okta discovers the entitlement resource
// types, imports their values and grants them to users.

// entState is the entitlement state of one scenario.
type entState struct {
	disc *okta.Discovery
	// imports are the import runs of the scenario, one slice (one import
	// per type) per run.
	imports [][]okta.EntitlementImport
	// granted are the values Okta last sent for each person alias.
	granted map[string][]okta.Entitlement
	// control is set once the app accepted a user with offered values
	// (the positive control of the refusal).
	control bool
}

func (w *world) entitlements() *entState {
	if w.ent == nil {
		w.ent = &entState{granted: map[string][]okta.Entitlement{}}
	}
	return w.ent
}

func registerEntitlementSteps(sc *godog.ScenarioContext) {
	sc.Step(`^Okta discovers the app's entitlement types$`, oktaDiscoversEntitlementTypes)
	sc.Step(`^Okta has discovered the app's entitlement types$`, oktaHasDiscoveredEntitlementTypes)
	sc.Step(`^Okta has imported the app's entitlements$`, oktaHasImportedEntitlements)
	sc.Step(`^the app offers at least one entitlement type$`, theAppOffersAnEntitlementType)
	sc.Step(`^every entitlement type has an id, a name and its own endpoint$`, everyEntitlementTypeIsComplete)
	sc.Step(`^/Schemas describes every schema extension of the entitlement types$`, schemasDescribeEntitlementExtensions)
	sc.Step(`^Okta imports every entitlement type$`, oktaImportsEveryEntitlementType)
	sc.Step(`^Okta imports every entitlement type one at a time$`, oktaImportsEveryEntitlementTypeOneAtATime)
	sc.Step(`^the first page of each entitlement type, asked with count 1, has itemsPerPage 1$`, theFirstEntitlementPageHasItemsPerPage1)
	sc.Step(`^every entitlement of each type is imported exactly once$`, everyEntitlementIsImportedOnce)
	sc.Step(`^both imports found the same entitlements$`, bothImportsFoundTheSameEntitlements)
	sc.Step(`^Okta grants "([^"]*)" one entitlement of each type$`, oktaGrantsOneEntitlementOfEachType)
	sc.Step(`^Okta removes every entitlement from "([^"]*)"$`, oktaRemovesEveryEntitlement)
	sc.Step(`^the app shows "([^"]*)" with every granted entitlement$`, theAppShowsEveryGrantedEntitlement)
	sc.Step(`^the app shows "([^"]*)" with no entitlements$`, theAppShowsNoEntitlements)
	sc.Step(`^Okta assigns "([^"]*)" to the app with one entitlement of each type$`, oktaAssignsWithOneEntitlementOfEachType)
	sc.Step(`^Okta assigns "([^"]*)" to the app with an entitlement the app does not offer$`, oktaAssignsWithAnUnofferedEntitlement)
	sc.Step(`^the app refuses the unknown entitlement with 400 and scimType "([^"]*)"$`, theAppRefusesTheUnknownEntitlement)
}

func (w *world) discover(ctx context.Context) okta.Outcome {
	d, o := w.client.DiscoverEntitlements(ctx)
	w.entitlements().disc = &d
	w.setOutcome(o)
	return o
}

func oktaDiscoversEntitlementTypes(ctx context.Context) error {
	worldFrom(ctx).discover(ctx)
	return nil
}

func oktaHasDiscoveredEntitlementTypes(ctx context.Context) error {
	w := worldFrom(ctx)
	if o := w.discover(ctx); !o.OK {
		return setupFailed("discover the entitlement types", o)
	}
	if len(w.ent.disc.Types) == 0 {
		return &checkError{failures: []failure{{message: "precondition failed: /ResourceTypes lists no entitlement type (schema " + okta.SchemaOktaRole + " or " + okta.SchemaOktaEntitlement + ")", expected: "at least one entitlement type", actual: "none"}}}
	}
	return nil
}

func oktaHasImportedEntitlements(ctx context.Context) error {
	if err := oktaHasDiscoveredEntitlementTypes(ctx); err != nil {
		return err
	}
	w := worldFrom(ctx)
	if o := w.importAll(ctx, 0); !o.OK {
		return setupFailed("import the entitlements", o)
	}
	for _, imp := range w.lastImport() {
		if len(imp.Values) == 0 {
			return &checkError{failures: []failure{{message: fmt.Sprintf("precondition failed: %s offers no values", imp.Type.Endpoint), expected: "at least one value", actual: "none"}}}
		}
	}
	return nil
}

func (w *world) discovery() (*okta.Discovery, error) {
	if w.ent == nil || w.ent.disc == nil {
		return nil, harnessf("no entitlement discovery ran before this step")
	}
	return w.ent.disc, nil
}

func theAppOffersAnEntitlementType(ctx context.Context) error {
	w := worldFrom(ctx)
	d, err := w.discovery()
	if err != nil {
		return err
	}
	if len(d.Types) == 0 {
		w.rec.fail(fmt.Sprintf("/ResourceTypes lists %d resource types but no entitlement type: none has schema %s or %s, so Okta finds nothing to govern",
			len(d.ResourceTypes), okta.SchemaOktaRole, okta.SchemaOktaEntitlement), "at least one entitlement type", "none")
	}
	return w.rec.err()
}

func everyEntitlementTypeIsComplete(ctx context.Context) error {
	w := worldFrom(ctx)
	d, err := w.discovery()
	if err != nil {
		return err
	}
	if len(d.Types) == 0 {
		return harnessf("no entitlement type to check")
	}
	endpoints := map[string]string{}
	for _, t := range d.Types {
		if t.ID == "" || t.Name == "" {
			w.rec.fail(fmt.Sprintf("entitlement type at %s lacks an id or a name (Okta uses the id; the Governance tab shows the name)", t.Endpoint), "id and name", fmt.Sprintf("id %q, name %q", t.ID, t.Name))
		}
		if other, dup := endpoints[strings.ToLower(t.Endpoint)]; dup {
			w.rec.fail(fmt.Sprintf("entitlement types %q and %q share the endpoint %s", other, t.Name, t.Endpoint), "one endpoint per type", t.Endpoint)
		}
		endpoints[strings.ToLower(t.Endpoint)] = t.Name
	}
	return w.rec.err()
}

func schemasDescribeEntitlementExtensions(ctx context.Context) error {
	w := worldFrom(ctx)
	d, err := w.discovery()
	if err != nil {
		return err
	}
	for _, t := range d.Types {
		for _, ext := range t.Extensions {
			if _, ok := d.Schemas[ext]; !ok {
				w.rec.fail(fmt.Sprintf("entitlement type %q lists the extension %s, which /Schemas does not describe", t.Name, ext), "a /Schemas entry with that id", "none")
			}
		}
	}
	return w.rec.err()
}

// importAll imports every discovered type with pageSize (0: Okta's) and
// records the run; the outcome combines the imports (first failure wins).
func (w *world) importAll(ctx context.Context, pageSize int) okta.Outcome {
	st := w.entitlements()
	all := okta.Outcome{Operation: "import-entitlements", OK: true}
	var run []okta.EntitlementImport
	if st.disc != nil {
		for _, t := range st.disc.Types {
			imp, o := w.client.ImportEntitlements(ctx, t, pageSize)
			run = append(run, imp)
			all.Exchanges = append(all.Exchanges, o.Exchanges...)
			all.Notes = append(all.Notes, o.Notes...)
			if !o.OK {
				all.OK, all.Message, all.Err = false, o.Message, o.Err
				break
			}
		}
	}
	st.imports = append(st.imports, run)
	w.setOutcome(all)
	return all
}

func (w *world) lastImport() []okta.EntitlementImport {
	if w.ent == nil || len(w.ent.imports) == 0 {
		return nil
	}
	return w.ent.imports[len(w.ent.imports)-1]
}

func oktaImportsEveryEntitlementType(ctx context.Context) error {
	w := worldFrom(ctx)
	if _, err := w.discovery(); err != nil {
		return err
	}
	w.importAll(ctx, 0)
	return nil
}

func oktaImportsEveryEntitlementTypeOneAtATime(ctx context.Context) error {
	w := worldFrom(ctx)
	if _, err := w.discovery(); err != nil {
		return err
	}
	w.importAll(ctx, 1)
	return nil
}

func (w *world) requireImport() ([]okta.EntitlementImport, error) {
	run := w.lastImport()
	if len(run) == 0 {
		return nil, harnessf("no entitlement import ran before this step")
	}
	return run, nil
}

func theFirstEntitlementPageHasItemsPerPage1(ctx context.Context) error {
	w := worldFrom(ctx)
	run, err := w.requireImport()
	if err != nil {
		return err
	}
	for _, imp := range run {
		p := imp.Probe
		at := fmt.Sprintf("GET %s?count=1&startIndex=1", imp.Type.Endpoint)
		if p.ItemsPerPage != 1 || p.Resources != 1 {
			w.rec.fail(fmt.Sprintf("%s: itemsPerPage is %d with %d resources; Okta's entitlements test requires itemsPerPage 1 and one resource (the app must honour count)", at, p.ItemsPerPage, p.Resources),
				"itemsPerPage 1, 1 resource", fmt.Sprintf("itemsPerPage %d, %d resources", p.ItemsPerPage, p.Resources))
		}
	}
	return w.rec.err()
}

func everyEntitlementIsImportedOnce(ctx context.Context) error {
	w := worldFrom(ctx)
	run, err := w.requireImport()
	if err != nil {
		return err
	}
	for _, imp := range run {
		seen := map[string]int{}
		for i, v := range imp.Values {
			if v.ID == "" || v.DisplayName == "" {
				w.rec.fail(fmt.Sprintf("%s value %d lacks an id or a displayName (both required by Okta's %s schema)", imp.Type.Endpoint, i+1, imp.Type.Schema), "id and displayName", fmt.Sprintf("id %q, displayName %q", v.ID, v.DisplayName))
			}
			seen[v.ID]++
		}
		for id, n := range seen {
			if n > 1 && id != "" {
				w.rec.fail(fmt.Sprintf("%s: the value %q was imported %d times", imp.Type.Endpoint, id, n), "once", fmt.Sprint(n))
			}
		}
		total := 0
		if len(imp.Pages) > 0 {
			total = imp.Pages[len(imp.Pages)-1].TotalResults
		}
		if len(imp.Values) != total {
			w.rec.fail(fmt.Sprintf("%s: the import found %d values but totalResults is %d", imp.Type.Endpoint, len(imp.Values), total), fmt.Sprint(total), fmt.Sprint(len(imp.Values)))
		}
		if total == 0 {
			w.rec.fail(fmt.Sprintf("%s offers no values (Okta's entitlements test requires Resources to be non-empty)", imp.Type.Endpoint), "at least one value", "none")
		}
	}
	return w.rec.err()
}

func entitlementIDs(imp okta.EntitlementImport) string {
	ids := make([]string, 0, len(imp.Values))
	for _, v := range imp.Values {
		ids = append(ids, v.ID)
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}

func bothImportsFoundTheSameEntitlements(ctx context.Context) error {
	w := worldFrom(ctx)
	if w.ent == nil || len(w.ent.imports) < 2 {
		return harnessf("two entitlement imports must run before this step")
	}
	a, b := w.ent.imports[len(w.ent.imports)-2], w.ent.imports[len(w.ent.imports)-1]
	if len(a) != len(b) {
		return harnessf("the imports covered %d and %d types", len(a), len(b))
	}
	for i := range a {
		if x, y := entitlementIDs(a[i]), entitlementIDs(b[i]); x != y {
			w.rec.fail(fmt.Sprintf("%s: paging by %d and by 1 found different values", a[i].Type.Endpoint, okta.DefaultEntitlementPageSize), x, y)
		}
	}
	return w.rec.err()
}

// firstOfEachType is one offered value of every imported type.
func (w *world) firstOfEachType() ([]okta.Entitlement, error) {
	run := w.lastImport()
	var out []okta.Entitlement
	for _, imp := range run {
		if len(imp.Values) > 0 {
			out = append(out, imp.Values[0])
		}
	}
	if len(out) == 0 {
		return nil, harnessf("no imported entitlements to grant")
	}
	return out, nil
}

func oktaGrantsOneEntitlementOfEachType(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	grants, err := w.firstOfEachType()
	if err != nil {
		return err
	}
	w.setOutcome(w.client.SetEntitlements(ctx, w.person(alias), grants))
	w.ent.granted[alias] = grants
	return nil
}

func oktaRemovesEveryEntitlement(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	w.setOutcome(w.client.SetEntitlements(ctx, w.person(alias), nil))
	w.entitlements().granted[alias] = nil
	return nil
}

// readUser reads alias back from the app (GET /Users/{id}); nil after a
// recorded failure or harness error (returned).
func (w *world) readUser(ctx context.Context, alias string) (map[string]any, error) {
	id, err := w.scimID(alias)
	if err != nil {
		return nil, err
	}
	ex := w.do(ctx, okta.Request{Method: http.MethodGet, Path: "/Users/" + url.PathEscape(id)})
	if unanswered(ex) {
		return nil, harnessf("GET /Users/%s got no complete answer: %s", id, ex.Err)
	}
	if ex.StatusCode != http.StatusOK {
		w.rec.fail(fmt.Sprintf("reading %q back failed", alias), "200", statusText(ex))
		return nil, w.rec.err()
	}
	m := w.decodeObject(ex)
	if m == nil {
		return nil, w.rec.err()
	}
	return m, nil
}

// attributeOf is the User attribute that carries values of t.
func attributeOf(t okta.EntitlementType) string {
	if t.IsRole() {
		return "roles"
	}
	return "entitlements"
}

func holds(m map[string]any, attr, value string) (found bool, typ string) {
	list, _ := m[attr].([]any)
	for _, el := range list {
		if item, _ := el.(map[string]any); item != nil {
			if v, _ := item["value"].(string); v == value {
				t, _ := item["type"].(string)
				return true, t
			}
		}
	}
	return false, ""
}

func theAppShowsEveryGrantedEntitlement(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	grants, ok := w.entitlements().granted[alias]
	if !ok || len(grants) == 0 {
		return harnessf("Okta granted %q nothing before this step", alias)
	}
	m, err := w.readUser(ctx, alias)
	if m == nil {
		return err
	}
	for _, g := range grants {
		attr := attributeOf(g.Type)
		found, typ := holds(m, attr, g.ID)
		switch {
		case !found:
			w.rec.fail(fmt.Sprintf("the app does not show the granted %s %q in %s of %q", strings.ToLower(g.Type.Name), g.ID, attr, alias), fmt.Sprintf("%s containing value %q", attr, g.ID), short(fmt.Sprint(m[attr])))
		case !g.Type.IsRole() && typ != "" && !strings.EqualFold(typ, g.Type.Name):
			w.rec.fail(fmt.Sprintf("the app shows %q in %s with the wrong type", g.ID, attr), g.Type.Name, typ)
		}
	}
	return w.rec.err()
}

func theAppShowsNoEntitlements(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	m, err := w.readUser(ctx, alias)
	if m == nil {
		return err
	}
	for _, attr := range []string{"roles", "entitlements"} {
		if list, _ := m[attr].([]any); len(list) > 0 {
			w.rec.fail(fmt.Sprintf("Okta removed every entitlement from %q but the app still shows %s", alias, attr), "no values", short(fmt.Sprint(list)))
		}
	}
	return w.rec.err()
}

func (w *world) assignWith(ctx context.Context, alias string, grants []okta.Entitlement) okta.Outcome {
	p := w.person(alias)
	if p.SCIMAttributes == nil {
		p.SCIMAttributes = map[string]any{}
	}
	for k, v := range okta.EntitlementAttributes(grants) {
		p.SCIMAttributes[k] = v
	}
	w.entitlements().granted[alias] = grants
	return w.assign(ctx, alias)
}

func oktaAssignsWithOneEntitlementOfEachType(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	grants, err := w.firstOfEachType()
	if err != nil {
		return err
	}
	if o := w.assignWith(ctx, alias, grants); o.OK {
		w.ent.control = true
	}
	return nil
}

func oktaAssignsWithAnUnofferedEntitlement(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	grants, err := w.firstOfEachType()
	if err != nil {
		return err
	}
	bad := grants[0]
	bad.ID = "not-offered-" + strings.ToLower(w.cfg.RunID)
	bad.DisplayName = "Not offered"
	bad.Resource = nil
	w.assignWith(ctx, alias, []okta.Entitlement{bad})
	return nil
}

func theAppRefusesTheUnknownEntitlement(ctx context.Context, scimType string) error {
	w := worldFrom(ctx)
	if w.ent == nil || !w.ent.control {
		return harnessf("no positive control: the app must first be shown to accept a user with offered entitlements")
	}
	ex := w.answer
	if ex == nil {
		return harnessf("%v", errNoAnswer)
	}
	if unanswered(ex) {
		w.rec.noAnswer(fmt.Sprintf("%s %s got no complete HTTP answer (a refusal must be an HTTP answer)", ex.Method, ex.URL), ex.Err)
		return w.rec.err()
	}
	if ex.Method != http.MethodPost || ex.StatusCode != http.StatusBadRequest {
		w.rec.fail(fmt.Sprintf("%s %s: the app did not refuse an entitlement it does not offer", ex.Method, ex.URL), "400 with a SCIM error", statusText(ex))
		return w.rec.err()
	}
	w.checkSCIMError(ex, http.StatusBadRequest)
	if obj := w.objectOf(ex); obj != nil {
		if got, _ := obj.Raw()["scimType"].(string); got != scimType {
			w.rec.fail("the refusal has the wrong scimType", scimType, fmt.Sprintf("%q", got))
		}
	}
	return w.rec.err()
}
