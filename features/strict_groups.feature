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
