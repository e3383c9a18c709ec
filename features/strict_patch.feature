@strict @patch
Feature: RFC strict tier: PATCH
  RFC 7644 §3.5.2 PATCH beyond the operations Okta sends. These scenarios run
  only with --strict.

  Background:
    Given "Ada" is assigned to the app

  # Spec: RFC 7644 §3.5.2.2 "If "path" is unspecified, the operation fails with HTTP status code 400 and a "scimType"
  # error code of "noTarget"."; MUST.
  # Fix: Refuse a "remove" without a path with 400 and scimType "noTarget" (treating it as a no-op, or removing the whole
  # resource, are the usual causes).
  @PAT-001 @must
  Scenario: A remove without a path answers 400 noTarget
    When a SCIM client patches "Ada" with:
      """
      {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove"}]}
      """
    Then the app answers 400
    And the answer is a SCIM error with status 400
    And the answer has scimType "noTarget"

  # Spec: RFC 7644 §3.5.2.3 "If the target location is a multi-valued attribute for which a value selection filter
  # ("valuePath") has been supplied and no record match was made, the service provider SHALL indicate failure by
  # returning HTTP status code 400 and a "scimType" error code of "noTarget"."; MUST.
  # Fix: When a replace's value filter matches no value, answer 400 noTarget instead of adding a value or answering
  # 200 unchanged.
  @PAT-002 @must
  Scenario: A replace whose value filter matches nothing answers 400 noTarget
    When a SCIM client patches "Ada" with:
      """
      {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails[type eq \"home\"].value","value":"home@example.com"}]}
      """
    Then the app answers 400
    And the answer is a SCIM error with status 400
    And the answer has scimType "noTarget"

  # Spec: RFC 7644 §3.5.2 "On successful completion, the server either MUST return a 200 OK response code and the
  # entire resource within the response body ... or MAY return HTTP status code 204 (No Content)"; MUST.
  # Fix: Answer a successful PATCH with 200 and the whole updated resource (id, schemas, every attribute), or with 204
  # and no body; a 200 with an empty body, {} or only the changed attribute is the usual mistake.
  @PAT-003 @must
  Scenario: A successful PATCH answers 200 with the whole resource, or 204
    When a SCIM client patches "Ada" with:
      """
      {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Countess of Lovelace"}]}
      """
    Then the answer is 200 with the whole user "Ada" with displayName "Countess of Lovelace", or 204
