@users
Feature: Create users (assign a person to the app in Okta)
  When an admin assigns a person to the app, Okta looks the user up by userName and,
  if the app does not know the user, creates it with POST /Users.

  # Spec: Okta SCIM 2.0 guide "Determine if the user already exists" (mockidp/okta/WIRE.md §4.1):
  # "GET /Users?filter=userName eq ... → 200 ListResponse with totalResults:0"; Okta SPEC tests #3 and #5.
  @USR-001 @required
  Scenario: The lookup before create answers an empty list
    Given a new person "Ada" in Okta
    When Okta looks up "Ada" by userName
    Then the app answers 200
    And the answer is a ListResponse with integer counters
    And the answer has totalResults 0

  # Spec: RFC 7644 §3.3 "the server SHALL return 201 Created ... the resource representation";
  # Okta SCIM 2.0 guide "Create the user" (mockidp/okta/WIRE.md §4.2, §4.3); Okta SPEC test #6.
  @USR-002 @required
  Scenario: Assigning a new person creates the user
    Given a new person "Ada" in Okta
    When Okta assigns "Ada" to the app
    Then Okta records the operation as successful
    And the app answers 201
    And the answer is the user "Ada" as Okta sent it

  # Spec: RFC 7644 §3.4.1 retrieving a known resource; Okta SPEC test #7.
  @USR-003 @required
  Scenario: The created user reads back the same
    Given "Ada" is assigned to the app
    When Okta reads "Ada" from the app
    Then the app answers 200
    And the answer is the user "Ada" as Okta sent it

  # Spec: RFC 7643 §4.1.1 "userName ... caseExact false"; RFC 7644 §3.4.2.2 "eq";
  # Okta SPEC test #9 "Username Case Sensitivity Check"; mockidp/okta/WIRE.md §11 pitfall 2.
  @USR-004 @required
  Scenario: The lookup finds the user in any letter case
    Given "Ada" is assigned to the app
    When Okta looks up "Ada" by userName in upper case
    Then the app answers 200
    And the answer lists exactly the user "Ada"
    When Okta looks up "Ada" by userName in lower case
    Then the app answers 200
    And the answer lists exactly the user "Ada"

  # Spec: RFC 7644 §3.3 "If the service provider determines that the creation of the requested resource
  # conflicts with existing resources ... MUST return HTTP status code 409 (Conflict) with a scimType error code
  # of uniqueness"; RFC 7643 §4.1.1 userName unique, case-insensitive; Okta SPEC test #8.
  @USR-005 @required
  Scenario: A second create with the same userName in another case answers 409
    Given "Ada" is assigned to the app
    When Okta creates "Ada" again with the userName in upper case
    Then the app answers 409
    And the answer is a SCIM error with status 409
    And the answer has scimType "uniqueness"
    When Okta creates "Ada" again with the same userName
    Then the app answers 409
    And the answer is a SCIM error with status 409
    And the answer has scimType "uniqueness"

  # Spec: RFC 7643 §4.1.1 "password ... This attribute MUST NOT be returned (returned never)";
  # Okta sends password, groups, locale and externalId on create (mockidp/okta/WIRE.md §4.2). The sent value must
  # appear nowhere in the answer: under no key, at no depth (e.g. credential.value or an extension).
  @USR-006 @required
  Scenario: Okta's extra attributes are accepted and the password is never returned
    Given a new person "Ada" in Okta
    When Okta assigns "Ada" to the app
    Then the app answers 201
    And the answer does not contain the password Okta sent
    When Okta reads "Ada" from the app
    Then the app answers 200
    And the answer does not contain the password Okta sent
    And the answer has externalId equal to the Okta user id of "Ada"

  # Spec: Okta SCIM 2.0 guide "Update a specific user (PUT)": GET then PUT with the changed attributes
  # (mockidp/okta/WIRE.md §5.1); RFC 7644 §3.5.1.
  @USR-007 @required
  Scenario: A profile update changes the name and it reads back
    Given "Ada" is assigned to the app
    When Okta changes the name of "Ada" to "Augusta" "King"
    Then Okta records the operation as successful
    When Okta reads "Ada" from the app
    Then the answer has name.givenName "Augusta" and name.familyName "King"

  # Spec: RFC 7644 §3.5.1 "readOnly ... values provided SHALL be ignored"; Okta's PUT is the server's GET answer
  # sent back (id, meta and whatever else the server returned) plus Okta's own "groups": [] and "password"
  # (mockidp/okta/WIRE.md §5.1: Okta SCIM 2.0 guide PUT sample with id, groups, meta; 2018 PUT sample with password,
  # groups; FZ capture echoing server-only fields). Okta never adds an extension the server did not return.
  @USR-008 @required
  Scenario: A PUT that echoes the server's own fields with Okta's password and groups is accepted
    Given "Ada" is assigned to the app
    When Okta sends back the user "Ada" as the app returned it, with Okta's password and groups
    Then the app answers 200
    And the answer does not contain the password Okta sent
    And the answer is the user "Ada" as Okta sent it

  # Spec: RFC 7644 §3.12 scimType "mutability"; Apollo: "to change a user's primary email address you must first
  # unassign the user ... then re-assign" (mockidp/okta/WIRE.md §7.2); never a silent 200 that changes nothing.
  @USR-009 @required
  Scenario: Changing the primary email by an update is applied or refused clearly
    Given "Ada" is assigned to the app
    When Okta changes the primary email of "Ada" with a profile update
    Then the change is applied, or refused with 400 mutability and a detail that tells the admin what to do
