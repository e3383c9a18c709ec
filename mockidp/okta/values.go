package okta

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
)

const digits = "0123456789"

// choices are the realistic values of the Okta attributes whose values
// come from a small set (ISO 3166-1 alpha-2 countries, BCP 47 languages,
// IANA time zones, RFC 7643 §4.1.1 userType examples).
var choices = map[string][]string{
	"countrycode":       {"US", "GB", "DE", "FR", "SE", "JP", "CA", "AU", "NL", "IE"},
	"preferredlanguage": {"en-GB", "fr-FR", "de-DE", "sv-SE", "ja-JP", "es-ES", "nl-NL"},
	"timezone":          {"Europe/London", "America/New_York", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney", "America/Los_Angeles"},
	"usertype":          {"Employee", "Contractor", "Intern", "Vendor", "Partner"},
	"honorificprefix":   {"Dr.", "Ms.", "Mr.", "Prof.", "Mx."},
	"honorificsuffix":   {"III", "Jr.", "PhD", "Sr.", "MBA"},
	"state":             {"CA", "NY", "WA", "TX", "MA", "IL", "OR"},
	"city":              {"Cambridge", "Springfield", "Portland", "Bristol", "Uppsala", "Delft", "Kyoto"},
	"division":          {"EMEA", "Americas", "APAC", "Platform", "Operations"},
}

// Invent returns a realistic value for every Okta attribute m maps: fresh
// random values (phone numbers, ids, street numbers, …) so that runs and
// people differ, and for attributes with a small set of valid values (a
// country code, a language tag) one of them. Every value differs from the
// value previous holds for the same attribute, so an update always
// changes each one. A nil m gives an empty map.
func (m *Mapping) Invent(previous map[string]string) map[string]string {
	out := map[string]string{}
	if m == nil {
		return out
	}
	for _, a := range m.Attributes {
		old := previous[a.Okta]
		v := invent(a)
		for i := 0; v == old && i < 16; i++ {
			v = invent(a)
		}
		if v == old {
			v = old + " (changed)"
		}
		out[a.Okta] = v
	}
	return out
}

func pick(list []string) string {
	k, err := rand.Int(rand.Reader, big.NewInt(int64(len(list))))
	if err != nil {
		return list[0]
	}
	return list[k.Int64()]
}

// invent returns one value for a, chosen by its Okta name, else by the
// SCIM attribute it writes.
func invent(a MappedAttribute) string {
	name := strings.ToLower(a.Okta)
	if list, ok := choices[name]; ok {
		return pick(list)
	}
	tag := randomString(6, lowerDigit)
	switch name {
	case "title":
		return pick([]string{"Staff Engineer", "Analyst", "Product Manager", "Designer", "Accountant"}) + " " + strings.ToUpper(tag[:2])
	case "nickname":
		return "Nick-" + tag
	case "profileurl":
		return "https://intranet.example.com/people/" + tag
	case "primaryphone", "mobilephone":
		return "+1-555-" + randomString(3, digits) + "-" + randomString(4, digits)
	case "streetaddress":
		return randomString(3, "123456789") + " Analytical Engine Way"
	case "zipcode":
		return randomString(5, digits)
	case "department":
		return pick([]string{"Research", "Finance", "Engineering", "Legal", "Sales"}) + " " + strings.ToUpper(tag[:3])
	case "employeenumber":
		return "E" + randomString(7, digits)
	case "costcenter":
		return "CC-" + randomString(5, digits)
	case "organization":
		return "Example Corp " + strings.ToUpper(tag[:3])
	case "managerid":
		return NewPersonID()
	case "badgenumber":
		return "B-" + randomString(6, digits)
	case "desklocation":
		return fmt.Sprintf("Floor %s, Desk %s", randomString(1, "123456789"), strings.ToUpper(tag[:3]))
	}
	if p := a.Path(); strings.EqualFold(p.Sub, "value") && strings.EqualFold(p.Attr, "phoneNumbers") {
		return "+1-555-" + randomString(3, digits) + "-" + randomString(4, digits)
	}
	return a.Okta + "-" + tag
}
