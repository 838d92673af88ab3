import { EventPatternError, compileEventPattern } from "../../../src/local/event-pattern";
import { AWS_REASON, README, RULER_COMPILER, UG } from "./sources";

type Refusal = readonly [name: string, source: string, pattern: unknown, reason: string];

const JSON_COMPILER = RULER_COMPILER("JsonRuleCompiler.java");
const CIDR = RULER_COMPILER("CIDR.java");
const WILDCARD = RULER_COMPILER("input/WildcardParser.java");

// prettier-ignore
const refusals: Refusal[] = [
  // Structure.
  ["not an object", AWS_REASON("test_invalid_json_event_pattern[[\"not\", \"a\", \"dict\", \"but valid json\"]]"), ["not", "a", "dict"], "Filter is not an object"],
  ["a number where a list belongs", AWS_REASON("int_nolist_EXC"), { int: 42 }, '"int" must be an object or an array'],
  ["a string where a list belongs", AWS_REASON("string_nolist_EXC"), { string: "my-value" }, '"string" must be an object or an array'],
  ["an empty list", AWS_REASON("arrays_empty_EXC"), { resources: [] }, "Empty arrays are not allowed"],
  ["an empty nested object", "cloud-custodian/cloud-custodian#6507 (PutRule's answer for {\"detail\": {}})", { source: ["aws.health"], detail: {} }, "Empty objects are not allowed"],
  ["an empty pattern", JSON_COMPILER, {}, "Empty objects are not allowed"],
  ["a list inside the list", JSON_COMPILER, { a: [["x"]] }, "Match value must be String, number, true, false, or null"],
  ["an empty match expression", JSON_COMPILER, { a: [{}] }, "Match expression name not found"],
  ["an operator in capitals", AWS_REASON("operator_case_sensitive_EXC"), { my_key: [{ EXISTS: true }] }, "Unrecognized match type EXISTS"],
  ["numeric in capitals", AWS_REASON("content_numeric_operatorcasing_EXC"), { detail: { equal: [{ NUMERIC: ["=", 5] }] } }, "Unrecognized match type NUMERIC"],
  ["two operators in one object", JSON_COMPILER, { a: [{ prefix: "x", suffix: "y" }] }, "Only one key allowed in match expression"],

  // prefix, suffix, equals-ignore-case, exactly.
  ["prefix of a number", AWS_REASON("content_prefix_int_EXC"), { time: [{ prefix: 123 }] }, "prefix match pattern must be a string"],
  ["prefix of a list", AWS_REASON("content_prefix_list_EXC"), { time: [{ prefix: ["2022-07-13"] }] }, "prefix match pattern must be a string"],
  ["suffix of a number", AWS_REASON("content_suffix_int_EXC"), { FileName: [{ suffix: 123 }] }, "suffix match pattern must be a string"],
  ["suffix of a list", AWS_REASON("content_suffix_list_EXC"), { FileName: [{ suffix: [".png"] }] }, "suffix match pattern must be a string"],
  ["prefix with an empty object", JSON_COMPILER, { a: [{ prefix: {} }] }, "Prefix expression name not found"],
  ["prefix with another operator", JSON_COMPILER, { a: [{ prefix: { wildcard: "x" } }] }, "Unsupported prefix pattern: wildcard"],
  ["suffix with another operator", JSON_COMPILER, { a: [{ suffix: { prefix: "x" } }] }, "Unsupported suffix pattern: prefix"],
  ["prefix ignoring case of a number", JSON_COMPILER, { a: [{ prefix: { "equals-ignore-case": 1 } }] }, "equals-ignore-case match pattern must be a string"],
  ["equals-ignore-case of a list", AWS_REASON("content_ignorecase_EXC"), { "detail-type": [{ "equals-ignore-case": ["ec2 instance state-change notification"] }] }, "equals-ignore-case match pattern must be a string"],
  ["equals-ignore-case of an object", AWS_REASON("content_ignorecase_list_EXC"), { "detail-type": [{ "equals-ignore-case": { prefix: "ec2" } }] }, "equals-ignore-case match pattern must be a string"],
  ["exactly of a number", JSON_COMPILER, { a: [{ exactly: 1 }] }, "exact match pattern must be a string"],

  // wildcard.
  ["consecutive wildcards", AWS_REASON("content_wildcard_repeating_star_EXC"), { EventBusArn: [{ wildcard: "arn:aws:events:us-east-1:**:event-bus/*" }] }, "Consecutive wildcard characters at pos 26"],
  ["a bad escape", README("Wildcard matching"), { a: [{ wildcard: "a\\b" }] }, "Invalid escape character at pos 2"],
  ["a trailing backslash", WILDCARD, { a: [{ wildcard: "ab\\" }] }, "Invalid escape character at pos 3"],
  ["positions count UTF-8 bytes", WILDCARD, { a: [{ wildcard: "é**" }] }, "Consecutive wildcard characters at pos 3"],
  ["wildcard of a number", AWS_REASON("content_wildcard_int_EXC"), { EventBusArn: [{ wildcard: 123 }] }, "wildcard match pattern must be a string"],
  ["wildcard of a list", AWS_REASON("content_wildcard_list_EXC"), { EventBusArn: [{ wildcard: ["arn:aws:events:us-east-1:**:event-bus/*"] }] }, "wildcard match pattern must be a string"],

  // anything-but.
  ["anything-but null", AWS_REASON("content_anything_but_string_null_type_EXC"), { detail: { state: [{ "anything-but": null }] } }, "Value of anything-but must be an array or single string/number value."],
  ["anything-but true", JSON_COMPILER, { a: [{ "anything-but": true }] }, "Value of anything-but must be an array or single string/number value."],
  ["anything-but a list with null", AWS_REASON("content_anything_but_string_list_null_type_EXC"), { detail: { state: [{ "anything-but": ["stopped", null] }] } }, "Inside anything but list, start|null|boolean is not supported."],
  ["anything-but a mixed list", README("Anything-but matching"), { a: [{ "anything-but": ["a", 1] }] }, "Inside anything but list, either all values are number or string, mixed type is not supported"],
  ["anything-but an empty list", JSON_COMPILER, { a: [{ "anything-but": [] }] }, "Inside anything but list, either all values are number or string, mixed type is not supported"],
  ["anything-but an empty object", JSON_COMPILER, { a: [{ "anything-but": {} }] }, "Anything-But expression name not found"],
  ["anything-but exists", JSON_COMPILER, { a: [{ "anything-but": { exists: true } }] }, "Unsupported anything-but pattern: exists"],
  ["anything-but numeric", JSON_COMPILER, { a: [{ "anything-but": { numeric: [">", 1] } }] }, "Unsupported anything-but pattern: numeric"],
  ["anything-but prefix of a number", AWS_REASON("content_anything_prefix_int_EXC"), { detail: { state: [{ "anything-but": { prefix: 123 } }] } }, "prefix/suffix match pattern must be a string"],
  ["anything-but prefix list with a number", AWS_REASON("content_anything_prefix_list_type_EXC"), { detail: { state: [{ "anything-but": { prefix: [123, "test"] } }] } }, "prefix/suffix match pattern must be a string"],
  ["anything-but suffix of a number", AWS_REASON("content_anything_suffix_int_EXC"), { detail: { FileName: [{ "anything-but": { suffix: 123 } }] } }, "prefix/suffix match pattern must be a string"],
  ["anything-but suffix list with null", AWS_REASON("content_anything_suffix_list_null_type_EXC"), { detail: { FileName: [{ "anything-but": { suffix: [null, ".txt"] } }] } }, "prefix/suffix match pattern must be a string"],
  ["anything-but an empty prefix", AWS_REASON("content_anything_prefix_empty_EXC"), { detail: { FileName: [{ "anything-but": { prefix: "" } }] } }, "Null prefix/suffix not allowed"],
  ["anything-but an empty suffix", AWS_REASON("content_anything_suffix_empty_EXC"), { detail: { FileName: [{ "anything-but": { suffix: "" } }] } }, "Null prefix/suffix not allowed"],
  ["anything-but prefix ignoring case", AWS_REASON("content_anything_prefix_ignorecase_EXC"), { detail: { FileName: [{ "anything-but": { prefix: { "equals-ignore-case": "file" } } }] } }, "Value of anything-but must be an array or single string/number value."],
  ["anything-but suffix ignoring case", AWS_REASON("content_anything_suffix_ignorecase_EXC"), { detail: { FileName: [{ "anything-but": { suffix: { "equals-ignore-case": ".png" } } }] } }, "Value of anything-but must be an array or single string/number value."],
  ["anything-but ignoring case of a number", AWS_REASON("content_anything_but_ignorecase_EXC"), { detail: { state: [{ "anything-but": { "equals-ignore-case": 123 } }] } }, "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."],
  ["anything-but ignoring case of numbers", AWS_REASON("content_anything_but_ignorecase_list_EXC"), { detail: { state: [{ "anything-but": { "equals-ignore-case": [123, 456] } }] } }, "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."],
  ["anything-but wildcard of a number", AWS_REASON("content_anything_wildcard_type_EXC"), { detail: { FilePath: [{ "anything-but": { wildcard: 123 } }] } }, "wildcard match pattern must be a string"],
  ["anything-but wildcard list with a number", AWS_REASON("content_anything_wildcard_list_type_EXC"), { detail: { state: [{ "anything-but": { wildcard: [123, "*/dir/*"] } }] } }, "wildcard match pattern must be a string"],
  ["anything-but consecutive wildcards", WILDCARD, { a: [{ "anything-but": { wildcard: ["ok*", "a**"] } }] }, "Consecutive wildcard characters at pos 2"],
  ["anything-but's operator with a second key, after its values", JSON_COMPILER, { a: [{ "anything-but": { prefix: "", suffix: "b" } }] }, "Null prefix/suffix not allowed"],
  ["anything-but's operator with a second key", JSON_COMPILER, { a: [{ "anything-but": { prefix: "a", suffix: "b" } }] }, "Too many elements in numeric expression"],
  ["anything-but with a second key", JSON_COMPILER, { a: [{ "anything-but": "x", prefix: "y" }] }, "Too many elements in numeric expression"],

  // numeric.
  ["numeric of a number", AWS_REASON("content_numeric_number_EXC"), { detail: { "c-count": [{ numeric: 10 }] } }, "Value of numeric must be an array."],
  ["numeric with two lower bounds", AWS_REASON("content_numeric_EXC"), { detail: { "c-count": [{ numeric: [">", 0, ">", 0] }] } }, "Bad numeric range operator: >"],
  ["numeric with a missing upper bound", AWS_REASON("content_numeric_syntax_EXC"), { detail: { "c-count": [{ numeric: [">", 0, "<"] }] } }, "Value of < must be numeric"],
  ["numeric with an unknown operator", JSON_COMPILER, { a: [{ numeric: ["!=", 1] }] }, "Unrecognized numeric range operator: !="],
  ["numeric starting with a number", JSON_COMPILER, { a: [{ numeric: [5] }] }, "Invalid member in numeric match: 5"],
  ["numeric empty", JSON_COMPILER, { a: [{ numeric: [] }] }, "Invalid member in numeric match: ]"],
  ["numeric equals a string", JSON_COMPILER, { a: [{ numeric: ["=", "5"] }] }, "Value of equals must be numeric"],
  ["numeric equals with more", JSON_COMPILER, { a: [{ numeric: ["=", 5, "<", 6] }] }, "Too many elements in numeric expression"],
  ["numeric upper bound first", JSON_COMPILER, { a: [{ numeric: ["<", 10, ">", 0] }] }, "Too many elements in numeric expression"],
  ["numeric range with a number for the operator", JSON_COMPILER, { a: [{ numeric: [">", 0, 5] }] }, "Bad value in numeric range: 5"],
  ["numeric range with more terms", JSON_COMPILER, { a: [{ numeric: [">", 0, "<", 5, 6] }] }, "Too many terms in numeric range expression"],
  ["numeric range upside down", RULER_COMPILER("Range.java"), { a: [{ numeric: [">", 5, "<", 1] }] }, "Bottom must be less than top"],
  ["numeric range of one point", RULER_COMPILER("Range.java"), { a: [{ numeric: [">=", 5, "<=", 5] }] }, "Bottom must be less than top"],
  ["numeric with a second key", JSON_COMPILER, { a: [{ numeric: [">", 0], exists: true }] }, "Too many elements in numeric expression"],

  // exists, cidr.
  ["exists of a string", JSON_COMPILER, { a: [{ exists: "yes" }] }, "exists match pattern must be either true or false."],
  ["cidr without a mask", AWS_REASON("content_ip_address_EXC"), { detail: { sourceIPAddress: [{ cidr: "bad-filter" }] } }, "Malformed CIDR, one '/' required"],
  ["cidr with a bad mask", AWS_REASON("content_ip_address_bad_mask_EXC"), { detail: { sourceIPAddress: [{ cidr: "bad-/64filter" }] } }, "Malformed CIDR, mask bits must be an integer"],
  ["cidr of a bad IPv4 address", AWS_REASON("content_ip_address_bad_ip_EXC"), { detail: { sourceIPAddress: [{ cidr: "xx.11.xx/8" }] } }, "Nonstandard IP address: xx.11.xx"],
  ["cidr of a bad IPv6 address", AWS_REASON("content_ip_address_v6_bad_ip_EXC"), { detail: { sourceIPAddress: [{ cidr: "xxxx:db8:1234:1a00::/64" }] } }, "Nonstandard IP address: xxxx:db8:1234:1a00::"],
  ["cidr of a list", AWS_REASON("content_ip_address_type_EXC"), { detail: { sourceIPAddress: [{ cidr: ["bad-type"] }] } }, "prefix match pattern must be a string"],
  ["cidr with a negative mask", CIDR, { a: [{ cidr: "192.168.0.1/-3424" }] }, "Malformed CIDR, mask bits must not be negative"],
  ["cidr IPv4 mask too long", CIDR, { a: [{ cidr: "192.168.0.1/33" }] }, "IPv4 mask bits must be < 32"],
  ["cidr IPv6 mask too long", CIDR, { a: [{ cidr: "2400:6500:FF00::36FB:1F80/222" }] }, "IPv6 mask bits must be < 128"],
  ["cidr of an IPv4 address out of range", CIDR, { a: [{ cidr: "700.168.0.1/8" }] }, "Invalid IP address: 700.168.0.1"],
  ["cidr of an IPv6 address with too many groups", CIDR, { a: [{ cidr: "2400:6500:3:3:3:3:3:3:3:3FF00::36FB:1F80/122" }] }, "Invalid IP address: 2400:6500:3:3:3:3:3:3:3:3FF00::36FB:1F80"],
  ["cidr with two slashes", CIDR, { a: [{ cidr: "foo/bar/baz" }] }, "Malformed CIDR, one '/' required"],

  // $or.
  ["$or with one alternative", README("The \"$or\" Primitive"), { $or: [{ a: ["x"] }] }, "There must have at least 2 Objects in $or relationship."],
  ["$or with a value that is not an object", JSON_COMPILER, { $or: [{ a: ["x"] }, "b"] }, "Only JSON object is allowed in array of $or relationship."],
  ["$or with a reserved field name", README("The \"$or\" Primitive"), { $or: [{ numeric: [">", 1] }, { prefix: ["abc"] }] }, "numeric is Ruler reserved fieldName which cannot be used inside $or."],
  ["$or of a string", JSON_COMPILER, { $or: "x" }, "It must be an Array followed with $or."],
  ["$or with an empty alternative", JSON_COMPILER, { $or: [{}, { a: ["x"] }] }, "Empty objects are not allowed"],
  ["$or beyond 1000 combinations", UG.content, { $or: Array.from({ length: 11 }, (_, i) => ({ [`a${i}`]: ["x"] })), b: { $or: Array.from({ length: 11 }, (_, i) => ({ [`b${i}`]: ["x"] })) }, c: { $or: Array.from({ length: 10 }, (_, i) => ({ [`c${i}`]: ["x"] })) } }, "the use of $or results in over 1000 rule combinations"],
];

