package reference

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/scimconform/scimconform/reference/internal/schema"
)

// Sorting (RFC 7644 §3.4.2.3), advertised as sort.supported: sortBy names
// a singular attribute or sub-attribute ("userName", "name.familyName",
// "meta.created"); sortOrder is "ascending" (the default) or "descending".
// The whole result set is ordered before the page is cut. Strings compare
// case-insensitively unless the attribute is caseExact; resources without
// a value come last in either order. Okta never sends sortBy.

// sorter orders rendered resources by one attribute.
type sorter struct {
	path       []string
	caseExact  bool
	descending bool
}

// sortOrder reads sortBy and sortOrder. It returns nil, true when there is
// no sortBy, and false after answering 400 invalidValue for an attribute
// res does not have (or a multi-valued one) or an unknown sortOrder.
func (s *Server) sortOrder(c *gin.Context, res schema.Resource) (*sorter, bool) {
	by := strings.TrimSpace(c.Query("sortBy"))
	if by == "" {
		return nil, true
	}
	so := &sorter{}
	switch order := c.Query("sortOrder"); {
	case order == "" || strings.EqualFold(order, "ascending"):
	case strings.EqualFold(order, "descending"):
		so.descending = true
	default:
		s.fail(c, http.StatusBadRequest, "invalidValue", fmt.Sprintf("sortOrder %q is neither \"ascending\" nor \"descending\"", order))
		return nil, false
	}
	name, sub, _ := strings.Cut(by, ".")
	at, _, ok := res.Lookup("", name)
	if ok && sub != "" {
		at, ok = at.Sub(sub)
	}
	if !ok || at.MultiValued || at.Type == schema.Complex {
		s.fail(c, http.StatusBadRequest, "invalidValue", fmt.Sprintf("sortBy %q is not a singular attribute of %s", by, res.Name))
		return nil, false
	}
	so.path = []string{at.Name}
	if sub != "" {
		parent, _, _ := res.Lookup("", name)
		so.path = []string{parent.Name, at.Name}
	}
	so.caseExact = at.CaseExact
	return so, true
}

// key returns the sort key of r and whether it has one.
func (so *sorter) key(r map[string]any) (string, bool) {
	var v any = r
	for _, p := range so.path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	switch t := v.(type) {
	case string:
		if !so.caseExact {
			return strings.ToLower(t), true
		}
		return t, true
	case bool, float64:
		return fmt.Sprint(t), true
	}
	return "", false
}

// sort orders rs in place; it is stable, so ties keep the store's order.
func (so *sorter) sort(rs []map[string]any) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, aok := so.key(rs[i])
		b, bok := so.key(rs[j])
		switch {
		case !aok || !bok:
			return aok && !bok
		case so.descending:
			return a > b
		}
		return a < b
	})
}
