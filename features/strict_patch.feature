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

  # Spec: RFC 7644 §3.5.2 "Each PATCH operation object MUST have exactly one "op" member, whose value indicates the
  # operation to perform and MAY be one of "add", "remove", or "replace"."; "Evaluation continues until all operations
  # are successfully applied or until an error condition is encountered."; MUST (the RFC does not make "op"
  # case-insensitive, so a server may refuse "Replace", as some clients send it; what it must not do is answer success
  # and skip the operation).
  # Fix: Match "op" case-insensitively ("Replace" is replace), or refuse an op you do not know with 400 and a detail;
  # a switch on the exact lower-case strings that falls through to "ignore" answers 200 and changes nothing.
  @PAT-004 @must
  Scenario: An op in another letter case is applied, or refused with 400, never skipped
    When a SCIM client patches "Ada" with:
      """
      {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"displayName","value":"Countess of Lovelace"}]}
      """
    Then the user "Ada" read back has displayName "Countess of Lovelace", or the app refused the PATCH with 400

  # Spec: RFC 7644 §3.5.2 "Each operation against an attribute MUST be compatible with the attribute's mutability and
  # schema as defined in Sections 2.2 and 2.3 of [RFC7643]. ... An operation that is not compatible with an
  # attribute's mutability or schema SHALL return the appropriate HTTP response status code and a JSON detail error
  # response as defined in Section 3.12."; RFC 7643 §4.1.1 userName "REQUIRED"; RFC 7644 §3.12 Table 9 invalidValue
  # "A required value was missing"; MUST.
  # Fix: Refuse a PATCH that removes a required attribute (userName) with 400 and scimType "invalidValue", and keep the
  # stored user as it was; check required attributes on the patched result before you save it.
  @PAT-005 @must
  Scenario: Removing the required userName is refused with 400, and the user keeps it
    When a SCIM client patches "Ada" with:
      """
      {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"displayName"}]}
      """
    Then the app answers 200 or 204
    When a SCIM client patches "Ada" with:
      """
      {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"userName"}]}
      """
    Then the app answers 400
    And the answer is a SCIM error with status 400
    And the user "Ada" read back still has her userName

  # Spec: RFC 7644 §3.5.2.3 "If the target location is a multi-valued attribute and a value selection ("valuePath")
  # filter is specified that matches one or more values of the multi-valued attribute, then all matching record values
  # SHALL be replaced."; "(e.g., "addresses[type eq "work"].streetAddress"), the matching sub-attribute of all matching
  # records is replaced."; MUST.
  # Fix: Resolve "emails[type eq \"other\"].value" to the value sub-attribute of the matching email and replace it in
  # place; appending a new email, replacing the whole emails list, or changing the work email as well are the usual
  # mistakes.
  @PAT-006 @must
  Scenario: A replace through a value path filter changes the matching value in place
    When a SCIM client patches "Ada" with:
      """
      {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"emails","value":[{"type":"other","value":"ada.other@example.org"}]}]}
      """
    Then the app answers 200 or 204
    When a SCIM client patches "Ada" with:
      """
      {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails[type eq \"other\"].value","value":"countess@example.org"}]}
      """
    Then the app answers 200 or 204
    And the user "Ada" read back has exactly one "other" email, "countess@example.org", and her work email unchanged
