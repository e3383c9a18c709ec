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

  # Spec: RFC 7644 §3.4.2.2 Table 3 attribute operators "eq", "ne", "co", "sw", "ew", "pr", "gt", "ge", "lt", "le";
  # "If the specified filter is not supported ... 400 ... invalidFilter"; MUST (a valid filter gives the right users
  # or an honest 400 with a detail, never wrong results).
  # Fix: Implement each operator of Table 3 as the RFC defines it (co contains, sw starts with, ew ends with, pr has a
  # non-empty value, gt/ge/lt/le order strings lexically), or refuse the ones you do not support with 400
  # invalidFilter and a detail naming the operator; treating an unknown operator as eq, or as "true", gives wrong
  # results.
  @FLT-005 @must
  Scenario: Every attribute operator gives the right users, or a 400
    Then each of these filters lists what the table says, or is refused with 400 invalidFilter and a detail:
      | filter                                              | lists  |
      | userName eq "<Ada>" and userName ne "<Bob>"         | Ada    |
      | userName eq "<Ada>" and userName ne "<Ada>"         | nobody |
      | userName co "<Ada:middle>"                          | Ada    |
      | userName co "<Ada:middle>-nowhere"                  | nobody |
      | userName sw "<Ada:start>"                           | Ada    |
      | userName sw "<Ada:end>"                             | nobody |
      | userName ew "<Ada:end>"                             | Ada    |
      | userName ew "<Ada:start>"                           | nobody |
      | userName eq "<Ada>" and emails pr                   | Ada    |
      | userName eq "<Ada>" and nickName pr                 | nobody |
      | userName eq "<Ada>" and userName gt "<Ada:start>"   | Ada    |
      | userName eq "<Ada>" and userName gt "<Ada>"         | nobody |
      | userName eq "<Ada>" and userName ge "<Ada>"         | Ada    |
      | userName eq "<Ada>" and userName lt "<Ada:start>"   | nobody |
      | userName eq "<Ada>" and userName le "<Ada>"         | Ada    |
      | userName eq "<Ada>" and userName lt "<Ada>"         | nobody |

  # Spec: RFC 7644 §3.4.2.2 "If the specified attribute in a filter expression is a multi-valued attribute, the filter
  # matches if any of the values of the specified attribute match the specified criterion; e.g., if a User has multiple
  # "emails" values, only one has to match for the entire User to match. For complex attributes, a fully qualified
  # sub-attribute MUST be specified using standard attribute notation (Section 3.10)."; MUST.
  # Fix: Compare a sub-attribute of a multi-valued attribute (emails.value) against every value of the list and match
  # when one does, or refuse the filter with 400 invalidFilter; looking only at the first email, or at a top-level
  # "value", gives wrong results.
  @FLT-006 @must
  Scenario: A sub-attribute of a multi-valued attribute filters the right users, or a 400
    When a SCIM client lists users with the filter: emails.value eq "<Ada>"
    Then the answer lists exactly the user "Ada", or refuses the filter with 400 invalidFilter
    When a SCIM client lists users with the filter: emails.value eq "nobody-<Ada>"
    Then the answer lists nobody, or refuses the filter with 400 invalidFilter

  # Spec: RFC 7644 §3.4.2.2 Table 3 "gt ... If the attribute value is greater than the operator value, there is a
  # match. The actual comparison is dependent on the attribute type. For string attribute types, this is a
  # lexicographical comparison, and for DateTime types, it is a chronological comparison."; the example
  # "filter=meta.lastModified gt "2011-05-13T04:42:34Z""; MUST (a valid filter gives the right users or a 400, never
  # wrong results).
  # Fix: Resolve meta.lastModified (and meta.created) in filters and compare them as instants (parse both sides as
  # xsd:dateTime), or refuse the filter with 400 invalidFilter; ignoring the meta term, or comparing against an
  # unset field, gives wrong results.
  @FLT-007 @must
  Scenario: A meta.lastModified comparison gives the right users, or a 400
    When a SCIM client lists users with the filter: userName eq "<Ada>" and meta.lastModified gt "2011-05-13T04:42:34Z"
    Then the answer lists exactly the user "Ada", or refuses the filter with 400 invalidFilter
    When a SCIM client lists users with the filter: userName eq "<Ada>" and meta.lastModified lt "2011-05-13T04:42:34Z"
    Then the answer lists nobody, or refuses the filter with 400 invalidFilter
