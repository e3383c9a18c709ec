@entitlements @needs-entitlements
Feature: Entitlements
  With "SCIM 2.0 with entitlements" (Okta Identity Governance), Okta discovers the app's
  entitlement resource types, imports every value they offer, and grants values to users
  through their roles and entitlements. These scenarios are out of scope unless the run
  declares entitlements (--entitlements), and required once declared.

  # Spec: Okta "Build a SCIM 2.0 server with entitlements" (https://developer.okta.com/docs/guides/scim-with-entitlements/main/):
  # "/ResourceTypes: Gets available entitlements, roles, users, and extension schema" URNs, then "/Schemas: Gets
  # available schemas that match the ResourceType extension URNs"; mockidp/okta/WIRE.md §16.
  @ENT-001 @required
  Scenario: Okta discovers the app's entitlement types
    When Okta discovers the app's entitlement types
    Then Okta records the operation as successful
    And the app offers at least one entitlement type
    And every entitlement type has an id, a name and its own endpoint
    And /Schemas describes every schema extension of the entitlement types

  # Spec: Okta's entitlements test reads "{{EntitlementEndpoint}}?count=1&startIndex=1" and requires
  # itemsPerPage 1 and non-empty Resources (mockidp/okta/WIRE.md §16, [T] ENT); "For each ResourceType with the
  # Okta role or entitlement URN, Okta retrieves all values" (Okta guide, mockidp/okta/WIRE.md §16);
  # RFC 7644 §3.4.2 "itemsPerPage: The number of resources returned in a list response page"; §3.4.2.4 paging.
  @ENT-002 @required
  Scenario: Okta imports every entitlement exactly once
    Given Okta has discovered the app's entitlement types
    When Okta imports every entitlement type
    Then Okta records the operation as successful
    And the first page of each entitlement type, asked with count 1, has itemsPerPage 1
    And every entitlement of each type is imported exactly once
    When Okta imports every entitlement type one at a time
    Then Okta records the operation as successful
    And every entitlement of each type is imported exactly once
    And both imports found the same entitlements

  # Spec: "The User object should include any entitlements, roles, and custom User schema extensions that your
  # app requires" (Okta guide, mockidp/okta/WIRE.md §16); grants and removals are profile updates (§16 rows
  # 'Grant' and 'Revoke', inferred); RFC 7644 §3.5.1.
  @ENT-003 @required
  Scenario: Entitlements granted to a user read back, and so does their removal
    Given Okta has imported the app's entitlements
    And "Ada" is assigned to the app
    When Okta grants "Ada" one entitlement of each type
    Then Okta records the operation as successful
    And the app shows "Ada" with every granted entitlement
    When Okta removes every entitlement from "Ada"
    Then Okta records the operation as successful
    And the app shows "Ada" with no entitlements

  # Spec: an entitlement the app does not offer is refused rather than stored (mockidp/okta/WIRE.md §16, inferred);
  # RFC 7644 §3.12 "invalidValue: A required value was missing, or the value specified was not compatible";
  # Okta shows the error detail to the admin (mockidp/okta/WIRE.md §10).
  @ENT-004 @required
  Scenario: An entitlement the app does not offer is refused with a SCIM error
    Given Okta has imported the app's entitlements
    When Okta assigns "Ada" to the app with one entitlement of each type
    Then Okta records the operation as successful
    And the app shows "Ada" with every granted entitlement
    When Okta assigns "Bob" to the app with an entitlement the app does not offer
    Then the app refuses the unknown entitlement with 400 and scimType "invalidValue"
