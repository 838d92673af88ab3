/**
 * Built-in functions and template directives as terraform 1.11.4 answers them: each expected value or error was checked with
 * `echo '<expression>' | terraform console` in an empty directory. The differential test
 * (terraform-differential.integration.test.ts) compares many more against the binary itself.
 */
import { ExpressionError, evaluate, parseTemplate } from "../../../src/local/runtime/terraform/expression";

const ev = (expression: string) =>
  evaluate(parseTemplate(`\${${expression}}`), {
    lookup: () => {
      throw new ExpressionError("no references here");
    },
  });

test.each([
  ['format("%5s|", "x")', "    x|"],
  ['format("%-5s|%05d|%.2f|%x|%X|%o|%b", "x", 42, 3.14159, 255, 255, 8, 5)', "x    |00042|3.14|ff|FF|10|101"],
  [
    'format("%e|%g|%g|%g|%E|%G", 1234.5678, 0.000012, 100000, 1000000, 12.5, 1e-7)',
    "1.234568e+03|1.2e-05|100000|1e+06|1.250000E+01|1E-07",
  ],
  ['format("%t|%q|%v|%#v|%%", true, "q\\"", [1, "a"], { a = 1 })', 'true|"q\\""|[1,"a"]|{"a":1}|%'],
  ['format("%[2]s-%[1]s", "a", "b")', "b-a"],
  ['format("%s|%d", 1e21, 1e21)', "1000000000000000000000|1000000000000000000000"],
  ['format("%d", "12")', "12"],
  ['element(["a", "b", "c"], 4)', "b"],
  ['length("e\\u0301x")', 2],
  ['split("", "abc")', ["a", "b", "c"]],
  ['regex("(a)(b)?", "a")', ["a", null]],
  ['regex("(?i)A", "a")', "a"],
  ['contains(["1", "3"], 3)', false],
  ['"%{ for x in ["a","b"] }${x},%{ endfor }"', "a,b,"],
  ['"%{ for k, v in {b=2, a=1} }${k}=${v};%{ endfor }"', "a=1;b=2;"],
  ['"%{ for i, x in ["a","b"] }${i}${x}%{ endfor }"', "0a1b"],
  ['"x %{~ if false }y%{ else }z%{ endif ~} w"', "xzw"],
  ['"a ${~ "b" ~} c"', "abc"],
  ['"%{ if "true" }s%{ endif }"', "s"],
  ['"%{ for x in [] }${x}%{ endfor }empty"', "empty"],
])("%s is %j", (expression, expected) => {
  expect(ev(expression)).toEqual(expected);
});

test.each([
  ["element([], 0)", /cannot use element function with an empty list/],
  ['element(["a"], 0.5)', /invalid index: value must be a whole number/],
  ['format("%d", 1.5)', /unsupported value for "%d" at 0: an integer is required/],
  ['format("%z", 1)', /unsupported format verb 'z' in "%z" at offset 0/],
  ['format("%s %s", 1)', /not enough arguments for "%s" at 3: need index 2 but have 1 total/],
  ['format("%s", 1, 2)', /too many arguments; only 1 used by format string/],
  ['format("%s", [1])', /unsupported value for "%s" at 0: string required/],
  ['regex("(a)(?P<n>b)", "ab")', /cannot mix both named and unnamed capture groups/],
])("%s fails: %s", (expression, message) => {
  expect(() => ev(expression)).toThrow(message);
});

test("a function the evaluator does not know is refused by name, never guessed", () => {
  expect(() => ev('upper("a")')).toThrow(
    /function upper\(\) is not supported by the local runtime \(it knows abs, can, ceil, contains, element, floor, format/,
  );
});
