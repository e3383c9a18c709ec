@users @lifecycle
Feature: Deactivate, reactivate and change the email by unassign and reassign
  Unassigning a person deactivates the user in the app (Okta never deletes users);
  reassigning reactivates the same user. Apollo changes a primary email only by
  unassigning, editing the email in Okta, and reassigning.

  # Spec: Okta SCIM 2.0 guide "Deactivate a user": PATCH {"op":"replace","value":{"active":false}} (OIN) or
  # PUT active:false (AIW); "200 ... or 204" (mockidp/okta/WIRE.md §6); Okta CRUD test #8: GET answers 200 with active false.
  @USR-010 @required
  Scenario: Unassigning deactivates the user, who still reads back with 200
    Given "Ada" is assigned to the app
    When Okta unassigns "Ada" from the app
    Then Okta records the operation as successful
    And the app answers 200 or 204
    When Okta reads "Ada" from the app
    Then the app answers 200
    And the answer has active false

  # Spec: Okta KB "Existing SCIM user being created at assignment": the lookup must find inactive users
  # (mockidp/okta/WIRE.md §7.2, §11 pitfall 5).
  @USR-011 @required
  Scenario: A deactivated user is still found by the userName lookup
    Given "Ada" is assigned to the app
    And Okta has unassigned "Ada" from the app
    When Okta looks up "Ada" by userName
    Then the app answers 200
    And the answer lists exactly the user "Ada"
    And the listed user has active false

  # Spec: Okta CRUD test #11 "Verify reactivated": same scim_id, active true; OIN QA C9293 "reactivated, same ID"
  # (mockidp/okta/WIRE.md §6, §12.2).
  @USR-012 @required
  Scenario: Reassigning reactivates the same user
    Given "Ada" is assigned to the app
    And Okta has unassigned "Ada" from the app
    When Okta assigns "Ada" to the app
    Then Okta records the operation as successful
    And the user "Ada" keeps the same id in the app
    And the app showed "Ada" active after Okta's reactivation, before Okta sent the profile again
    When Okta reads "Ada" from the app
    Then the app answers 200
    And the answer has active true

  # Spec: Apollo "unassign the user ... then re-assign them ... with the updated email" (mockidp/okta/WIRE.md §7.1, §7.2):
  # Okta looks up the new userName and POSTs with the same externalId.
  @USR-013 @required
  Scenario: The primary email changes by unassign, edit and reassign
    Given "Ada" is assigned to the app
    When Okta changes the primary email of "Ada" by unassigning and reassigning
    Then Okta records the operation as successful
    When Okta looks up "Ada" by userName
    Then the answer lists exactly the user "Ada"
    And the listed user has active true
    And the listed user has the new email of "Ada" as primary email
    And the previous app user of "Ada" is inactive or carries the new email
