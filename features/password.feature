@password @needs-password-sync
Feature: Password sync (Okta's "Sync Password" in Provisioning › To App)
  With Sync Password on, Okta pushes each password change to the app: an OIN app gets
  PATCH /Users/{id} replacing password (the body is inferred, Okta publishes none), an
  App Integration Wizard app gets GET /Users/{id} then a PUT of that user with password set.
  These scenarios are out of scope unless the run declares password sync (--password-sync),
  and required once declared.

  # Spec: Okta SCIM 2.0 guide "Update a specific User (PATCH)": for new OIN integrations "Syncing the user password"
  # is a PATCH, AIW integrations send every update as PUT (mockidp/okta/WIRE.md §14; §6 row 'Password sync');
  # RFC 7644 §3.5.2 "the server either MUST return a 200 OK ... or ... 204 No Content".
  @PWD-001 @required
  Scenario: Okta's password push is accepted
    Given "Ada" is assigned to the app
    When Okta pushes a new password for "Ada"
    Then the app answers 200 or 204
    And Okta records the operation as successful

  # Spec: RFC 7643 §4.1.1 password "This attribute MUST NOT be returned (returned never)"; RFC 7643 §7 "never The
  # attribute is never returned"; the pushed value is the user's password (mockidp/okta/WIRE.md §14).
  @PWD-002 @required
  Scenario: The pushed password is never returned
    Given "Ada" is assigned to the app
    When Okta pushes a new password for "Ada"
    Then Okta records the operation as successful
    And no answer to the password push contains a password Okta sent
    When Okta reads "Ada" from the app
    Then the app answers 200
    And the answer does not contain the password Okta sent
    When Okta looks up "Ada" by userName
    Then the answer lists exactly the user "Ada"
    And the answer does not contain the password Okta sent

  # Spec: Okta SCIM 2.0 guide "Update the User": Okta "modifies the attributes that were changed" — a password push
  # changes only the password (mockidp/okta/WIRE.md §14); RFC 7644 §3.5.2.3 "replace" changes only the target.
  @PWD-003 @required
  Scenario: A password push leaves the user active and otherwise unchanged
    Given "Ada" is assigned to the app
    And the app's copy of "Ada" is read before the password push
    When Okta pushes a new password for "Ada"
    Then Okta records the operation as successful
    When Okta reads "Ada" from the app
    Then the app answers 200
    And the answer has active true
    And the answer has the userName, name, emails and externalId "Ada" had before the password push
