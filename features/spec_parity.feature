@spec
Feature: Okta SCIM 2.0 SPEC test parity
  The twelve checks of Okta's published "Okta SCIM 2.0 SPEC Test" (Runscope/BlazeMeter,
  May 2024; mockidp/okta/WIRE.md §12.1), with the same requests and assertions, so that passing
  scimconform implies passing Okta's own check. Like Okta's test, they need at least one
  user in the app: the background provisions one.

  Background:
    Given "Grace" is assigned to the app

  # Spec: SPEC24 #1 "Required: Test Users endpoint" — GET /Users?count=1&startIndex=1.
  @SPEC-001 @required @exclusive
  Scenario: SPEC 1 - Test Users endpoint
    When Okta sends GET "/Users?count=1&startIndex=1"
    Then the app answers 200
    And the answer is a ListResponse with integer counters
    And the answer has non-empty values at "Resources[0].id, Resources[0].name.familyName, Resources[0].name.givenName, Resources[0].userName, Resources[0].active, Resources[0].emails[0].value"

  # Spec: SPEC24 #2 "Required: Get Users/{{id}}".
  @SPEC-002 @required @exclusive
  Scenario: SPEC 2 - Get Users/{id}
    When Okta reads the first listed user by id
    Then the app answers 200
    And the answer has non-empty values at "id, name.familyName, name.givenName, userName, active, emails[0].value"
    And the answer's id is the listed id

  # Spec: SPEC24 #3 "Required: Test invalid User by username" — userName eq "abcdefgh@atko.com" → 200, totalResults 0.
  @SPEC-003 @required
  Scenario: SPEC 3 - Test invalid User by username
    When Okta sends GET "/Users?filter=userName%20eq%20%22abcdefgh%40atko.com%22"
    Then the app answers 200
    And the answer is a ListResponse with integer counters
    And the answer has totalResults 0

  # Spec: SPEC24 #4 "Required: Test invalid User by ID" — GET /Users/010101001010101011001010101011 → 404.
  @SPEC-004 @required
  Scenario: SPEC 4 - Test invalid User by ID
    When Okta sends GET "/Users/010101001010101011001010101011"
    Then the app answers 404
    And the answer is a SCIM error with status 404

  # Spec: SPEC24 #5 "Required: Make sure random user doesn't exist".
  @SPEC-005 @required
  Scenario: SPEC 5 - Make sure random user doesn't exist
    Given a random SPEC test user
    When the SPEC test looks up the random user
    Then the app answers 200
    And the answer is a ListResponse with integer counters
    And the answer has totalResults 0

  # Spec: SPEC24 #6 "Required: Create Okta user with realistic values" — body without externalId/password,
  # Content-Type application/json (mockidp/okta/WIRE.md §11 pitfalls 22, 23).
  @SPEC-006 @required
  Scenario: SPEC 6 - Create Okta user with realistic values
    Given a random SPEC test user
    When the SPEC test creates the random user
    Then the app answers 201
    And the answer is the random SPEC test user

  # Spec: SPEC24 #7 "Required: Verify that user was created".
  @SPEC-007 @required
  Scenario: SPEC 7 - Verify that user was created
    Given the SPEC test has created a random user
    When the SPEC test reads the random user by id
    Then the app answers 200
    And the answer is the random SPEC test user

  # Spec: SPEC24 #8 "Required: Expect failure when recreating user with same values" → 409.
  @SPEC-008 @required
  Scenario: SPEC 8 - Expect failure when recreating user with same values
    Given the SPEC test has created a random user
    When the SPEC test creates the random user
    Then the app answers 409

  # Spec: SPEC24 #9 "Required: Username Case Sensitivity Check" — userName eq in upper case → 200.
  @SPEC-009 @required
  Scenario: SPEC 9 - Username Case Sensitivity Check
    Given the SPEC test has created a random user
    When the SPEC test looks up the random user in upper case
    Then the app answers 200

  # Spec: SPEC24 #10 "Optional: Verify Groups endpoint" — GET /Groups → 200; Resources an array when totalResults > 0.
  @SPEC-010 @optional
  Scenario: SPEC 10 - Verify Groups endpoint
    When Okta sends GET "/Groups"
    Then the app answers 200
    And the answer has an array of Resources when totalResults is not 0

  # Spec: SPEC24 #11 "Required: Check status 401" — Authorization: non-token.
  @SPEC-011 @required
  Scenario: SPEC 11 - Check status 401
    Given the SPEC test has created a random user
    And the right token is accepted for the same lookup in upper case
    When the SPEC test looks up the random user in upper case with the Authorization header "non-token"
    Then the app answers 401
    And the answer is a SCIM error with status 401

  # Spec: SPEC24 #12 "Required: Check status 404" — GET /Users/00919288221112222.
  @SPEC-012 @required
  Scenario: SPEC 12 - Check status 404
    When Okta sends GET "/Users/00919288221112222"
    Then the app answers 404
    And the answer is a SCIM error with status 404
