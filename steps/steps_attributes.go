package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// Steps of features/attributes.feature: the admin's attribute mapping
// (Config.Mapping, mockidp/okta/WIRE.md §15).

func registerAttributeSteps(sc *godog.ScenarioContext) {
	sc.Step(`^a new person "([^"]*)" in Okta with a value for every mapped attribute$`, aNewPersonWithMappedValues)
	sc.Step(`^"([^"]*)" is assigned to the app with a value for every mapped attribute$`, isAssignedWithMappedValues)
	sc.Step(`^the app has stored every mapped attribute of "([^"]*)"$`, theAppHasStoredEveryMappedAttribute)
	sc.Step(`^Okta changes every mapped attribute of "([^"]*)"$`, oktaChangesEveryMappedAttribute)
	sc.Step(`^Okta removes the value of every mapped attribute of "([^"]*)"$`, oktaRemovesEveryMappedValue)
	sc.Step(`^the answer has every mapped attribute of "([^"]*)"$`, theAnswerHasEveryMappedAttribute)
	sc.Step(`^the listed user has every mapped attribute of "([^"]*)"$`, theListedUserHasEveryMappedAttribute)
	sc.Step(`^the answer has none of the mapped attributes of "([^"]*)"$`, theAnswerHasNoneOfTheMappedAttributes)
	sc.Step(`^Okta imports the user schema of the app$`, oktaImportsTheUserSchema)
	sc.Step(`^the User resource type lists the schema of every mapped custom extension$`, theUserResourceTypeListsEveryCustomExtension)
	sc.Step(`^the schemas describe every mapped extension attribute as writable$`, theSchemasDescribeEveryMappedExtensionAttribute)
}

// mapping returns the run's mapping, or a harness error: the scenarios
// that use it need the attributes capability, so a nil mapping means the
// suite was wired wrongly.
func (w *world) mapping() (*okta.Mapping, error) {
	if w.cfg.Mapping == nil || len(w.cfg.Mapping.Attributes) == 0 {
		return nil, harnessf("no attribute mapping (--mapping) is configured")
	}
	return w.cfg.Mapping, nil
}

// mappedLabel names one mapping row in failure messages.
func mappedLabel(a okta.MappedAttribute) string {
	return fmt.Sprintf("mapped attribute %s (%s)", a.Okta, a.SCIM)
}

func aNewPersonWithMappedValues(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	m, err := w.mapping()
	if err != nil {
		return err
	}
	w.person(alias).Attributes = m.Invent(nil)
	return nil
}

func isAssignedWithMappedValues(ctx context.Context, alias string) error {
	if err := aNewPersonWithMappedValues(ctx, alias); err != nil {
		return err
	}
	return isAssignedToTheApp(ctx, alias)
}

// theAppHasStoredEveryMappedAttribute is the positive control of a
// removal: the values Okta is about to remove must be there first.
func theAppHasStoredEveryMappedAttribute(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	if err := oktaReadsFromTheApp(ctx, alias); err != nil {
		return err
	}
	w.checkStatus(w.answer, http.StatusOK)
	if m := w.decodeObject(w.answer); m != nil && w.answer.StatusCode == http.StatusOK {
		w.checkMapped(m, alias)
	}
	err := w.rec.err()
	var ce *checkError
	if errors.As(err, &ce) {
		for i := range ce.failures {
			ce.failures[i].message = "precondition failed: " + ce.failures[i].message
		}
	}
	return err
}

func oktaChangesEveryMappedAttribute(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	m, err := w.mapping()
	if err != nil {
		return err
	}
	p := w.person(alias)
	w.rememberAttributes(alias)
	p.Attributes = m.Invent(p.Attributes)
	w.setOutcome(w.client.UpdateProfile(ctx, p))
	return nil
}

func oktaRemovesEveryMappedValue(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	p := w.person(alias)
	w.rememberAttributes(alias)
	p.Attributes = map[string]string{}
	w.setOutcome(w.client.UpdateProfile(ctx, p))
	return nil
}

// rememberAttributes keeps the person's values before Okta changes them.
func (w *world) rememberAttributes(alias string) {
	if w.attrsBefore == nil {
		w.attrsBefore = map[string]map[string]string{}
	}
	before := map[string]string{}
	for k, v := range w.person(alias).Attributes {
		before[k] = v
	}
	w.attrsBefore[alias] = before
}

