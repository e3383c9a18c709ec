@attributes @needs-attributes
Feature: Attribute mappings (what the Okta admin maps in Provisioning › To App)
  Okta sends every attribute the admin maps, at the SCIM path the mapping names, on create and in every
  profile PUT: core attributes as top-level keys, typed values as one element of their array, and extension
  attributes in an object under the extension's URN, which Okta adds to schemas. The app must store each one,
  return it, change it and clear it as Okta says. Run with --mapping (a preset or a YAML file).

  # Spec: mockidp/okta/WIRE.md §15.2 "every mapped attribute with a value is in the POST body at its SCIM path;
  # extension attributes in an object under the extension URN, which is added to schemas";
  # mockidp/okta/WIRE.md §4.2 (enterprise URN and object once enterprise attributes are mapped);
  # RFC 7644 §3.3 "the response body SHOULD contain the service provider's representation of the newly created
  # resource"; RFC 7643 §3.3 "schema extensions ... the extended attributes ... under the schema URI".
  @ATR-001 @required
  Scenario: Every mapped attribute is stored on create and reads back
    Given a new person "Ada" in Okta with a value for every mapped attribute
    When Okta assigns "Ada" to the app
    Then Okta records the operation as successful
    When Okta reads "Ada" from the app
    Then the app answers 200
    And the answer has every mapped attribute of "Ada"
    When Okta looks up "Ada" by userName
    Then the app answers 200
    And the listed user has every mapped attribute of "Ada"

  # Spec: mockidp/okta/WIRE.md §15.2 "a changed value is merged into the PUT at its path" and §5.1 (profile
  # updates are GET then PUT in both profiles); RFC 7644 §3.5.1 "Any values provided SHALL replace the existing
  # attribute values".
  @ATR-002 @required
  Scenario: A profile update changes every mapped attribute
    Given "Ada" is assigned to the app with a value for every mapped attribute
    When Okta changes every mapped attribute of "Ada"
    Then Okta records the operation as successful
    When Okta reads "Ada" from the app
    Then the app answers 200
    And the answer has every mapped attribute of "Ada"

  # Spec: mockidp/okta/WIRE.md §15.2 "a value removed in Okta is left out of the PUT; an emptied extension object
  # and its URN go too" [I]; RFC 7644 §3.5.1 "readWrite attributes that are omitted from the request body MAY be
  # assumed to be not asserted by the client. The service provider MAY assume that any existing values are to be
  # cleared" — Okta believes the value is gone, so an app that keeps it shows data Okta no longer has.
  @ATR-003 @required
  Scenario: A value removed in Okta is cleared in the app
    Given "Ada" is assigned to the app with a value for every mapped attribute
    And the app has stored every mapped attribute of "Ada"
    When Okta removes the value of every mapped attribute of "Ada"
    Then Okta records the operation as successful
    When Okta reads "Ada" from the app
    Then the app answers 200
    And the answer has none of the mapped attributes of "Ada"

  # Spec: mockidp/okta/WIRE.md §15.3 "Import User Schema reads the extension URNs listed under the User resource
  # type of /ResourceTypes and their attributes from /Schemas"; RFC 7643 §6 "schemaExtensions"; RFC 7643 §7
  # "type", "mutability"; Okta OIN Wizard guide "Automated configuration"
  # (https://developer.okta.com/docs/guides/submit-oin-app/scim/main/#automated-configuration).
  @ATR-004 @required @needs-custom-schema
  Scenario: The app describes the mapped attributes of its own schema extension
    When Okta imports the user schema of the app
    Then the User resource type lists the schema of every mapped custom extension
    And the schemas describe every mapped extension attribute as writable
