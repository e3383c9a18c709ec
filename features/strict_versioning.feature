@strict @versioning
Feature: RFC strict tier: versioning
  RFC 7644 §3.14 ETags and conditional requests, which Okta never sends. The
  checks follow what ServiceProviderConfig's etag.supported advertises. These
  scenarios run only with --strict.

  Background:
    Given "Ada" is assigned to the app

  # Spec: RFC 7644 §3.14 "If the service provider supports versioning of resources, the client MAY supply an If-Match
  # header (Section 3.1 of [RFC7232]) for PUT and PATCH operations to ensure that the requested operation succeeds
  # only if the supplied ETag matches the latest service provider resource"; RFC 7644 §3.12 Table 8 "412 (Precondition
  # Failed) PUT, PATCH, DELETE Failed to update. Resource has changed on the server."; MUST (when etag.supported is
  # true, or when the app hands out versions anyway; an app that advertises no etag support and sends neither an
  # ETag nor meta.version has nothing to check).
  # Fix: Compare If-Match with the resource's current ETag before you apply a PUT or PATCH, and answer 412 with a SCIM
  # error when it differs (bump the version on every change); ignoring If-Match lets two clients overwrite each
  # other's changes.
  @VER-001 @must
  Scenario: A PATCH with a stale If-Match answers 412 and changes nothing
    When a SCIM client reads "Ada" with ""
    Then the app answers 200
    And a PATCH with the version just read succeeds, and a PATCH with that version again answers 412

  # Spec: RFC 7644 §3.14 "If the resource has not changed, the service provider simply returns an empty body with a
  # 304 (Not Modified) response code."; RFC 7232 §3.2 If-None-Match; SHOULD (a 200 with the whole resource is not
  # wrong data, only a wasted transfer; checked when etag.supported is true or the app hands out versions).
  # Fix: On GET of a resource, compare If-None-Match with its current ETag and answer 304 with no body when it matches
  # (weak comparison: W/"3" matches W/"3"); a framework that ignores If-None-Match answers 200 every time.
  @VER-002 @should
  Scenario: A read with If-None-Match of the current version answers 304
    When a SCIM client reads "Ada" with ""
    Then the app answers 200
    And a read with If-None-Match of the version just read answers 304 with no body