// checkMapped records a failure, naming the attribute, for every mapped
// attribute the person has a value for that the user m does not carry
// with exactly that value.
func (w *world) checkMapped(m map[string]any, alias string) {
	mp, err := w.mapping()
	if err != nil {
		w.rec.fail(err.Error(), "a mapping", "none")
		return
	}
	p := w.person(alias)
	before := w.attrsBefore[alias]
	checked := 0
	for _, a := range mp.Attributes {
		want := p.Attributes[a.Okta]
		if want == "" {
			continue
		}
		checked++
		path := a.Path()
		got, ok := path.Get(m)
		switch {
		case !ok || got == nil:
			msg := mappedLabel(a) + " is missing"
			if path.URN != "" {
				if _, has := (okta.Path{Attr: path.URN}).Get(m); !has && schemasListFold(m["schemas"], path.URN) {
					msg += ": the user lists " + path.URN + " in schemas but has no such object"
				}
			}
			w.rec.fail(msg, strconv.Quote(want), "missing")
		case got != want:
			msg := mappedLabel(a) + " differs from what Okta sent"
			if old := before[a.Okta]; old != "" && got == old {
				msg = mappedLabel(a) + " kept its old value after Okta changed it"
			}
			w.rec.fail(msg, strconv.Quote(want), short(fmt.Sprintf("%#v", got)))
		}
	}
	if checked == 0 {
		w.rec.fail(fmt.Sprintf("%q has no value for any mapped attribute (the scenario must give them)", alias), "values", "none")
	}
}

func schemasListFold(v any, want string) bool {
	arr, _ := v.([]any)
	for _, x := range arr {
		if s, ok := x.(string); ok && strings.EqualFold(s, want) {
			return true
		}
	}
	return false
}

func theAnswerHasEveryMappedAttribute(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	if m := w.decodeObject(w.answer); m != nil {
		w.checkMapped(m, alias)
	}
	return w.rec.err()
}

func theListedUserHasEveryMappedAttribute(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	if u := w.listedUser(); u != nil {
		w.checkMapped(u, alias)
	}
	return w.rec.err()
}

// noValue reports whether a returned value is no value: absent, null, "",
// an empty array or object.
func noValue(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	}
	return false
}

func theAnswerHasNoneOfTheMappedAttributes(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	mp, err := w.mapping()
	if err != nil {
		return err
	}
	before := w.attrsBefore[alias]
	if len(before) == 0 {
		return harnessf("%q had no mapped values before the removal", alias)
	}
	if m := w.decodeObject(w.answer); m != nil {
		for _, a := range mp.Attributes {
			if before[a.Okta] == "" {
				continue
			}
			if got, ok := a.Path().Get(m); ok && !noValue(got) {
				w.rec.fail(mappedLabel(a)+" still has a value after Okta removed it (Okta's PUT left it out)", "no value", short(fmt.Sprintf("%#v", got)))
			}
		}
	}
	return w.rec.err()
}

// oktaImportsTheUserSchema is Okta's Import User Schema: GET /ResourceTypes
// for the extensions of the User resource type, then GET /Schemas for the
// attributes (mockidp/okta/WIRE.md §15.3).
func oktaImportsTheUserSchema(ctx context.Context) error {
	w := worldFrom(ctx)
	rt := *w.do(ctx, okta.Request{Method: http.MethodGet, Path: "/ResourceTypes"})
	sc := *w.do(ctx, okta.Request{Method: http.MethodGet, Path: "/Schemas"})
	w.answers = []okta.Exchange{rt, sc}
	return nil
}

// importAnswer returns answer i (/ResourceTypes, /Schemas) of the
// import, checked as 200 ListResponses; nil when a check failed.
func (w *world) importAnswer(i int, what string) map[string]any {
	if len(w.answers) != 2 {
		w.rec.fail("Okta did not read /ResourceTypes and /Schemas", "two answers", fmt.Sprint(len(w.answers)))
		return nil
	}
	ex := &w.answers[i]
	w.rec.about(what)
	w.checkStatus(ex, http.StatusOK)
	if ex.StatusCode != http.StatusOK {
		return nil
	}
	return w.checkListResponse(ex)
}

// userSchemaExtensions returns the schemaExtensions URNs of the User resource
// type in a /ResourceTypes answer, and whether a User resource type exists.
func userSchemaExtensions(list map[string]any) ([]string, bool) {
	for _, r := range resources(list) {
		name, _ := r["name"].(string)
		endpoint, _ := r["endpoint"].(string)
		if !strings.EqualFold(name, "User") && !strings.EqualFold(strings.TrimSuffix(endpoint, "/"), "/Users") {
			continue
		}
		var out []string
		exts, _ := r["schemaExtensions"].([]any)
		for _, e := range exts {
			if o, ok := e.(map[string]any); ok {
				if s, _ := o["schema"].(string); s != "" {
					out = append(out, s)
				}
			}
		}
		return out, true
	}
	return nil, false
}

