/**
 * Terraform's variable rules, as the local runtime applies them. Every expected answer was checked
 * with terraform 1.11.4 on a directory holding only `variable` and `output` blocks, with
 * `terraform apply -auto-approve -json` and the flags or files named beside each case; the rules are
 * documented at https://developer.hashicorp.com/terraform/language/values/variables.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { VariableSources, resolveVariables } from "../../../src/local/runtime/terraform/variables";
import {
  VariableArgumentError,
  parseVarAssignment,
  terraformVariableFlags,
  variableArguments,
} from "../../../src/terraform/variable-arguments";
import type { StackDocument } from "../../../src/terraform/stack-document";

// The declarations the checks ran against (main.tf of the scratch directory).
const document: StackDocument = {
  variable: {
    s: { type: "string", default: "dflt", nullable: false },
    n: { type: "number", default: 1, nullable: false },
    b: { type: "bool", default: false },
    ns: { type: "string", default: "x" },
    l: { type: "list(number)", default: [1] },
    a: { default: "d" },
  },
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-variables-"));
let files = 0;
/** A scratch directory holding `contents` (file name -> text). */
function directory(contents: Record<string, string>): string {
  const d = path.join(dir, `d${files++}`);
  fs.mkdirSync(d);
  for (const [name, text] of Object.entries(contents)) fs.writeFileSync(path.join(d, name), text);
  return d;
}
/** A `-var-file` holding `text`, named `name`. */
function varFile(text: string, name = "t.tfvars"): { kind: "var-file"; file: string } {
  return { kind: "var-file", file: path.join(directory({ [name]: text }), name) };
}
const v = (name: string, value: string) => ({ kind: "var" as const, name, value });
const resolve = (sources: VariableSources) => resolveVariables(document, sources);
const value = (name: string, sources: VariableSources) => resolve(sources).values[name];

describe("precedence, the later winning", () => {
  test("TF_VAR_, then terraform.tfvars, then terraform.tfvars.json, then *.auto.tfvars(.json) in byte order of their names", () => {
    // checked with terraform 1.11.4: TF_VAR_s=env terraform apply, adding one file at a time.
    const env = { TF_VAR_s: "env" };
    expect(value("s", { env })).toBe("env");
    const d = directory({ "terraform.tfvars": 's = "tfvars"\n' });
    expect(value("s", { env, directory: d })).toBe("tfvars");
    fs.writeFileSync(path.join(d, "terraform.tfvars.json"), '{"s": "tfvars.json"}');
    expect(value("s", { env, directory: d })).toBe("tfvars.json");
    fs.writeFileSync(path.join(d, "a.auto.tfvars"), 's = "a.auto"\n');
    expect(value("s", { directory: d })).toBe("a.auto");
    fs.writeFileSync(path.join(d, "a.auto.tfvars.json"), '{"s": "a.auto.json"}');
    expect(value("s", { directory: d })).toBe("a.auto.json");
    fs.writeFileSync(path.join(d, "B.auto.tfvars"), 's = "B.auto"\n');
    expect(value("s", { directory: d })).toBe("a.auto.json");
    expect(resolve({ directory: d }).origins.s).toBe(path.join(d, "a.auto.tfvars.json"));
    // Names that only look alike are not loaded.
    fs.writeFileSync(path.join(d, "x.auto.tfvars.JSON"), '{"s": "upper"}');
    fs.writeFileSync(path.join(d, "x.tfvars.auto"), 's = "q"\n');
    expect(value("s", { directory: d })).toBe("a.auto.json");
  });

  test("-var and -var-file apply in command-line order, after the files of the directory", () => {
    // checked with terraform 1.11.4: terraform apply -var s=cli -var-file=f1.tfvars; -var-file=f1.tfvars -var s=cli;
    // -var-file=f1.tfvars -var s=cli -var-file=f2.tfvars; -var s=1 -var s=2
    const f1 = varFile('s = "f1"\n');
    const f2 = varFile('s = "f2"\n');
    const d = directory({ "terraform.tfvars": 's = "tfvars"\n' });
    expect(value("s", { directory: d, arguments: [v("s", "cli"), f1] })).toBe("f1");
    expect(value("s", { directory: d, arguments: [f1, v("s", "cli")] })).toBe("cli");
    expect(value("s", { arguments: [f1, v("s", "cli"), f2] })).toBe("f2");
    expect(value("s", { arguments: [v("s", "1"), v("s", "2")] })).toBe("2");
  });
});

