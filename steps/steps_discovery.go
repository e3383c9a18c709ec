package steps

import (
	"context"
	"fmt"
	"net/http"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

func registerDiscoverySteps(sc *godog.ScenarioContext) {
	sc.Step(`^the answer is a ServiceProviderConfig$`, theAnswerIsAServiceProviderConfig)
	sc.Step(`^Okta sends POST to each discovery endpoint$`, oktaSendsPostToEachDiscoveryEndpoint)
}

// theAnswerIsAServiceProviderConfig checks the attributes Okta's SPEC17
// optional test a requires (mockidp/okta/WIRE.md §12.1; RFC 7643 §5).
func theAnswerIsAServiceProviderConfig(ctx context.Context) error {
	w := worldFrom(ctx)
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	if !containsString(m["schemas"], spcURN) {
		w.rec.fail("the answer lacks the ServiceProviderConfig schema", spcURN, short(fmt.Sprint(m["schemas"])))
	}
	for _, p := range []string{"patch.supported", "bulk.supported", "bulk.maxOperations", "bulk.maxPayloadSize",
		"filter.supported", "filter.maxResults", "changePassword.supported", "sort.supported", "etag.supported",
		"authenticationSchemes[0].type", "authenticationSchemes[0].description"} {
		v, ok := lookupPath(m, p)
		if !ok || v == nil || v == "" {
			w.rec.fail(fmt.Sprintf("ServiceProviderConfig lacks %q", p), "a value", fmt.Sprint(v))
		}
	}
	return w.rec.err()
}

func oktaSendsPostToEachDiscoveryEndpoint(ctx context.Context) error {
	w := worldFrom(ctx)
	w.answers = w.answers[:0]
	for _, p := range []string{"/ServiceProviderConfig", "/Schemas", "/ResourceTypes"} {
		w.answers = append(w.answers, w.client.Do(ctx, okta.Request{Method: http.MethodPost, Path: p, Body: []byte(`{"schemas":[]}`)}))
	}
	return nil
}
