@errors
Feature: Errors Okta can read
  Okta shows the detail of a SCIM error to the admin. Errors must be SCIM error
  bodies (JSON) with the right status, never HTML pages or server crashes.

  # Spec: RFC 7644 §3.12 "404 ... Specified resource ... does not exist"; Okta SPEC tests #4 and #12 use
  # ids that are not UUIDs (okta-wire.md §10).
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

  # Spec: RFC 7644 §3.4.2.2 "invalidFilter ... 400"; RFC 7644 §3.12.
  @ERR-004 @required
  Scenario: An invalid filter answers 400 invalidFilter
    When Okta sends GET "/Users?filter=userName%20eq%20%22unterminated&startIndex=1&count=100"
    Then the app answers 400
    And the answer is a SCIM error with status 400
    And the answer has scimType "invalidFilter"

  # Spec: RFC 7644 §3.12 error responses are JSON; Okta shows "Invalid JSON: Unrecognized token" for HTML
  # bodies (okta-wire.md §2.4, §11 pitfall 8).
  @ERR-005 @required
  Scenario: An unknown endpoint answers a SCIM error, not an HTML page
    When Okta sends GET "/Userz/1"
    Then the app answers 404
    And the answer is a SCIM error with status 404