describe("null", () => {
  test("null for a variable declared nullable = false means its default, even over an earlier value", () => {
    // checked with terraform 1.11.4: TF_VAR_s=env with terraform.tfvars `s = null`; -var s=cli -var-file=<s = null>
    expect(
      resolve({ env: { TF_VAR_s: "env" }, directory: directory({ "terraform.tfvars": "s = null\n" }) }).values.s,
    ).toBe("dflt");
    expect(value("s", { arguments: [v("s", "cli"), varFile("s = null\n")] })).toBe("dflt");
    expect(value("s", { arguments: [varFile('{"s": null}', "t.tfvars.json")] })).toBe("dflt");
  });

  test('null for a nullable variable is null; from -var, null is the text "null" for a string and refused for a number', () => {
    // checked with terraform 1.11.4: -var-file=<ns = null>, <b = null>, -var ns=null, -var n=null, -var 'l=null'
    expect(value("ns", { arguments: [v("ns", "cli"), varFile("ns = null\n")] })).toBeNull();
    expect(value("b", { arguments: [varFile("b = null\n")] })).toBeNull();
    expect(value("ns", { arguments: [v("ns", "null")] })).toBe("null");
    expect(() => resolve({ arguments: [v("n", "null")] })).toThrow(/variable n \(from --var\): a number is required/);
    expect(value("l", { arguments: [v("l", "null")] })).toBeNull();
  });

  test("a required non-nullable variable given null is refused; a missing one is refused", () => {
    // checked with terraform 1.11.4: "required variable may not be set to null"; "No value for required variable"
    const required: StackDocument = { variable: { r: { type: "string", nullable: false }, o: { type: "string" } } };
    expect(() => resolveVariables(required, { arguments: [varFile("r = null\n")] })).toThrow(
      /Variable r \(from .*\) must not be null/,
    );
    expect(() => resolveVariables(required, { arguments: [v("r", "x")] })).toThrow(/Variable o has no default/);
    expect(resolveVariables(required, { arguments: [v("r", "x"), varFile("o = null\n")] }).values.o).toBeNull();
  });
});

describe("undeclared variables", () => {
  test("are ignored in the environment, a warning in a file, an error as --var", () => {
    // checked with terraform 1.11.4: TF_VAR_zz=1 (silent); -var-file=<zz = 1> and terraform.tfvars <zz = 1>
    // ("Warning: Value for undeclared variable"); -var zz=1 ("Error: Value for undeclared variable")
    expect(resolve({ env: { TF_VAR_zz: "1" } }).warnings).toEqual([]);
    const file = varFile("zz = 1\n");
    const fromFile = resolve({ arguments: [file], directory: directory({ "terraform.tfvars": "yy = 2\n" }) });
    expect(fromFile.warnings).toHaveLength(2);
    expect(fromFile.warnings.join("\n")).toContain(`the stack does not declare "zz", but ${file.file} sets it`);
    expect(fromFile.values).toMatchObject({ s: "dflt", n: 1 });
    expect(() => resolve({ arguments: [v("zz", "1"), v("yy", "2")] })).toThrow(
      /--var "zz", "yy": the stack declares no such variable \(declared: a, b, l, n, ns, s\)/,
    );
  });
});

