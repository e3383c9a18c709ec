@strict @discovery
Feature: RFC strict tier: discovery
  RFC 7644 §4 and RFC 7643 §5-§7 discovery documents beyond what Okta reads.
  These scenarios run only with --strict.

  # Spec: RFC 7644 §4 "An HTTP GET to the endpoint "/Schemas" SHALL return all supported schemas in ListResponse
  # format (see Figure 3)."; "/ResourceTypes ... used to discover the types of resources available"; RFC 7643 §6,
  # §7 give each resource its "schemas"; MUST.
  # Fix: Answer GET /Schemas and GET /ResourceTypes with a ListResponse (schemas, totalResults, Resources), each
  # resource with its own schema URN (…:Schema, …:ResourceType); a bare JSON array or a single object is the usual
  # mistake.
  @DSC-005 @must
  Scenario: /Schemas and /ResourceTypes answer ListResponses of schemas and resource types
    When a SCIM client sends GET "/Schemas"
    Then the app answers 200
    And the answer is a ListResponse of resources with the schema "urn:ietf:params:scim:schemas:core:2.0:Schema"
    When a SCIM client sends GET "/ResourceTypes"
    Then the app answers 200
    And the answer is a ListResponse of resources with the schema "urn:ietf:params:scim:schemas:core:2.0:ResourceType"

  # Spec: RFC 7643 §7 "attributes ... type The attribute's data type ... mutability ... returned ... uniqueness"
  # (each with the values §7 lists), for sub-attributes too; SHOULD (RFC 7643 §2.2 gives defaults, but a client
  # that builds its mapping from /Schemas cannot tell a default from a forgotten field).
  # Fix: Write type, mutability, returned and uniqueness on every attribute and sub-attribute of /Schemas, with the
  # RFC's values ("readWrite", "default", "none", ...); a struct with omitempty drops the defaults.
  @DSC-006 @should
  Scenario: Every schema attribute states its type, mutability, returned and uniqueness
    When a SCIM client sends GET "/Schemas"
    Then the app answers 200
    And every attribute of every schema states type, mutability, returned and uniqueness with RFC values

  # Spec: RFC 7643 §5 "filter A complex type that specifies FILTER options. REQUIRED. ... supported A Boolean value
  # specifying whether or not the operation is supported. REQUIRED."; MUST (a provider whose filters work must not
  # say they do not: clients that trust it page through every user instead).
  # Fix: Set filter.supported to true (and maxResults) in /ServiceProviderConfig when GET /Users?filter= works; a
  # copied template with "supported": false is the usual cause.
  @DSC-007 @must
  Scenario: ServiceProviderConfig says filters are supported, as they work
    Given "Ada" is assigned to the app
    When a SCIM client sends GET "/ServiceProviderConfig"
    Then the app answers 200
    And filter.supported is true, and a userName filter finds "Ada"

  # Spec: RFC 7643 §5 "patch A complex type that specifies PATCH configuration options. REQUIRED."; "bulk A complex
  # type that specifies bulk configuration options. ... REQUIRED."; "supported A Boolean value specifying whether or
  # not the operation is supported. REQUIRED."; MUST (a client plans its requests by these flags: one that trusts
  # patch.supported false sends PUTs, one that trusts bulk.supported true sends requests that fail).
  # Fix: Make patch.supported and bulk.supported say what the app does: true only when PATCH /Users/{id} works (or
  # POST /Bulk answers 200), false otherwise; a copied template that says "bulk": {"supported": true} without a /Bulk
  # endpoint is the usual cause.
  @DSC-008 @must
  Scenario: ServiceProviderConfig's patch and bulk flags match what the app does
    Given "Ada" is assigned to the app
    When a SCIM client sends GET "/ServiceProviderConfig"
    Then the app answers 200
    And patch.supported and bulk.supported match what PATCH and POST /Bulk do for "Ada"

  # Spec: RFC 7643 §5 "changePassword A complex type that specifies configuration options related to changing a
  # password. REQUIRED." and "supported A Boolean value specifying whether or not the operation is supported.
  # REQUIRED."; MUST (a client that trusts changePassword.supported true sends password changes as RFC 7644 §3.5.2
  # PATCH operations on "password"; one that trusts false never does).
  # Fix: Say changePassword.supported true only when a PATCH {"op":"replace","path":"password","value":"…"} on a user
  # is accepted (200 or 204; the password is never returned, RFC 7643 §4.1.1); otherwise say false. A server that
  # takes Okta's path-less {"op":"replace","value":{"password":"…"}} but refuses the "path" form is the usual cause.
  @DSC-009 @must
  Scenario: ServiceProviderConfig's changePassword flag matches what a password replace does
    Given "Ada" is assigned to the app
    When a SCIM client sends GET "/ServiceProviderConfig"
    Then the app answers 200
    And changePassword.supported is true only if a password replace for "Ada" is accepted
