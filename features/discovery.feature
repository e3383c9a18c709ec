@discovery
Feature: Discovery endpoints
  Okta does not call these for provisioning, but its older SPEC test and the OIN
  Wizard's "Import User Schema" read them (mockidp/okta/WIRE.md §3, §12.1 SPEC17).

  # Spec: RFC 7644 §4 "/ServiceProviderConfig"; Okta SPEC17 optional test a.
  @DSC-001 @optional
  Scenario: ServiceProviderConfig describes the service
    When Okta sends GET "/ServiceProviderConfig"
    Then the app answers 200
    And the answer is a ServiceProviderConfig

  # Spec: RFC 7644 §4 "/Schemas"; RFC 7643 §7; Okta SPEC17 optional test e.
  @DSC-002 @optional
  Scenario: Schemas lists the User schema
    When Okta sends GET "/Schemas"
    Then the app answers 200
    And the answer is a ListResponse with integer counters
    And the answer lists a resource with id "urn:ietf:params:scim:schemas:core:2.0:User"

  # Spec: RFC 7644 §4 "/ResourceTypes"; RFC 7643 §6; Okta SPEC17 optional test c.
  @DSC-003 @optional
  Scenario: ResourceTypes lists the User resource type
    When Okta sends GET "/ResourceTypes"
    Then the app answers 200
    And the answer is a ListResponse with integer counters
    And the answer lists a resource with name "User"

  # Spec: RFC 7644 §4 "An HTTP GET to these endpoints is used to discover ...": read-only; Okta SPEC17 tests b, d, f → 405.
  @DSC-004 @optional
  Scenario: Discovery endpoints are read-only
    When Okta sends POST to each discovery endpoint
    Then every answer is 405 with a SCIM error body
