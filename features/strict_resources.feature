@strict @resources
Feature: RFC strict tier: resources
  RFC 7643 attribute characteristics other clients rely on. These scenarios run
  only with --strict.

  # Spec: RFC 7643 §3.1 "id ... A unique identifier for a SCIM resource as defined by the service provider ... This
  # attribute has "mutability" of "readOnly""; RFC 7643 §7 "readOnly The attribute SHALL NOT be modified."; MUST.
  # Fix: Ignore id and meta in a create request: the server issues id and the meta times (copying the request body
  # into the stored resource lets a client choose them).
  @RES-001 @must
  Scenario: readOnly id and meta.created in a create request are ignored
    When a SCIM client creates the user "Ada" with "id" "client-chosen-id" and meta.created "2001-01-01T00:00:00Z"
    Then the app answers 201
    And the answer's id is not "client-chosen-id" and meta.created is not "2001-01-01T00:00:00Z"

  # Spec: RFC 7643 §3 "The "schemas" attribute is a REQUIRED attribute and is an array of Strings containing URIs that
  # are used to indicate the namespaces of the SCIM schemas that define the attributes present in the current JSON
  # structure."; RFC 7643 §4.3 the enterprise User extension; RFC 7644 §3.4 "By default, resource attributes returned
  # in a response are those attributes whose characteristic "returned" setting is "always" or "default""; MUST (when
  # /ResourceTypes lists the enterprise extension for User; an app that does not offer it has nothing to keep).
  # Fix: Store the "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User" object of a create and return it, with
  # its URN in "schemas", on the 201 and on every read; a model with only core attributes drops it silently.
  @RES-002 @must
  Scenario: Enterprise extension data sent in a create is kept and returned
    When a SCIM client creates the user "Ada" with the enterprise employeeNumber "701984" and department "Tour Operations"
    Then the app answers 201
    And the answer and the user read back carry the enterprise data and its URN in "schemas", as /ResourceTypes offers it

  # Spec: RFC 7643 §3 "The "schemas" attribute is a REQUIRED attribute and is an array of Strings containing URIs that
  # are used to indicate the namespaces of the SCIM schemas that define the attributes present in the current JSON
  # structure."; SHOULD (an extension URN without extension attributes is allowed by the "schemaExtensions" rule, but
  # tells a client to look for data that is not there).
  # Fix: Build "schemas" from the data the resource carries: the core URN, plus an extension's URN only when the
  # resource has attributes of that extension; a constant list naming every extension is the usual cause.
  @RES-003 @should
  Scenario: schemas lists an extension URN only when the user carries extension data
    When a SCIM client creates the user "Ada"
    Then the app answers 201
    And the answer's "schemas" is the User schema alone
