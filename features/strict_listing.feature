@strict @listing
Feature: RFC strict tier: listing and attribute selection
  RFC 7644 §3.4.2.4 and §3.9 query parameters Okta does not send. These
  scenarios run only with --strict.

  Background:
    Given "Ada" is assigned to the app

  # Spec: RFC 7644 §3.4.2.4 "A value of "0" indicates that no resource results are to be returned except for
  # "totalResults"."; MUST.
  # Fix: Treat count=0 as "no resources, totals only" (count < 0 as 0); using 0 as "no limit" or the default page
  # size is the usual cause.
  @LST-001 @must
  Scenario: count=0 answers the total and no resources
    When a SCIM client sends GET "/Users?count=0"
    Then the app answers 200
    And the answer has totalResults of at least 1 and no resources

  # Spec: RFC 7644 §3.9 "each resource returned MUST contain the minimum set of resource attributes and any attributes
  # or sub-attributes explicitly requested by the "attributes" parameter"; RFC 7643 §3.1 "id" is returned "always"; MUST.
  # Fix: With ?attributes=, return id (returned "always"), schemas and the attributes asked for, and leave out the rest
  # of the default set; ignoring the parameter returns everything.
  @LST-002 @must
  Scenario: attributes= returns id and the requested attributes only
    When a SCIM client reads "Ada" with "?attributes=userName"
    Then the app answers 200
    And the answer has "id" and "userName" and no "name" and no "emails"

  # Spec: RFC 7644 §3.9 "excludedAttributes ... a list of attributes to be removed from the default set of attributes
  # to return ... Attributes whose "returned" setting is "always" SHALL always be returned."; MUST.
  # Fix: Remove the attributes named in ?excludedAttributes= from the answer, but never id; ignoring the parameter, or
  # removing id as well, are the usual causes.
  @LST-003 @must
  Scenario: excludedAttributes= leaves out the named attributes but not id
    When a SCIM client reads "Ada" with "?excludedAttributes=emails"
    Then the app answers 200
    And the answer has "id" and "userName" and no "emails"

  # Spec: RFC 7643 §7 "returned ... never The attribute is never returned."; RFC 7643 §4.1.1 password "This attribute
  # MUST NOT be returned (returned never)"; RFC 7644 §3.9 the attributes parameter asks for attributes to return, it
  # does not override "never"; MUST (the default-tier USR-006 reads one user without attributes=).
  # Fix: Drop returned-"never" attributes (password) after applying ?attributes=, on listings too: a projection that
  # copies every requested attribute from the stored row hands out the password or its hash.
  @LST-004 @must
  Scenario: A listing that asks for the password by attributes= never returns it
    When a SCIM client lists users with "attributes=userName,password" and the filter: userName eq "<Ada>"
    Then the app answers 200
    And the answer lists exactly the user "Ada"
    And no listed user carries a password

  # Spec: RFC 7644 §3.4.2 "Resources A multi-valued list of complex objects containing the requested resources. ...
  # REQUIRED if "totalResults" is non-zero."; SHOULD (the RFC lets an empty answer leave it out, but clients that
  # iterate "Resources" without a guard fail on it: give an empty array).
  # Fix: Always write "Resources", as [] when nothing matches: a nil slice with omitempty (or a null) drops it.
  @LST-005 @should
  Scenario: An empty ListResponse carries "Resources": []
    When a SCIM client lists users with the filter: userName eq "nobody-<Ada>"
    Then the app answers 200
    And the answer is an empty ListResponse with "Resources" as an empty array

  # Spec: RFC 7644 §3.4.2.3 Sorting; RFC 7644 §3.4.3 Table 1 "sortBy A string indicating the attribute whose value SHALL
  # be used to order the returned responses."; "sortOrder A string indicating the order in which the "sortBy" parameter
  # is applied. Allowed values are "ascending" and "descending"."; RFC 7643 §5 "sort ... supported A Boolean value
  # specifying whether or not sorting is supported. REQUIRED."; MUST (when sort.supported is true; an app that says
  # false is taken at its word).
  # Fix: Order the whole result set by the sortBy attribute before you cut the page (userName compares
  # case-insensitively, as it is caseExact false), descending when sortOrder=descending; or set sort.supported to
  # false in /ServiceProviderConfig. Sorting only the page, or ignoring sortOrder, are the usual mistakes.
  @LST-006 @must
  Scenario: sortBy and sortOrder order a listing, as ServiceProviderConfig's sort support says
    Given "Bob" is assigned to the app
    When a SCIM client sends GET "/ServiceProviderConfig"
    Then the app answers 200
    And when sort.supported is true, listings sorted by userName ascending and descending come in that order
