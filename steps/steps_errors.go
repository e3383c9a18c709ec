package steps

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

func registerErrorSteps(sc *godog.ScenarioContext) {
	sc.Step(`^Okta reads users with these ids:$`, oktaReadsUsersWithTheseIDs)
	sc.Step(`^Okta sends POST "([^"]*)" with a new user whose "([^"]*)" is the string "([^"]*)"$`, oktaSendsANewUserWithAStringAttribute)
}

func oktaReadsUsersWithTheseIDs(ctx context.Context, table *godog.Table) error {
	w := worldFrom(ctx)
	w.answers = w.answers[:0]
	for _, row := range table.Rows {
		if len(row.Cells) == 0 {
			continue
		}
		id := strings.TrimSpace(row.Cells[0].Value)
		w.answers = append(w.answers, w.client.Do(ctx, okta.Request{Method: http.MethodGet, Path: "/Users/" + url.PathEscape(id)}))
	}
	return nil
}

func oktaSendsANewUserWithAStringAttribute(ctx context.Context, path, attr, value string) error {
	w := worldFrom(ctx)
	p := w.person("Ada")
	raw, err := w.client.CreateUserBody(p)
	if err != nil {
		return harnessf("create body: %v", err)
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		return harnessf("create body: %v", err)
	}
	body[attr] = value
	w.do(ctx, okta.Request{Method: http.MethodPost, Path: path, Body: mustJSON(body)})
	w.noteStray(w.answer)
	return nil
}
