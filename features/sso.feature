@sso @needs-sso
Feature: SAML single sign-on tied to provisioning
  Apollo requires SAML SSO before SCIM provisioning. What the admin cares about is the
  joint lifecycle: a person Okta assigned can sign in; a person Okta deactivated cannot.
  The app is the SAML service provider and trusts Okta (the mock IdP) as its IdP; the
  sign-in is Okta's HTTP-POST binding to the app's ACS URL. These scenarios need an SP:
  the built-in one in the self-test and demo, or --saml-acs/--saml-audience; without one
  they are listed as not in scope. Every refusal scenario first shows, in the same
  configuration, that a valid sign-in is accepted: a refusal of everything proves nothing.

  Background:
    Given the app trusts Okta as its SAML identity provider

  # Spec: SAML 2.0 Web Browser SSO profile (saml-profiles-2.0-os §4.1); Apollo: "SAML SSO must be set up before
  # SCIM provisioning" (mockidp/okta/WIRE.md APOLLO).
  @SSO-001 @required
  Scenario: An assigned, provisioned person signs in
    Given "Ada" is assigned to the app
    When "Ada" signs in through Okta
    Then "Ada" is signed in to the app

  # Spec: Okta "Deactivate Users ... revokes access" (mockidp/okta/WIRE.md §6; OIN QA C9292 "access revoked").
  @SSO-002 @required
  Scenario: A deactivated person cannot sign in, and can again after reassignment
    Given "Ada" is assigned to the app
    And a valid sign-in for "Ada" is accepted
    And Okta has unassigned "Ada" from the app
    When "Ada" signs in through Okta
    Then the app refuses the sign-in
    When Okta assigns "Ada" to the app
    And "Ada" signs in through Okta
    Then "Ada" is signed in to the app

  # Spec: mockidp/okta/WIRE.md §11 pitfall 21 (SSO must not create users Okta never provisioned, unless JIT is intended).
  @SSO-003 @required
  Scenario: A person Okta never provisioned is refused
    Given "Ada" is assigned to the app
    And a valid sign-in for "Ada" is accepted
    And a new person "Eve" in Okta
    When "Eve" signs in through Okta
    Then the app refuses the sign-in

  # Spec: saml-profiles-2.0-os §4.1.3.5 "the <Assertion> ... MUST be signed"; saml-core-2.0-os §5.
  @SSO-004 @required
  Scenario: An unsigned response is refused
    Given "Ada" is assigned to the app
    And a valid sign-in for "Ada" is accepted
    When a sign-in response for "Ada" that is unsigned is posted to the app
    Then the app refuses the sign-in

  # Spec: saml-core-2.0-os §5.4 signature verification against the IdP's certificate from its metadata.
  @SSO-005 @required
  Scenario: A response signed with another key is refused
    Given "Ada" is assigned to the app
    And a valid sign-in for "Ada" is accepted
    When a sign-in response for "Ada" that is signed with another key is posted to the app
    Then the app refuses the sign-in

  # Spec: xmldsig-core §3.2 reference validation: any change after signing breaks the digest.
  @SSO-006 @required
  Scenario: A response modified after signing is refused
    Given "Ada" is assigned to the app
    And "Grace" is assigned to the app
    And a valid sign-in for "Ada" is accepted
    When the sign-in response for "Ada" is modified after signing to name "Grace" and posted to the app
    Then the app refuses the sign-in

  # Spec: XML signature wrapping (Somorovsky et al., "On Breaking SAML", USENIX Security 2012); saml-profiles-2.0-os §4.1.4.2.
  @SSO-007 @required
  Scenario: An unsigned assertion wrapped next to a signed one is refused
    Given "Ada" is assigned to the app
    And "Grace" is assigned to the app
    And a valid sign-in for "Ada" is accepted
    When the sign-in response for "Ada" is wrapped around an unsigned assertion for "Grace" and posted to the app
    Then the app refuses the sign-in

  # Spec: saml-core-2.0-os §2.5.1.2 NotOnOrAfter; saml-profiles-2.0-os §4.1.4.2 SubjectConfirmationData NotOnOrAfter.
  @SSO-008 @required
  Scenario: An expired response is refused
    Given "Ada" is assigned to the app
    And a valid sign-in for "Ada" is accepted
    When a sign-in response for "Ada" that is expired is posted to the app
    Then the app refuses the sign-in

  # Spec: saml-core-2.0-os §2.5.1.2 NotBefore.
  @SSO-009 @required
  Scenario: A response that is not yet valid is refused
    Given "Ada" is assigned to the app
    And a valid sign-in for "Ada" is accepted
    When a sign-in response for "Ada" that is not yet valid is posted to the app
    Then the app refuses the sign-in

  # Spec: saml-core-2.0-os §2.5.1.4 AudienceRestriction; saml-profiles-2.0-os §4.1.4.2 "MUST contain an <AudienceRestriction>".
  @SSO-010 @required
  Scenario: A response for another service provider is refused
    Given "Ada" is assigned to the app
    And a valid sign-in for "Ada" is accepted
    When a sign-in response for "Ada" that is addressed to another audience is posted to the app
    Then the app refuses the sign-in

  # Spec: saml-profiles-2.0-os §4.1.4.2 Recipient; saml-bindings-2.0-os §3.5.5.2 Destination.
  @SSO-011 @required
  Scenario: A response for another ACS URL is refused
    Given "Ada" is assigned to the app
    And a valid sign-in for "Ada" is accepted
    When a sign-in response for "Ada" that is addressed to another recipient is posted to the app
    Then the app refuses the sign-in

  # Spec: saml-profiles-2.0-os §4.1.4.2 InResponseTo (SP-initiated sign-in); needs --saml-login-url for other SPs.
  @SSO-012 @required @needs-saml-login
  Scenario: A response to a request the app never made is refused
    Given "Ada" is assigned to the app
    And a valid sign-in for "Ada" is accepted
    When the app starts a sign-in for "Ada" and Okta answers a different request
    Then the app refuses the sign-in

  # Spec: saml-profiles-2.0-os §4.1.4.5 "the service provider MUST ensure that bearer assertions are not replayed".
  @SSO-013 @required
  Scenario: A replayed response is refused
    Given "Ada" is assigned to the app
    And "Ada" has signed in through Okta
    When the same sign-in response is posted to the app again
    Then the app refuses the sign-in

  # Spec: saml-profiles-2.0-os §4.1.4.2 "the <Issuer> element MUST be present and MUST contain the unique
  # identifier of the issuing identity provider"; saml-core-2.0-os §2.2.5 Issuer.
  @SSO-014 @required
  Scenario: A response naming another identity provider is refused, even when signed with Okta's key
    Given "Ada" is assigned to the app
    And a valid sign-in for "Ada" is accepted
    When a sign-in response for "Ada" that is issued by another identity provider is posted to the app
    Then the app refuses the sign-in
