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
