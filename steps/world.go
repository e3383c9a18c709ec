package steps

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// world is the state of one scenario. It is created in the Before hook and
// reached through the context, so scenarios never share state and may run
// in parallel.
type world struct {
	cfg    *Config
	suite  *suiteState
	client *okta.Client
	rec    *recorder

	people map[string]*okta.Person // by alias ("Ada")
	groups map[string]*okta.Group  // by alias ("Engineering")
	pushed map[string]bool         // group aliases pushed to the app

	// putPasswords are the passwords raw requests of this scenario sent
	// (PUTs, a PATCH of the password); they are redacted like Okta's.
	putPasswords []string

	// probeID is the random resource id of the endpoint probes and their
	// positive controls.
	probeID string
	// accepted holds "METHOD URL" of every request the right token was
	// shown to be accepted on (the positive controls of refusal checks).
	accepted map[string]bool

	// answer is the exchange the "Then the app answers ..." steps look at.
	answer *okta.Exchange
	// answers are the exchanges of a step that made many probes.
	answers []okta.Exchange
	// outcome is the last Okta operation's result.
	outcome *okta.Outcome

	// attrsBefore are a person's mapped values before Okta changed or
	// removed them (features/attributes.feature).
	attrsBefore map[string]map[string]string
	// previousID remembers a person's SCIM id before an email change.
	previousID map[string]string
	// oldLogin remembers a person's login before an email change.
	oldLogin map[string]string
	// wrongToken is the credential a probe sent that must not be echoed.
	wrongToken string
	// listedID is the id seen in a list answer (SPEC 2).
	listedID string
	// seen counts ids seen while paging; pages are the page answers.
	seen    map[string]int
	seenMax int
	pages   []okta.Exchange
	// fullListings are two reads of the whole listing; pagedOrder is the
	// ids in the order paging returned them (IMP-001).
	fullListings [][]string
	pagedOrder   []string
	imported     []map[string]any
	// spec is the random user of the SPEC parity scenarios.
	spec *specUser
	// sso holds the sign-in state of SSO scenarios.
	sso *ssoState
	// ent holds the entitlement state (steps_entitlements.go).
	ent *entState

	// strays are ids of users created by probes outside Okta's operations;
	// cleanup deactivates them.
	strays []string

	// extra are exchanges made outside the Okta client (SAML sign-ins); the
	// step hook moves them into the step's transcript.
	extra []okta.Exchange

	// transcriptMark is the transcript length when the current step began.
	transcriptMark int
	// unlock releases the suite's exclusivity lock at the end of the scenario.
	unlock func()
}

type worldKey struct{}

// worldFrom returns the scenario's state. The Before hook always sets it;
// when that hook fails, godog runs no step of the scenario.
func worldFrom(ctx context.Context) *world {
	w, _ := ctx.Value(worldKey{}).(*world)
	return w
}

// suiteState is shared by the scenarios of one run.
type suiteState struct {
	seq atomic.Int64
	// excl lets @exclusive scenarios run alone under --concurrency > 1.
	excl sync.RWMutex
}

// enter waits until the scenario may run and returns the function that
// ends its turn: exclusive scenarios run alone, the others side by side.
func (st *suiteState) enter(exclusive bool) func() {
	if exclusive {
		st.excl.Lock()
		return st.excl.Unlock
	}
	st.excl.RLock()
	return st.excl.RUnlock
}

// familyNames gives each well-known alias a family name; others get "Tester".
var familyNames = map[string]string{
	"Ada": "Lovelace", "Bob": "Builder", "Cy": "Young", "Grace": "Hopper",
	"Alan": "Turing", "Edsger": "Dijkstra", "Barbara": "Liskov",
}

// person returns the person with alias, creating it with run-unique,
// mixed-case login and email (Okta SPEC #6 checks that mixed case survives).
func (w *world) person(alias string) *okta.Person {
	if p, ok := w.people[alias]; ok {
		return p
	}
	family := familyNames[alias]
	if family == "" {
		family = "Tester"
	}
	n := w.suite.seq.Add(1)
	login := fmt.Sprintf("%s.%s.%s%03d@Example.com", alias, family, w.cfg.RunID, n)
	p := &okta.Person{
		ID:         okta.NewPersonID(),
		Login:      login,
		Email:      login,
		GivenName:  alias,
		FamilyName: family,
		Locale:     "en-US",
	}
	w.people[alias] = p
	return p
}

// newEmail returns a fresh run-unique address for alias.
func (w *world) newEmail(alias string) string {
	p := w.person(alias)
	n := w.suite.seq.Add(1)
	return fmt.Sprintf("%s.%s.new.%s%03d@Example.com", p.GivenName, p.FamilyName, w.cfg.RunID, n)
}

// groupName returns the run-unique display name for a group alias.
func (w *world) groupName(alias string) string {
	n := w.suite.seq.Add(1)
	return fmt.Sprintf("%s %s-%03d", alias, w.cfg.RunID, n)
}

const runIDAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// newRunID returns a short random prefix such as "Scx7k2q".
func newRunID() string {
	var b strings.Builder
	b.WriteString("Sc")
	for i := 0; i < 5; i++ {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(runIDAlphabet))))
		if err != nil {
			b.WriteByte('x')
			continue
		}
		b.WriteByte(runIDAlphabet[n.Int64()])
	}
	return b.String()
}

// noteStray remembers the id of a user that a raw probe created, so that
// cleanup deactivates it like every other user of the run.
func (w *world) noteStray(ex *okta.Exchange) {
	if ex == nil || ex.StatusCode < 200 || ex.StatusCode > 299 {
		return
	}
	m, err := ex.JSON()
	if err != nil {
		return
	}
	if id, _ := m["id"].(string); id != "" {
		w.strays = append(w.strays, id)
	}
}
