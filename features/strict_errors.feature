@strict @errors
Feature: RFC strict tier: errors
  RFC 7644 §3.12 error bodies beyond what Okta reads. These scenarios run only with --strict.

  # Spec: RFC 7644 §3.12 "status The HTTP status code (see Section 6 of [RFC7231]) expressed as a JSON string.
  # REQUIRED."; MUST.
  # Fix: Send "status" as a string ("404"), not a number (404): a struct field typed int marshals as a number; type
  # it as a string.
  @ERR-006 @must
  Scenario: An error's status is a JSON string
    When a SCIM client reads a user with an unknown id
    Then the app answers 404
    And the error's "status" is the JSON string "404"

  # Spec: RFC 7644 §3.12 Table 9 names scimType values for 400 (and 409 "uniqueness") answers; "scimType A SCIM detail
  # error keyword. See Table 9. OPTIONAL."; SHOULD (a 404 with "invalidSyntax" misleads the client).
  # Fix: Give scimType only with the errors Table 9 names it for (400s, and 409 uniqueness); a shared error helper that
  # always sets scimType "invalidSyntax" is the usual cause.
  @ERR-007 @should
  Scenario: A 404 carries no scimType of a 400 or 409
    When a SCIM client reads a user with an unknown id
    Then the app answers 404
    And the error has no scimType of Table 9