describe("-var and TF_VAR_ values: text, converted to the declared type", () => {
  // checked with terraform 1.11.4: terraform apply -var "n=<text>" (and TF_VAR_n=<text>)
  test.each([
    ["512", 512],
    ["+5", 5],
    ["-5", -5],
    [".5", 0.5],
    ["5.", 5],
    ["1e3", 1000],
    ["1E3", 1000],
    ["0012", 12],
    ["1.5e-3", 0.0015],
  ])("number %j is %p", (text, expected) => {
    expect(value("n", { arguments: [v("n", text)] })).toBe(expected);
    expect(value("n", { env: { TF_VAR_n: text } })).toBe(expected);
  });

  test.each([" 512", "512 ", "0x200", "1_000", "", "NaN", "INF", "infinity", "٣"])("number %j is refused", (text) => {
    expect(() => resolve({ arguments: [v("n", text)] })).toThrow(
      /Invalid value for variable n \(from --var\): a number is required/,
    );
  });

  test.each([
    ["1", true],
    ["0", false],
    ["true", true],
    ["false", false],
  ])("bool %j is %p", (text, expected) => {
    expect(value("b", { arguments: [v("b", text)] })).toBe(expected);
  });

  test("bool refuses other spellings, and says so for a capitalized one", () => {
    // checked with terraform 1.11.4: -var b=True ("use lowercase"); -var b=yes; -var "b= true"; -var b=
    expect(() => resolve({ arguments: [v("b", "True")] })).toThrow(
      /a bool is required; to convert from string, use lowercase "true"/,
    );
    for (const text of ["yes", " true", "", "t"])
      expect(() => resolve({ arguments: [v("b", text)] })).toThrow(/variable b \(from --var\): a bool is required/);
  });

  test("a string takes the text as it is; a complex type reads it as HCL; an untyped variable keeps the text", () => {
    // checked with terraform 1.11.4: -var 's= sp ', -var s=a=b, -var 'l=[1, "2"]', -var l=1, -var 'a=[1]', -var 'l=[upper("a")]'
    expect(value("s", { arguments: [v("s", " sp ")] })).toBe(" sp ");
    expect(value("s", { arguments: [v("s", "")] })).toBe("");
    expect(value("l", { arguments: [v("l", '[1, "2"]')] })).toEqual([1, 2]);
    expect(value("l", { env: { TF_VAR_l: "[3]" } })).toEqual([3]);
    expect(value("a", { arguments: [v("a", "[1]")] })).toBe("[1]");
    expect(() => resolve({ arguments: [v("l", "1")] })).toThrow(
      /variable l \(from --var\): list of number is required/,
    );
    expect(() => resolve({ arguments: [v("l", '[upper("a")]')] })).toThrow(/function calls are not allowed/);
  });
});

describe("-var syntax", () => {
  test("splits at the first =, keeps spaces in the value, and refuses a name ending in a space", () => {
    // checked with terraform 1.11.4: -var s=a=b; -var s ("Invalid -var option"); -var 's =1' and -var 's = 1'
    // ("Variable name \"s \" is invalid due to trailing space. Did you mean -var=\"s=1\"?")
    expect(parseVarAssignment("s=a=b")).toEqual({ name: "s", value: "a=b" });
    expect(() => parseVarAssignment("s")).toThrow(VariableArgumentError);
    expect(() => parseVarAssignment("s")).toThrow(/must look like name=value/);
    expect(() => parseVarAssignment("s = 1")).toThrow(/invalid due to trailing space; did you mean --var "s=1"\?/);
  });

  test("keeps --var and --var-file in command-line order and hands them to terraform in that order", () => {
    const file = varFile('s = "f"\n').file;
    const tokens = [
      { kind: "option", name: "var-file", value: file },
      { kind: "option", name: "stack", value: "orders-dev" },
      { kind: "option", name: "var", value: "s=x" },
    ];
    const args = variableArguments(tokens);
    expect(args).toEqual([{ kind: "var-file", file }, v("s", "x")]);
    expect(terraformVariableFlags(args)).toEqual([`-var-file=${path.resolve(file)}`, "-var=s=x"]);
    expect(() => variableArguments([{ kind: "option", name: "var-file", value: "/nonexistent.tfvars" }])).toThrow(
      /--var-file \/nonexistent.tfvars: no such file/,
    );
  });
});

