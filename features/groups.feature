@groups @needs-groups
Feature: Group Push
  With Push Groups enabled, Okta creates groups in the app, keeps their members in
  sync with PATCH (OIN) or PUT (App Integration Wizard), renames and deletes them.
  These scenarios are out of scope unless the run declares group push (--groups), and required once declared.

  # Spec: Okta SCIM 2.0 guide "Create groups" (mockidp/okta/WIRE.md §9.1): lookup by displayName eq, then POST → 201;
  # RFC 7644 §3.3.
  @GRP-001 @required
  Scenario: Pushing a group creates it with its members
    Given "Ada" is assigned to the app
    And "Bob" is assigned to the app
    And a group "Engineering" in Okta with the members "Ada, Bob"
    When Okta pushes the group "Engineering"
    Then Okta records the operation as successful
    And the app answered Okta's POST /Groups with 201
    And the group "Engineering" in the app has exactly the members "Ada, Bob"

  # Spec: Okta SCIM 2.0 guide "Update group memberships": PATCH add at "members" (mockidp/okta/WIRE.md §9.1); RFC 7644 §3.5.2.1.
  @GRP-002 @required
  Scenario: Adding a member to a pushed group
    Given "Ada" is assigned to the app
    And "Cy" is assigned to the app
    And a pushed group "Engineering" with the members "Ada"
    When Okta adds "Cy" to the group "Engineering"
    Then Okta records the operation as successful
    And the group "Engineering" in the app has exactly the members "Ada, Cy"

  # Spec: PATCH remove with path members[value eq "id"] (mockidp/okta/WIRE.md §9.1); RFC 7644 §3.5.2.2 "the
  # matching values are removed": only the named member, wherever it is in the list.
  @GRP-003 @required
  Scenario: Removing members from a pushed group
    Given "Ada" is assigned to the app
    And "Bob" is assigned to the app
    And "Cy" is assigned to the app
    And "Grace" is assigned to the app
    And a pushed group "Engineering" with the members "Ada, Bob, Cy, Grace"
    When Okta removes "Bob" from the group "Engineering"
    Then Okta records the operation as successful
    And the group "Engineering" in the app has exactly the members "Ada, Cy, Grace"
    When Okta removes "Ada" from the group "Engineering"
    Then Okta records the operation as successful
    And the group "Engineering" in the app has exactly the members "Cy, Grace"

  # Spec: rename PATCH replace with value {id, displayName} and no path; "ignore an equal id" (mockidp/okta/WIRE.md §9.1).
  @GRP-004 @required
  Scenario: Renaming a pushed group
    Given "Ada" is assigned to the app
    And a pushed group "Engineering" with the members "Ada"
    When Okta renames the group "Engineering" to "Platform"
    Then Okta records the operation as successful
    And the group "Engineering" in the app is named "Platform"

  # Spec: OIN QA C9316 "Push Now: full membership overwrite"; PATCH replace at members (mockidp/okta/WIRE.md §9.1, §12.4).
  @GRP-005 @required
  Scenario: Push Now replaces the member list exactly
    Given "Ada" is assigned to the app
    And "Bob" is assigned to the app
    And "Cy" is assigned to the app
    And a pushed group "Engineering" with the members "Ada, Bob"
    When the members of "Engineering" in Okta become "Bob, Cy" and Okta pushes the group now
    Then Okta records the operation as successful
    And the group "Engineering" in the app has exactly the members "Bob, Cy"

  # Spec: Push Groups › Unlink › "Delete the group in the target app" → DELETE /Groups/{id} → 204 (mockidp/okta/WIRE.md §9.1);
  # RFC 7644 §3.6 "the service provider MUST return a 404 ... for all operations" after delete.
  @GRP-006 @required
  Scenario: Unlinking and deleting a pushed group
    Given a pushed group "Engineering" with no members
    When Okta unlinks the group "Engineering" and deletes it in the app
    Then Okta records the operation as successful
    And the group "Engineering" is gone from the app

  # Spec: OIN membership PATCH "one remove per leaving user" in one request (mockidp/okta/WIRE.md §9.1, OLDREF); RFC
  # 7644 §3.5.2 "Each operation ... MUST be applied" in order and §3.5.2.2 "the matching values are removed"; AIW sends
  # the full list in a PUT (mockidp/okta/WIRE.md §9.1, §9.2).
  @GRP-008 @required
  Scenario: Removing several members at once, the last among them
    Given "Ada" is assigned to the app
    And "Bob" is assigned to the app
    And "Cy" is assigned to the app
    And "Grace" is assigned to the app
    And a pushed group "Engineering" with the members "Ada, Bob, Cy, Grace"
    When Okta removes "Bob, Grace" from the group "Engineering"
    Then Okta records the operation as successful
    And the group "Engineering" in the app has exactly the members "Ada, Cy"

  # Spec: OIN membership PATCH "remove at members[value eq ...] and add at members" in one request
  # (mockidp/okta/WIRE.md §9.1, §9.2); RFC 7644 §3.5.2 "Each operation ... MUST be applied"; AIW: full PUT (§9.1).
  @GRP-009 @required
  Scenario: One update removes a member and adds others
    Given "Ada" is assigned to the app
    And "Bob" is assigned to the app
    And "Cy" is assigned to the app
    And "Grace" is assigned to the app
    And a pushed group "Engineering" with the members "Ada, Bob"
    When Okta removes "Bob" and adds "Cy, Grace" in one update of the group "Engineering"
    Then Okta records the operation as successful
    And the group "Engineering" in the app has exactly the members "Ada, Cy, Grace"

  # Spec: OIN rename PATCH replace with value {id, displayName} and no path, AIW PUT with the full members list
  # (mockidp/okta/WIRE.md §9.1, §9.2); RFC 7644 §3.5.2.3 replace without path replaces only "the attributes ... in
  # the value": members are not in it and stay.
  @GRP-010 @required
  Scenario: Renaming a group keeps every member
    Given "Ada" is assigned to the app
    And "Bob" is assigned to the app
    And "Cy" is assigned to the app
    And a pushed group "Engineering" with the members "Ada, Bob, Cy"
    When Okta renames the group "Engineering" to "Platform"
    Then Okta records the operation as successful
    And the group "Engineering" in the app is named "Platform"
    And the group "Engineering" in the app has exactly the members "Ada, Bob, Cy"

  # Spec: Okta imports groups with GET /Groups?startIndex=1&count=100, continuing at startIndex+100 until
  # totalResults (mockidp/okta/WIRE.md §8, §9.2); RFC 7644 §3.4.2.4 "totalResults ... the total number of results
  # returned by the list or query operation".
  @GRP-011 @required @exclusive
  Scenario: Okta's group import lists every pushed group exactly once
    Given "Ada" is assigned to the app
    And a pushed group "Engineering" with the members "Ada"
    And a pushed group "Sales" with no members
    And a pushed group "Support" with no members
    When Okta imports groups
    Then Okta records the operation as successful
    And the group import lists each of "Engineering, Sales, Support" exactly once
    And every page of the group import reports the same totalResults, and the pages hold that many groups
