@errors
Feature: Errors Okta can read
  Okta shows the detail of a SCIM error to the admin. Errors must be SCIM error
  bodies (JSON) with the right status, never HTML pages or server crashes.

  # Spec: RFC 7644 §3.12 "404 ... Specified resource ... does not exist"; Okta SPEC tests #4 and #12 use
  # ids that are not UUIDs (mockidp/okta/WIRE.md §10).
  @ERR-001 @required
  Scenario: Unknown ids of any shape answer 404 with a SCIM error
    When Okta reads users with these ids:
      | 010101001010101011001010101011        |
      | 00919288221112222                     |
      | 9c2f1e2a-7d55-4a8e-b0d2-3f1b5b0e2a11  |
      | not-an-id                             |
    Then every answer is 404 with a SCIM error body

  # Spec: RFC 7644 §3.12 "invalidSyntax: The request body message structure was invalid" (400).
  @ERR-002 @required
  Scenario: Malformed JSON answers 400, not 500
    When Okta sends POST "/Users" with the body:
      """
      {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":
      """
    Then the app answers 400
    And the answer is a SCIM error with status 400

  # Spec: RFC 7643 §2.3.2 "active" is a Boolean; RFC 7644 §3.12 "invalidValue" (400).
  @ERR-003 @required
  Scenario: A wrong JSON type answers 400, not 500
    When Okta sends POST "/Users" with a new user whose "active" is the string "yes"
    Then the app answers 400
    And the answer is a SCIM error with status 400

  # Spec: RFC 7644 §3.12 Table 9 "invalidFilter The specified filter syntax was invalid (does not comply with
  # Figure 1), or the specified attribute and filter comparison combination is not supported." (status 400); MUST.
  # Strict tier: Okta's lookups are always well formed, so an app that answers this 200 with an empty list still works
  # with Okta.
  # Fix: Parse the whole filter and answer a syntax error with 400 and scimType "invalidFilter"; a parser that stops at
  # the first error and matches nothing (200, empty list) hides the client's mistake.
  @ERR-004 @strict @must
  Scenario: An invalid filter answers 400 invalidFilter
    When Okta sends GET "/Users?filter=userName%20eq%20%22unterminated&startIndex=1&count=100"
    Then the app answers 400
    And the answer is a SCIM error with status 400
    And the answer has scimType "invalidFilter"

  # Spec: RFC 7644 §3.12 "In addition to returning an HTTP response code, implementers MUST return the errors in the
  # body of the response in a JSON format, using the attributes described below."; MUST. Strict tier: Okta only calls
  # the endpoints the app's SCIM base URL has, so an HTML 404 page on unknown paths does not break Okta.
  # Fix: Make the router's not-found handler answer a SCIM error (404, application/scim+json, Error schema) under the
  # SCIM base path instead of the web framework's HTML page.
  @ERR-005 @strict @must
  Scenario: An unknown endpoint answers a SCIM error, not an HTML page
    When Okta sends GET "/Userz/1"
    Then the app answers 404
    And the answer is a SCIM error with status 404