describe("tfvars files", () => {
  // checked with terraform 1.11.4: terraform apply -var-file=t.tfvars holding the text of each case
  test.each([
    ['n = "512"\n', "n", 512],
    ['n = "1e3"\n', "n", 1000],
    ["n = -5\n", "n", -5],
    ["n = 1+1\n", "n", 2],
    ['s = "${1+1}"\n', "s", "2"],
    ["s = true\n", "s", "true"],
    ["s = 5.50\n", "s", "5.5"],
    ['b = "1"\n', "b", true],
    ['s = "\\u00e9\\U0001F600"\n', "s", "é😀"],
    ["s = {a=1}.a\n", "s", "1"],
    ["s = [1,2][0]\n", "s", "1"],
    ['s = true ? "y" : "n"\n', "s", "y"],
    ["s = <<EOT\nhello\n  world\nEOT\n", "s", "hello\n  world\n"],
    ["s = <<-EOT\n    hello\n      world\n    EOT\n", "s", "hello\n  world\n"],
    ['s = <<EOT\nx${"y"}\\n$${z}\nEOT\n', "s", "xy\\n${z}\n"],
    ['\uFEFFs = "bom"\n', "s", "bom"],
    ['s = "x"\r\nn = 3\r\n', "n", 3],
    ['s="x"', "s", "x"],
    ['a = {\n k=1\n j="2"\n}\n', "a", { k: 1, j: "2" }],
    ["a = {k=1, k=2}\n", "a", { k: 2 }],
    ["a = [\n1,\n2\n]\n", "a", [1, 2]],
    ["# only a comment\n", "s", "dflt"],
    ["", "s", "dflt"],
  ])("%j sets %s to %p", (text, name, expected) => {
    expect(value(name, { arguments: [varFile(text)] })).toEqual(expected);
  });

  test.each([
    ["n = 0x200\n", /an argument must end with a newline/],
    ['n = " 512"\n', /variable n .*: a number is required/],
    ['n = upper("a")\n', /line 1: n: upper\(\): function calls are not allowed in a tfvars file/],
    ["s = var.n\n", /variables are not allowed/],
    ["n = 1\nn = 2\n", /line 2: n was already set at line 1; each argument may be set only once/],
    ["b = 1\n", /variable b .*: a bool is required/],
    ["n = true\n", /variable n .*: a number is required/],
    ["s = [1]\n", /variable s .*: a string is required/],
    ['"s" = "x"\n', /argument names must not be quoted/],
    ["s {\n}\n", /blocks are not allowed here/],
    ['s="x" n=2\n', /an argument must end with a newline/],
    ['s="x"; n=2\n', /unexpected character ";"/],
    ["n = 1 +\n2\n", /unexpected end of expression/],
  ])("%j is refused", (text, message) => {
    expect(() => resolve({ arguments: [varFile(text)] })).toThrow(message);
  });

  test("template directives are evaluated, strip markers included", () => {
    // checked with terraform 1.11.4: -var-file holding each text
    expect(value("s", { arguments: [varFile('s = "a%{if true}b%{endif}"\n')] })).toBe("ab");
    expect(value("a", { arguments: [varFile("a = <<EOT\n%{ for x in [1,2] ~}\n${x}\n%{ endfor ~}\nEOT\n")] })).toBe(
      "1\n2\n",
    );
  });

  test(".tfvars.json: strings are literal, a byte order mark, another root value and duplicate keys are refused", () => {
    // checked with terraform 1.11.4: terraform apply -var-file=t.tfvars.json holding each text
    const json = (text: string) => ({ arguments: [varFile(text, "t.tfvars.json")] });
    expect(value("s", json('{"s": "${1+1}"}'))).toBe("${1+1}");
    expect(value("s", json('{"s": "%{if true}y%{endif}"}'))).toBe("%{if true}y%{endif}");
    expect(value("n", json('{"n": "512"}'))).toBe(512);
    expect(value("s", json("{}"))).toBe("dflt");
    expect(() => resolve(json('\uFEFF{"s": "bom"}'))).toThrow(/byte order mark/);
    expect(() => resolve(json("[]"))).toThrow(/the root value must be a JSON object/);
    expect(() => resolve(json('{"s": "a", "s": "b"}'))).toThrow(/"s" is set twice/);
    expect(() => resolve(json('{"a": {"k": 1, "k": 2}}'))).toThrow(/"k" is set twice/);
    expect(value("a", json('{"a": [{"k": 1}, {"k": 2}]}'))).toEqual([{ k: 1 }, { k: 2 }]);
    expect(() => resolve(json('{"n": 0x200}'))).toThrow(/not valid JSON/);
  });
});

test("every failing validation block is reported, with its own message", () => {
  // checked with terraform 1.11.4: -var rnn=x against two validation blocks, both failing, both reported
  const validated: StackDocument = {
    variable: {
      rnn: {
        type: "string",
        default: "rd",
        nullable: false,
        validation: [
          { condition: "${length(var.rnn) > 1}", error_message: "rnn too short." },
          { condition: '${var.rnn != "x"}', error_message: "rnn not x." },
        ],
      },
    },
  };
  expect(() => resolveVariables(validated, { arguments: [v("rnn", "x")] })).toThrow(
    'Invalid value for variable rnn ("x"): rnn too short. rnn not x.',
  );
  expect(resolveVariables(validated, {}).values.rnn).toBe("rd");
});
