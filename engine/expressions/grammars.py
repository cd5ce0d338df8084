"""Lark grammars of the JUEL and FEEL subsets the platform translates (see docs/BPMN_SUPPORT.md).

Precedence lives in the rule layers, lowest first. Both grammars are LALR(1): a condition either parses
completely or the parser stops at the first token outside the subset, which names what is not supported.
"""

# JUEL (Camunda 7 `${…}` / `#{…}`): JSR-245 precedence, lowest first:
# ?: < or/|| < and/&& < ==/!=/eq/ne < </>/<=/>=/lt/gt/le/ge < +/- < */÷/div/%/mod < unary -/!/not/empty < ./[]
JUEL = r"""
?start: "${" expr "}" | "#{" expr "}"

?expr: or_expr "?" expr ":" expr            -> cond
     | or_expr
?or_expr: or_expr ("||" | "or") and_expr    -> or_
        | and_expr
?and_expr: and_expr ("&&" | "and") eq_expr  -> and_
         | eq_expr
?eq_expr: eq_expr eq_op rel_expr            -> compare
        | rel_expr
?rel_expr: rel_expr rel_op add_expr         -> compare
         | add_expr
?add_expr: add_expr add_op mul_expr         -> arith
         | mul_expr
?mul_expr: mul_expr mul_op unary            -> arith
         | unary
?unary: "-" unary                           -> neg
      | ("!" | "not") unary                 -> not_
      | "empty" unary                       -> empty
      | value
?value: atom
      | value "." NAME "(" [expr ("," expr)*] ")"  -> method
      | value "." NAME                      -> member
      | value "[" expr "]"                  -> index
?atom: NAME                                 -> name
     | NUMBER                               -> number
     | STRING                               -> string
     | "true"                               -> true
     | "false"                              -> false
     | "null"                               -> null
     | "(" expr ")"

!eq_op: "==" | "!=" | "eq" | "ne"
!rel_op: "<" | ">" | "<=" | ">=" | "lt" | "gt" | "le" | "ge"
!add_op: "+" | "-"
!mul_op: "*" | "/" | "div" | "%" | "mod"

NAME: /[A-Za-z_][A-Za-z0-9_]*/
NUMBER: /(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?/
STRING: /'(\\.|[^'\\])*'/ | /"(\\.|[^"\\])*"/

%import common.WS
%ignore WS
"""

# FEEL (Camunda 8 `= …`), lowest first: or < and < comparison/between/in < +/- < */÷ < ** < unary - < path.
# `is defined(…)` takes a name or a dotted path only: it asks about the case data, never about a computed value.
FEEL = r"""
?start: "=" expr

?expr: "if" expr "then" expr "else" expr    -> if_
     | disj
?disj: disj "or" conj                       -> or_
     | conj
?conj: conj "and" comparison                -> and_
     | comparison
?comparison: sum cmp_op sum                 -> compare
           | sum "between" sum "and" sum    -> between
           | sum "in" tests                 -> in_
           | sum
?sum: sum add_op product                    -> arith
    | product
?product: product mul_op power              -> arith
        | power
?power: power "**" unary                    -> pow
      | unary
?unary: "-" unary                           -> neg
      | path
?path: atom
     | path "." NAME                        -> member
?atom: NAME                                 -> name
     | NUMBER                               -> number
     | STRING                               -> string
     | "true"                               -> true
     | "false"                              -> false
     | "null"                               -> null
     | "not" "(" expr ")"                   -> not_
     | FUNCTION "(" [expr ("," expr)*] ")"  -> call
     | DEFINED "(" defined_path ")"         -> is_defined
     | list
     | "(" expr ")"

list: "[" [sum ("," sum)*] "]"
defined_path: NAME ("." NAME)*

// `is defined(x)` / `is defined(x.y)`: whether the case data holds the name (a name set to null included)
DEFINED.2: /is\s+defined(?=\s*\()/

// the built-in functions the platform translates; a name followed by `(` (names with spaces included)
FUNCTION.2: /(string length|upper case|lower case|contains|starts with|ends with|count|sum|min|max|abs)(?=\s*\()/

?tests: range
     | list                                 -> in_list
     | "(" test ("," test)+ ")"             -> in_tests
?test: range | sum
!range: ("[" | "(" | "]") sum ".." sum ("]" | ")" | "[")

!cmp_op: "=" | "!=" | "<" | ">" | "<=" | ">="
!add_op: "+" | "-"
!mul_op: "*" | "/"

NAME: /[A-Za-z_][A-Za-z0-9_]*/
NUMBER: /\d+(\.\d+)?|\.\d+/
STRING: /"(\\.|[^"\\])*"/

%import common.WS
%ignore WS
"""
