@strict @filters
Feature: RFC strict tier: filters
  RFC 7644 §3.4.2.2 filters beyond Okta's well-formed userName lookups. These
  scenarios run only with --strict.

  Background:
    Given "Ada" is assigned to the app

  # Spec: RFC 7644 §3.4.2.2 "Attribute names and attribute operators used in filters are case insensitive."; MUST.
  # Fix: Lower-case the operator before you compare it ("EQ", "Eq" and "eq" are one operator); a switch on the
  # literal "eq" answers 400 or, worse, matches nothing.
  @FLT-001 @must
  Scenario: Filter operators are case-insensitive
    When a SCIM client lists users with the filter: userName EQ "<Ada>"
    Then the answer lists exactly the user "Ada"

  # Spec: RFC 7644 §3.4.2.2 "Attribute names and attribute operators used in filters are case insensitive."; MUST.
  # Fix: Resolve filter attribute names case-insensitively against the schema ("USERNAME" is userName); a map lookup by
  # the name as sent is the usual cause.
  @FLT-002 @must
  Scenario: Filter attribute names are case-insensitive
    When a SCIM client lists users with the filter: USERNAME eq "<Ada>"
    Then the answer lists exactly the user "Ada"

  # Spec: RFC 7644 §3.4.2.2 Table 4 logical operators "and", "or", "not" and "Precedence grouping ( )"; "If the
  # specified filter is not supported ... 400 ... invalidFilter"; MUST (a valid filter gives the right users or a
  # 400, never wrong results).
  # Fix: Evaluate and/or/not and parentheses as the grammar says ("and" binds tighter than "or"), or refuse filters
  # you do not support with 400 invalidFilter; evaluating only the first comparison gives wrong results.
  @FLT-003 @must
  Scenario: Logical operators and grouping give the right users, or a 400
    When a SCIM client lists users with the filter: (userName eq "<Ada>" or userName eq "nobody-<Ada>") and active eq true
    Then the answer lists exactly the user "Ada", or refuses the filter with 400 invalidFilter
    When a SCIM client lists users with the filter: userName eq "<Ada>" and not (userName eq "<Ada>")
    Then the answer lists nobody, or refuses the filter with 400 invalidFilter

  # Spec: RFC 7644 §3.4.2.2 "valuePath = attrPath "[" valFilter "]""; "emails[type eq "work" and value co "@example.com"]";
  # MUST (a valid filter gives the right users or a 400, never wrong results).
  # Fix: Apply the bracketed filter to each value of the multi-valued attribute and match when one value passes, or
  # refuse value paths with 400 invalidFilter; ignoring the bracket matches everyone.
  @FLT-004 @must
  Scenario: A value path filter gives the right users, or a 400
    When a SCIM client lists users with the filter: userName eq "<Ada>" and emails[type eq "work" and value co "@"]
    Then the answer lists exactly the user "Ada", or refuses the filter with 400 invalidFilter
    When a SCIM client lists users with the filter: userName eq "<Ada>" and emails[type eq "home-<Ada>"]
    Then the answer lists nobody, or refuses the filter with 400 invalidFilter
