package faults

// Step text and message fragments of features/attributes.feature.
const (
	thenEveryMapped = "the answer has every mapped attribute of"
	thenNoneMapped  = "the answer has none of the mapped attributes of"
	thenListsExt    = "the User resource type lists the schema of every mapped custom extension"
	thenDescribes   = "the schemas describe every mapped extension attribute as writable"
	enterpriseURN   = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	customURN       = "urn:ietf:params:scim:schemas:extension:scimconform:2.0:User"
)

// attributeCatalogue holds the faults of attribute mappings (@needs-attributes).
var attributeCatalogue = []Fault{
	{Name: "drop-enterprise-extension", Kind: SCIM,
		Description: "Users are answered without their enterprise extension object, though the enterprise URN stays in schemas.",
		Breaks: []Break{
			b("ATR-001", thenEveryMapped, "department ("+enterpriseURN+":department) is missing: the user lists "+enterpriseURN+" in schemas"),
			b("ATR-002", thenEveryMapped, "department ("+enterpriseURN+":department) is missing"),
		},
		// Its Given checks the values are stored before removing them.
		Collateral: []string{"ATR-003"}},
	{Name: "keep-some-attributes", Kind: SCIM,
		Description: "Writes of a user drop enterprise costCenter (the other mapped attributes are stored).",
		Breaks: []Break{
			b("ATR-001", thenEveryMapped, "costCenter ("+enterpriseURN+":costCenter) is missing"),
			b("ATR-002", thenEveryMapped, "costCenter ("+enterpriseURN+":costCenter) is missing"),
		},
		Collateral: []string{"ATR-003"}},
	{Name: "ignore-extension-update", Kind: SCIM,
		Description: "A PUT answers 200 but keeps the stored values of the extension attributes it sends (core attributes update).",
		Breaks:      []Break{b("ATR-002", thenEveryMapped, "department ("+enterpriseURN+":department) kept its old value")}},
	{Name: "ignore-attribute-removal", Kind: SCIM,
		Description: "A PUT that leaves an attribute out keeps its stored value instead of clearing it.",
		Breaks:      []Break{b("ATR-003", thenNoneMapped, "title (title) still has a value after Okta removed it")}},
	{Name: "undescribed-custom-attribute", Kind: SCIM,
		Description: "/Schemas describes the server's own extension without its deskLocation attribute (the server still stores it).",
		Breaks:      []Break{b("ATR-004", thenDescribes, "deskLocation ("+customURN+":deskLocation) is not described")}},
	{Name: "unlisted-custom-extension", Kind: SCIM,
		Description: "/ResourceTypes lists the User resource type without the server's own extension in schemaExtensions.",
		Breaks:      []Break{b("ATR-004", thenListsExt, "badgeNumber ("+customURN+":badgeNumber): the User resource type does not list its schema")}},
}
