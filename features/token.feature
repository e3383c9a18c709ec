@token
Feature: Connection and SCIM token
  The Okta admin copies the app's SCIM token into Okta and clicks "Test API Credentials".
  Every SCIM endpoint must refuse requests that do not carry a valid token, with a
  SCIM error body Okta can show to the admin. Every refusal is checked only where the
  right token was first shown to be accepted (an HTTP answer that is not 401/403), and
  no answer at all is an error, never a refusal.

  # Spec: Okta SCIM guide "Test API Credentials" (mockidp/okta/WIRE.md §3): GET /Users?startIndex=1&count=2;
  # "itemsPerPage, startIndex, totalResults need to be exchanged as integers" (mockidp/okta/WIRE.md §8, RFC 7644 §3.4.2).
  @AUTH-001 @required
  Scenario: Test API Credentials succeeds with the right token
    When Okta tests the API credentials
    Then the app answers 200
    And the answer is a ListResponse with integer counters
    And Okta records the operation as successful

  # Spec: RFC 7644 §2 "the service provider MUST ... authenticate" and §3.12 error body;
  # Okta SPEC test #11 requires 401 with an Error schema and a detail (mockidp/okta/WIRE.md §10).
  @AUTH-002 @required
  Scenario: Every endpoint and method refuses a request without a token
    Given the right token is accepted on every SCIM endpoint and method
    When every SCIM endpoint and method is called without an Authorization header
    Then every answer is 401 with a SCIM error body

  # Spec: RFC 6750 §3.1 invalid_token; RFC 7644 §3.12 (status 401).
  @AUTH-003 @required
  Scenario: Every endpoint and method refuses a wrong token
    Given the right token is accepted on every SCIM endpoint and method
    When every SCIM endpoint and method is called with a wrong bearer token
    Then every answer is 401 with a SCIM error body

  # Spec: Okta SCIM 2.0 SPEC test #11 "Check status 401" sends "Authorization: non-token" (mockidp/okta/WIRE.md §12.1).
  @AUTH-004 @required
  Scenario: A request with "Authorization: non-token" is refused
    Given the right token is accepted for the lookup of "Ada"
    When Okta looks up a user with the Authorization header "non-token"
    Then the app answers 401
    And the answer is a SCIM error with status 401

  # Spec: RFC 7235 §2.1 credentials syntax; RFC 6750 §2.1 "Bearer" b64token; RFC 7644 §3.12.
  @AUTH-005 @required
  Scenario: Malformed Authorization headers are refused
    Given the right token is accepted for the lookup of "Ada"
    When Okta looks up a user with each of these Authorization headers:
      | Bearer         |
      | Basic Og==     |
      | Bearer a b c   |
      | Token abc      |
    Then every answer is 401 with a SCIM error body

  # Spec: RFC 6750 §3.1 "invalid_token: The access token provided is expired, revoked, malformed ...".
  # In scope (and required) only when a revoked token is supplied (--revoked-token-file).
  @AUTH-006 @required @needs-revoked-token
  Scenario: A revoked token is refused
    Given a revoked SCIM token
    And the right token is accepted on every SCIM endpoint and method
    When every SCIM endpoint and method is called with the revoked token
    Then every answer is 401 with a SCIM error body

  # Spec: RFC 6750 §5.3 "Bearer tokens MUST NOT be ... exposed"; RFC 7644 §7 security considerations.
  @AUTH-007 @required
  Scenario: The app never echoes presented credentials back
    Given the right token is accepted on every SCIM endpoint and method
    When every SCIM endpoint and method is called with a wrong bearer token
    Then no answer contains the presented token
