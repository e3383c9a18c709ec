@strict @responses
Feature: RFC strict tier: responses
  RFC 7643/7644 rules for successful answers that Okta does not depend on but
  other SCIM clients do. These scenarios run only with --strict.

  # Spec: RFC 7644 §3.8 "Service providers MUST support the Accept header "Accept: application/scim+json" ... The
  # format defaults to "application/scim+json" if no format is specified."; RFC 7644 §8.1; MUST.
  # Fix: Set "Content-Type: application/scim+json" on every SCIM answer, 201s included, before writing the status
  # line (headers set after WriteHeader are lost); a framework's JSON helper often sends application/json or
  # text/plain instead.
  @RSP-001 @must
  Scenario: A 201 Created answer is application/scim+json
    When a SCIM client creates the user "Ada"
    Then the app answers 201
    And the answer has Content-Type "application/scim+json"

  # Spec: RFC 7644 §3.3 "The URI of the created resource SHALL include, in the HTTP "Location" header and the HTTP
  # body, a JSON representation [RFC7159] with the attribute "meta.location"."; MUST.
  # Fix: Answer a create with a Location header equal to the new resource's meta.location, an absolute URL ending in
  # its id (build both from one base URL; a relative path or a forgotten header are the usual causes).
  @RSP-002 @must
  Scenario: A 201 Created answer's Location header is meta.location, an absolute URI of the new user
    When a SCIM client creates the user "Ada"
    Then the app answers 201
    And the Location header equals meta.location, an absolute URI ending in the user's id

  # Spec: RFC 7643 §2.3.5 "A DateTime value (e.g., 2008-01-23T04:56:22Z) MUST be encoded as a valid xsd:dateTime
  # ... and MUST include both a date and a time."; RFC 7643 §3.1 meta.created, meta.lastModified; MUST.
  # Fix: Write meta.created and meta.lastModified as RFC 3339 / xsd:dateTime strings (2008-01-23T04:56:22Z), not Unix
  # timestamps, dates without a time or a database's own format ("2008-01-23 04:56:22").
  @RSP-003 @must
  Scenario: meta.created and meta.lastModified are xsd:dateTime values
    When a SCIM client creates the user "Ada"
    Then the app answers 201
    And meta.created and meta.lastModified are xsd:dateTime values with a date and a time

  # Spec: RFC 7643 §2.3.5 xsd:dateTime (the example "2008-01-23T04:56:22Z" carries a timezone); RFC 7643 §3.1
  # "created ... The "DateTime" that the resource was added to the service provider."; SHOULD (without a timezone the
  # instant is ambiguous).
  # Fix: Format times in UTC with a "Z" (or an offset such as +02:00): a local time without an offset, as
  # LocalDateTime or a naive datetime prints it, names no instant.
  @RSP-004 @should
  Scenario: meta.created and meta.lastModified carry a timezone
    When a SCIM client creates the user "Ada"
    Then the app answers 201
    And meta.created and meta.lastModified carry a timezone

  # Spec: RFC 7643 §3.1 "resourceType The name of the resource type of the resource. This attribute has a mutability
  # of "readOnly" and "caseExact" as "true"."; the User resource type's name is "User" (RFC 7643 §8.6); MUST.
  # Fix: Set meta.resourceType to the resource type's name, "User" (not the endpoint "Users", not "user"), on every
  # answer that carries a user.
  @RSP-005 @must
  Scenario: meta.resourceType of a user is "User"
    When a SCIM client creates the user "Ada"
    Then the app answers 201
    And meta.resourceType is "User"

  # Spec: RFC 7643 §3.1 "version The version of the resource being returned. This value must be the same as the
  # entity-tag (ETag) HTTP response header"; RFC 7644 §3.14 "When supported, ETags MUST be specified as an HTTP header
  # and SHOULD be specified within the "version" attribute contained in the resource's "meta" attribute."; MUST.
  # Fix: Send one version, twice: the ETag header and meta.version with the same value (W/"3" in both), and only
  # when ServiceProviderConfig says etag.supported: true; a meta.version without an ETag (or different ones) is
  # the usual mistake.
  @RSP-006 @must
  Scenario: meta.version equals the ETag header, as ServiceProviderConfig's etag support says
    Given "Ada" is assigned to the app
    When a SCIM client reads "Ada" with ""
    Then the app answers 200
    And meta.version and the ETag header agree with each other and with ServiceProviderConfig's etag.supported
