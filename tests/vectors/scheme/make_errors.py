"""Writes errors.json: scheme files with problems and where each problem must be reported.

The texts are built here so the long cases (65 nested parentheses, a 5 KiB formula) stay exact;
every expected line and column is placed by hand and cross-checked by searching the text — the
library is never run to produce them. Run: python3 make_errors.py
"""
import json

HEAD = '''schema_version = 1
period = "month"
external = ["kb"]

[[groups]]
id = "g"
full_marks = 10

[[indicators]]
id = "x"
name = "X"
points = 10
rule = { proportional = { of = 1 } }
'''
L = 14  # the value line
C = 22  # `value = { formula = "` puts the formula's first character at column 22


def case(name, value_line, problems, note=""):
    c = {"name": name, "scheme_toml": HEAD + value_line + "\n", "expected_problems": problems}
    if note:
        c["note"] = note
    return c


def col(text, line, needle, extra=1):
    return text.split("\n")[line - 1].index(needle) + extra


cases = [
    case("unknown metric, with a suggestion", 'value = { formula = "closed_on_tme / due" }',
         [{"code": "formula_unknown_name", "line": L, "column": C, "key": "indicators[0].value.formula", "suggestion": "closed_on_time"}]),
    case("unknown external metric", 'value = { formula = "ext.kb + ext.kbb" }',
         [{"code": "formula_unknown_name", "line": L, "column": C + 9, "key": "indicators[0].value.formula", "suggestion": "ext.kb"}]),
    case("wrong arity", 'value = { formula = "clamp(due, 1) + 0" }',
         [{"code": "formula_arity", "line": L, "column": C, "key": "indicators[0].value.formula"}]),
    case("boolean used as a number", 'value = { formula = "due * (due > 1)" }',
         [{"code": "formula_type", "line": L, "column": C + 6, "key": "indicators[0].value.formula"}]),
    case("unclosed parenthesis", 'value = { formula = "(due + 1" }',
         [{"code": "formula_unclosed_paren", "line": L, "column": C, "key": "indicators[0].value.formula"}]),
    case("depth 65", 'value = { formula = "' + "(" * 65 + "due" + ")" * 65 + '" }',
         [{"code": "formula_too_deep", "line": L, "column": C + 64, "key": "indicators[0].value.formula"}],
         "the 65th nested parenthesis is reported"),
    case("5 KiB formula", 'value = { formula = "' + "due + " * 853 + "due" + '" }',
         [{"code": "formula_too_long", "line": L, "column": C, "key": "indicators[0].value.formula"}],
         "5121 bytes, over the 4 KiB limit: reported at the formula's first character"),
    case("declarative ratio: the problem points into `den`", 'value = { ratio = { num = "closed_on_time", den = "du" } }',
         [{"code": "formula_unknown_name", "line": L, "column": 52, "key": "indicators[0].value.ratio.den", "suggestion": "due"}]),
    case("a multi-line formula: line and column inside it map to the file", 'value = { formula = """\ndue +\n  closd_on_time""" }',
         [{"code": "formula_unknown_name", "line": L + 2, "column": 3, "key": "indicators[0].value.formula", "suggestion": "closed_on_time"}]),
    case("an escape before the problem", 'value = { formula = "\\u0064ue + $" }',
         [{"code": "formula_syntax", "line": L, "column": 33, "key": "indicators[0].value.formula"}],
         "the formula is `due + $`; its `d` is written as the 6-character escape \\u0064 in the file"),
]
assert col(cases[0]["scheme_toml"], L, "closed_on_tme") == C
assert col(cases[1]["scheme_toml"], L, "ext.kbb") == C + 9
assert col(cases[3]["scheme_toml"], L, "(due >") == C + 6
assert col(cases[7]["scheme_toml"], L, '"du"', 2) == 52
assert col(cases[9]["scheme_toml"], L, '$') == 33
assert len("due + " * 853 + "due") == 5121

several = '''schema_version = 1
period = "month"

[[groups]]
id = "g"
full_marks = 100

[[indicators]]
id = "on_time"
name = "按时办结率"
colour = "red"
value = { ratio = { num = "closed_on_time", den = "due" } }
points = 25
rule = { linear_below_target = { target = 100, slope = 1 } }
groups = ["gg"]

[[indicators]]
id = "satisfaction"
name = "满意率"
value = { formula = "satisfied / callback" }
points = 25
rule = { proportional = {} }
when_no_data = "exclude"
'''
assert col(several, 6, "100") == 14
assert col(several, 11, "colour") == 1
assert col(several, 15, '"gg"') == 11
assert col(several, 20, "callback") == 34
cases.append({
    "name": "several problems are all reported, in file order",
    "note": "an unknown key does not stop the semantic checks; full marks 100 ≠ 25 + 25",
    "scheme_toml": several,
    "expected_problems": [
        {"code": "full_marks_mismatch", "line": 6, "column": 14, "key": "groups[0].full_marks"},
        {"code": "unknown_key", "line": 11, "column": 1, "key": "indicators[0].colour"},
        {"code": "unknown_reference", "line": 15, "column": 11, "key": "indicators[0].groups[0]", "suggestion": "g"},
        {"code": "formula_unknown_name", "line": 20, "column": 34, "key": "indicators[1].value.formula", "suggestion": "callbacks"},
    ]})