func listsURN(urns []string, urn string) bool {
	for _, u := range urns {
		if strings.EqualFold(u, urn) {
			return true
		}
	}
	return false
}

func theUserResourceTypeListsEveryCustomExtension(ctx context.Context) error {
	w := worldFrom(ctx)
	mp, err := w.mapping()
	if err != nil {
		return err
	}
	if list := w.importAnswer(0, "GET /ResourceTypes"); list != nil {
		exts, ok := userSchemaExtensions(list)
		if !ok {
			w.rec.fail("/ResourceTypes has no User resource type (Import User Schema finds no extension)", `a resource type named "User"`, "none")
			return w.rec.err()
		}
		for _, a := range mp.Attributes {
			urn := a.Path().URN
			if urn == "" || strings.EqualFold(urn, okta.SchemaEnterprise) || listsURN(exts, urn) {
				continue
			}
			w.rec.fail(fmt.Sprintf("%s: the User resource type does not list its schema %s in schemaExtensions", mappedLabel(a), urn), urn, short(fmt.Sprint(exts)))
		}
	}
	return w.rec.err()
}

// describedAttribute returns the definition of a's attribute (and sub-attribute)
// in the /Schemas answer list, or why it has none.
func describedAttribute(list map[string]any, path okta.Path) (map[string]any, string) {
	var doc map[string]any
	for _, r := range resources(list) {
		if id, _ := r["id"].(string); strings.EqualFold(id, path.URN) {
			doc = r
		}
	}
	if doc == nil {
		return nil, "/Schemas has no schema with id " + path.URN
	}
	find := func(v any, name string) map[string]any {
		arr, _ := v.([]any)
		for _, el := range arr {
			if o, ok := el.(map[string]any); ok {
				if n, _ := o["name"].(string); strings.EqualFold(n, name) {
					return o
				}
			}
		}
		return nil
	}
	at := find(doc["attributes"], path.Attr)
	if at == nil {
		return nil, "the schema " + path.URN + " does not describe " + path.Attr
	}
	if path.Sub != "" {
		sub := find(at["subAttributes"], path.Sub)
		if sub == nil {
			return nil, "the schema " + path.URN + " does not describe " + path.Attr + "." + path.Sub
		}
		at = sub
	}
	return at, ""
}

func theSchemasDescribeEveryMappedExtensionAttribute(ctx context.Context) error {
	w := worldFrom(ctx)
	mp, err := w.mapping()
	if err != nil {
		return err
	}
	var exts []string
	if len(w.answers) == 2 && w.answers[0].StatusCode == http.StatusOK {
		if m, err := decodeRaw(w.answers[0].ResponseBody); err == nil {
			exts, _ = userSchemaExtensions(m)
		}
	}
	list := w.importAnswer(1, "GET /Schemas")
	if list == nil {
		return w.rec.err()
	}
	for _, a := range mp.Attributes {
		path := a.Path()
		if path.URN == "" || strings.EqualFold(path.URN, okta.SchemaEnterprise) && !listsURN(exts, path.URN) {
			// Core attributes are Okta's template; enterprise ones are
			// imported only when the app lists the enterprise schema.
			continue
		}
		at, why := describedAttribute(list, path)
		if at == nil {
			w.rec.fail(fmt.Sprintf("%s is not described: %s", mappedLabel(a), why), "an attribute definition (RFC 7643 §7)", "none")
			continue
		}
		// RFC 7643 §2.2: an attribute that states no type is a string, no
		// mutability readWrite, no multiValued single-valued.
		t, mu := "string", "readWrite"
		if v, ok := at["type"]; ok {
			t, _ = v.(string)
		}
		if v, ok := at["mutability"]; ok {
			mu, _ = v.(string)
		}
		if t != "string" && t != "reference" {
			w.rec.fail(fmt.Sprintf("%s is described with type %q, which cannot hold the string Okta sends", mappedLabel(a), t), `"string"`, strconv.Quote(t))
		}
		if mu != "readWrite" && mu != "writeOnly" {
			w.rec.fail(fmt.Sprintf("%s is described with mutability %q: Okta writes it on create and on every update", mappedLabel(a), mu), `"readWrite" or "writeOnly"`, strconv.Quote(mu))
		}
		if mv, _ := at["multiValued"].(bool); mv {
			w.rec.fail(fmt.Sprintf("%s is described as multi-valued; Okta sends one value", mappedLabel(a)), "multiValued false", "true")
		}
	}
	return w.rec.err()
}
