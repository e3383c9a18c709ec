package okta

// CreateUserBody returns the POST /Users body Okta sends when it creates p
// (mockidp/okta/WIRE.md §4.2 [D] SCIM20), with a fresh placeholder password that
// the client redacts from transcripts like every password it generates.
// Conformance probes use it to send Okta's exact body outside an assignment.
func (c *Client) CreateUserBody(p *Person) ([]byte, error) {
	return c.createBody(p)
}
