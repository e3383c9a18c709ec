@import
Feature: Import users
  Okta imports users page by page with startIndex and count, and relies on integer
  counters and stable ordering to see every user exactly once.

  # Spec: RFC 7644 §3.4.2.4 pagination ("1-based index", "itemsPerPage ... number of resources returned");
  # Okta SCIM 2.0 guide "Retrieve users" paging (mockidp/okta/WIRE.md §8); mockidp/okta/WIRE.md §11 pitfall 16.
  @IMP-001 @required @exclusive
  Scenario: Paging visits every user exactly once
    Given 5 people from this run are assigned to the app
    When Okta pages through all users in small pages
    Then every page is a ListResponse with integer counters
    And every user from this run is seen exactly once
    And no user is seen twice
    And the pages list the users in the same order as the full listing, twice

  # Spec: RFC 7644 §3.4.2 "itemsPerPage: The number of resources returned in a list response page";
  # mockidp/okta/WIRE.md §8 (ory/polis PR 4054).
  @IMP-002 @required
  Scenario: itemsPerPage equals the number of resources returned
    Given 3 people from this run are assigned to the app
    When Okta requests users with startIndex 1 and count 2
    Then the app answers 200
    And the answer is a ListResponse with integer counters
    And itemsPerPage equals the number of Resources returned
    And the answer returns at most 2 resources
    When Okta requests the last page of users with count 10
    Then the app answers 200
    And itemsPerPage equals the number of Resources returned

  # Spec: RFC 7644 §3.4.2.4 "startIndex ... greater than totalResults ... empty list"; Okta QA probes
  # startIndex=101&count=100 on small tenants (mockidp/okta/WIRE.md §8).
  @IMP-003 @required @exclusive
  Scenario: A page past the end is empty
    Given "Ada" is assigned to the app
    When Okta requests the page after the last user
    Then the app answers 200
    And the answer is a ListResponse with integer counters
    And the answer has no Resources
    And itemsPerPage equals the number of Resources returned

  # Spec: Okta imports with count=100 until totalResults (mockidp/okta/WIRE.md §8); inactive users are not imported.
  @IMP-004 @optional @exclusive
  Scenario: Okta's import sees the assigned users
    Given 2 people from this run are assigned to the app
    When Okta imports users
    Then Okta records the operation as successful
    And the import contains every user from this run