describe("event patterns EventBridge refuses", () => {
  test.each(refusals)("%s (%s)", (_name, _source, pattern, reason) => {
    let thrown: unknown;
    try {
      compileEventPattern(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EventPatternError);
    expect((thrown as EventPatternError).reason).toBe(reason);
    expect((thrown as EventPatternError).message).toMatch(/^Event pattern is not valid\. Reason: /);
  });

  test("a JSON text that is not JSON is refused (AWS_REASON test_invalid_json_event_pattern; the reason is the JSON parser's)", () => {
    expect(() => compileEventPattern("{'bad': 'quotation'}")).toThrow(EventPatternError);
    expect(() => compileEventPattern("{'bad': 'quotation'}")).toThrow(/^Event pattern is not valid\. Reason: /);
  });

  test("the error names where the pattern is wrong", () => {
    // The reason is AWS's (AWS_REASON content_prefix_int_EXC); the path is the local runtime's way of saying where.
    expect(() => compileEventPattern({ detail: { time: [{ prefix: 123 }] } })).toThrow(
      "Event pattern is not valid. Reason: prefix match pattern must be a string (at detail.time)",
    );
  });

  test.each<[string, string, unknown]>([
    [
      "1000 $or combinations are allowed",
      UG.content,
      {
        $or: Array.from({ length: 10 }, (_, i) => ({ [`a${i}`]: ["x"] })),
        b: { $or: Array.from({ length: 10 }, (_, i) => ({ [`b${i}`]: ["x"] })) },
        c: { $or: Array.from({ length: 10 }, (_, i) => ({ [`c${i}`]: ["x"] })) },
      },
    ],
    [
      "anything-but an empty wildcard",
      "AWS TestEventPattern (localstack content_anything_wildcard_empty)",
      { a: [{ "anything-but": { wildcard: "" } }] },
    ],
    ["a wildcard of only a star", README("Wildcard matching"), { a: [{ wildcard: "*" }] }],
    ["an escaped star and an escaped backslash", README("Wildcard matching"), { a: [{ wildcard: "\\*\\\\" }] }],
    ["cidr IPv6", README("IP Address Matching"), { a: [{ cidr: "2001:db8::/32" }] }],
    [
      "numeric with the full double range",
      README("Numeric matching"),
      { a: [{ numeric: [">", -1.7976931348623157e308, "<", 1.7976931348623157e308] }] },
    ],
    [
      "$or as an object (a plain field name)",
      README('The backward compatibility of using "$or" as field name in the rule'),
      { $or: { metricType: ["MetricType"] } },
    ],
  ])("accepts %s (%s)", (_name, _source, pattern) => {
    expect(() => compileEventPattern(pattern)).not.toThrow();
  });
});
