@strict @groups @needs-groups
Feature: RFC strict tier: groups
  RFC 7643 §4.2 group members beyond what Okta reads. These scenarios run only
  with --strict, and only when the run declares group push (--groups).

  # Spec: RFC 7643 §4.2 "members ... The "value" sub-attribute contains the value of an "id" attribute of a SCIM
  # resource, and the "$ref" sub-attribute must be the URI of a SCIM resource such as a "User", or a "Group"."; RFC
  # 7643 §8.7.1 members.type canonicalValues "User", "Group"; SHOULD (Okta sends and reads only value and display, and
  # the RFC makes neither $ref nor type REQUIRED, but clients use them to tell user members from nested groups).
  # Fix: Answer each member with value (the user's id), $ref (the user's absolute URL, .../Users/{id}) and type
  # "User": store value and derive the other two when you write the group.
  @GRP-007 @should
  Scenario: A group's members carry value, $ref and type
    Given "Ada" is assigned to the app
    And a pushed group "Engineering" with the members "Ada"
    When a SCIM client reads the group "Engineering"
    Then the app answers 200
    And every member carries value, $ref and type "User" naming the user "Ada"

  # Spec: RFC 7643 §4.2 "members A list of members of the Group. While values MAY be added or removed, sub-attributes
  # of members are "immutable". The "value" sub-attribute contains the value of an "id" attribute of a SCIM resource";
  # RFC 7644 §3.6 "Service providers MAY choose not to permanently delete the resource, but MUST return a 404 (Not
  # Found) error code for all operations associated with the previously deleted resource"; SHOULD (a member whose id
  # answers 404 is a dangling reference every client must then skip).
  # Fix: When a user is deleted, remove it from the members of every group it belonged to (in the same transaction);
  # a cascade that only deletes the user row leaves the member in the group.
  @GRP-020 @should
  Scenario: Deleting a user removes it from its groups
    Given "Ada" is assigned to the app
    And "Bob" is assigned to the app
    And a pushed group "Engineering" with the members "Ada, Bob"
    When a SCIM client deletes the user "Ada"
    Then the app answers 204
    And the group "Engineering" read back lists "Bob" and no longer lists "Ada"

  # Spec: RFC 7643 §4.2 "members A list of members of the Group. While values MAY be added or removed, sub-attributes
  # of members are "immutable"."; RFC 7644 §3.5.2 "a client MUST NOT modify an attribute that has mutability
  # "readOnly" or "immutable". ... An operation that is not compatible with an attribute's mutability or schema SHALL
  # return the appropriate HTTP response status code and a JSON detail error response"; RFC 7644 §3.12 Table 9
  # "mutability"; MUST.
  # Fix: Let PATCH add and remove members, but refuse changing an existing member's value (members[value eq
  # "x"].value, or replacing the member object with another value) with 400 and scimType "mutability": check the
  # mutability of the sub-attribute the path selects before you write it.
  @GRP-021 @must
  Scenario: A member's value is immutable: changing it is refused with 400 mutability
    Given "Ada" is assigned to the app
    And "Bob" is assigned to the app
    And "Carl" is assigned to the app
    And a pushed group "Engineering" with the members "Ada"
    When a SCIM client patches the group "Engineering" with:
      """
      {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"<id of Bob>"}]}]}
      """
    Then the app answers 200 or 204
    When a SCIM client patches the group "Engineering" with:
      """
      {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"members[value eq \"<id of Ada>\"].value","value":"<id of Carl>"}]}
      """
    Then the app answers 400
    And the answer has scimType "mutability"
    And the group "Engineering" in the app has exactly the members "Ada, Bob"