json_text = ('{\n  "schema_version": 1,\n  "period": "month",\n  "groups": [{ "id": "g", "full_marks": 10 }],\n'
             '  "indicators": [{\n    "id": "x", "name": "X", "points": 10,\n    "value": { "formula": "due / closd" },\n'
             '    "rule": { "proportionl": {} }\n  }]\n}\n')
assert col(json_text, 8, "{") == 13
cases.append({"name": "JSON: a misspelled rule (a structural problem) with a suggestion", "scheme_json_text": json_text,
              "expected_problems": [{"code": "invalid_value", "line": 8, "column": 13, "key": "indicators[0].rule", "suggestion": "proportional"}]})
json_text2 = json_text.replace('"proportionl"', '"proportional"')
assert col(json_text2, 7, "closd") == 34
cases.append({"name": "JSON: a formula problem points into the JSON string", "scheme_json_text": json_text2,
              "expected_problems": [{"code": "formula_unknown_name", "line": 7, "column": 34, "key": "indicators[0].value.formula", "suggestion": "closed"}]})

# Numbers written as numbers that no exact decimal holds: placed like decimal strings.
for written in ["1e40", "nan", "1e-30"]:
    text = HEAD.replace("points = 10", f"points = {written}") + 'value = { formula = "closed / due" }\n'
    assert col(text, 12, written) == 10
    cases.append({"name": f"a number no exact decimal holds: points = {written}", "scheme_toml": text,
                  "expected_problems": [{"code": "invalid_value", "line": 12, "column": 10, "key": "indicators[0].points"}]})
json_big = json_text2.replace('"points": 10', '"points": 1e40').replace("closd", "closed")
assert col(json_big, 6, "1e40") == 39
cases.append({"name": "JSON: a number no exact decimal holds", "scheme_json_text": json_big,
              "expected_problems": [{"code": "invalid_value", "line": 6, "column": 39, "key": "indicators[0].points"}]})

# Values a scheme author gets wrong that used to pass silently (a scheme-authoring audit): each
# is refused where it is written.
BASE = '''schema_version = 1
period = "month"

[[groups]]
id = "g"
full_marks = 10

[[indicators]]
id = "x"
name = "X"
points = 10
value = { formula = "closed_on_time / due * 100" }
'''


def authored(name, rule_and_more, problem, note):
    text = BASE + rule_and_more
    line = problem.pop("find_line")
    needle = problem.pop("find")
    problem["line"] = line
    problem["column"] = col(text, line, needle)
    cases.append({"name": name, "note": note, "scheme_toml": text, "expected_problems": [problem]})


authored("two bands from one threshold",
         'rule = { bands = [{ min = 98, points = 10 }, { min = 98, points = 6 }, { min = 90, points = 3 }] }\n',
         {"code": "invalid_value", "key": "indicators[0].rule.bands[1]", "find_line": 13, "find": "{ min = 98, points = 6"},
         "which band a value of 98 gets would depend on their order in the file; the problem is at the second band")
authored("a negative per-item amount on a deduction",
         'rule = { proportional = { of = 100 } }\n\n[[indicators]]\nid = "urged"\nname = "催办扣分"\nkind = "deduction"\n'
         'points = 3\nvalue = { formula = "urged" }\nrule = { per_item = { each = -0.5 } }\n',
         {"code": "invalid_value", "key": "indicators[1].rule.per_item.each", "find_line": 21, "find": "-0.5"},
         "`each` is a magnitude (the kind says lost or won); -0.5 never deducted anything")
authored("an indicator in no group",
         'rule = { proportional = { of = 100 } }\n\n[[indicators]]\nid = "praise"\nname = "表扬"\nkind = "bonus"\n'
         'points = 2\nvalue = { formula = "review_passed" }\nrule = { proportional = { of = 100 } }\ngroups = []\n',
         {"code": "invalid_value", "key": "indicators[1].groups", "find_line": 22, "find": "[]"},
         "`groups = []` dropped the indicator from every scorecard without a word")
authored("warnings for the bottom 0 units",
         'rule = { proportional = { of = 100 } }\n\n[warnings]\nbottom = 0\n',
         {"code": "invalid_value", "key": "warnings.bottom", "find_line": 16, "find": "0"},
         "passed the at-least-one-condition check and warned no one")
authored("a sanctions level 0",
         'rule = { proportional = { of = 100 } }\n\n[[sanctions.levels]]\nlevel = 0\nname = "提醒"\nbase = "rank_from_bottom <= 1"\n',
         {"code": "invalid_value", "key": "sanctions.levels[0].level", "find_line": 16, "find": "0"},
         "level 0 is what a unit without a sanction has: the two could not be told apart")

doc = {"description": "Scheme files with problems: each problem's code, 1-based line and column in the file (characters), key path and suggestion. Formula problems point at the character inside the formula string as written in the file. Generated by make_errors.py (positions placed by hand, cross-checked by searching the text).",
       "cases": cases}
with open("errors.json", "w", encoding="utf-8") as f:
    f.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
