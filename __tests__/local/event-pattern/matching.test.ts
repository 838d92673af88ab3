import { compileEventPattern, matches } from "../../../src/local/event-pattern";
import { AWS, README, RULER_SOURCE, RULER_TEST, UG } from "./sources";

type Case = readonly [
  name: string,
  source: string,
  pattern: Record<string, unknown>,
  event: Record<string, unknown>,
  expected: boolean,
];

// The sample event of event-ruler's README ("Ruler by Example"); every rule of that section matches it.
const README_EVENT = {
  version: "0",
  id: "ddddd4-aaaa-7777-4444-345dd43cc333",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "012345679012",
  time: "2017-10-02T16:24:49Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
  detail: {
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.33",
    "instance-id": "i-000000aaaaaa00000",
    state: "running",
  },
};

// The "JSON Array Matching" event of event-ruler's README, with the ids of RulerTest's JSON_WITH_COMPLEX_ARRAYS.
const EMPLOYEES = {
  employees: [
    [
      { firstName: "John", lastName: "Doe", ids: [1234, 1000, 9999] },
      { firstName: "Anna", lastName: "Smith" },
    ],
    [{ firstName: "Peter", lastName: "Jones", ids: [] }],
  ],
};

const detail = (d: Record<string, unknown>) => ({ detail: d });

// prettier-ignore
const cases: Case[] = [
  // Values: exact, several values, AND across fields.
  ["readme: simple matching", README("Simple matching"), { "detail-type": ["EC2 Instance State-change Notification"], resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"], detail: { state: ["initializing", "running"] } }, README_EVENT, true],
  ["one of several values", UG.create, { source: ["aws.ec2", "aws.fargate"] }, README_EVENT, true],
  ["every field must match (AND)", README("Default \"And\" relationship"), { source: ["aws.ec2"], detail: { state: ["stopped"] } }, README_EVENT, false],
  ["field names are case-sensitive", AWS("key_case_sensitive_NEG"), { MY_KEY: ["my-value"] }, { my_key: "my-value" }, false],
  ["strings match character by character", AWS("string"), { string: ["A CamelCase string with an emoji 🚀 and trailing whitespace "] }, { string: "A CamelCase string with an emoji 🚀 and trailing whitespace " }, true],
  ["a string in the event is not parsed as JSON", AWS("nested_json_NEG"), { detail: { "my-key": ["my-value"] } }, { detail: '{"my-key": "my-value"}' }, false],
  ["a number matches by value", AWS("number_comparison_float"), { number: [300] }, { number: 300 }, true],
  ["a number matches another notation of it", RULER_SOURCE("JsonRuleCompiler.writeRules adds a numeric-equality matcher for a number"), { detail: { "x-limit": [3.018e2] } }, README_EVENT, true],
  ["a number does not match its string", UG.create, { a: [1] }, { a: "1" }, false],
  ["true does not match a string or a number", RULER_TEST("RulerTest.WHEN_WeTryReallySimpleRules_THEN_TheyWork"), { x: ["X"] }, { x: true }, false],
  ["boolean", AWS("boolean"), { boolean: [false] }, { boolean: false }, true],
  ["boolean that differs", AWS("boolean_NEG"), { boolean: [false] }, { boolean: true }, false],
  ["nested objects by their path", UG.create, { detail: { severity: { score: [1] } } }, detail({ severity: { score: 1, description: "Low" } }), true],
  ["a field named with dots matches the nested path", AWS("dot_joining_pattern"), { detail: { "state.status": ["running"] } }, detail({ state: { status: "running" } }), true],
  ["a nested pattern matches an event key with dots", AWS("dot_joining_event"), { detail: { state: { status: ["running"] } } }, detail({ "state.status": "running" }), true],
  ["dotted path that is an object in the event", AWS("dot_joining_event_NEG"), { detail: { state: { status: ["running"] } } }, detail({ "state.status": { status: "running" } }), false],
  ["dotted pattern path one level too deep", AWS("dot_joining_pattern_NEG"), { detail: { "state.status": { status: ["running"] } } }, detail({ state: { status: "running" } }), false],
  ["a nested field among siblings", AWS("dynamodb"), { dynamodb: { NewImage: { homemade: { N: ["1234"] } } } }, { dynamodb: { NewImage: { homemade: { S: "ABCD", N: "1234" } } } }, true],

  // Null and empty strings.
  ["null", UG.nulls, { detail: { responseElements: [null] } }, detail({ eventVersion: "", responseElements: null }), true],
  ["null is not the string null", AWS("null_value_NEG"), { detail: { responseElements: [null] } }, detail({ responseElements: "null" }), false],
  ["empty string", UG.nulls, { detail: { eventVersion: [""] } }, detail({ eventVersion: "", responseElements: null }), true],
  ["an empty string does not match null", UG.nulls, { detail: { responseElements: [""] } }, detail({ eventVersion: "", responseElements: null }), false],
  ["null does not match a missing field", UG.create, { detail: { missing: [null] } }, detail({ state: "x" }), false],

  // Arrays.
  ["an event array matches when any element does", UG.arrays, { resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f", "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f"] }, { resources: ["arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x", "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"] }, true],
  ["an event array with no element in the pattern", AWS("arrays_NEG"), { resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"] }, { resources: ["arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x"] }, false],
  ["an empty event array matches no value, not even null", AWS("arrays_empty_null_NEG"), { resources: [null] }, { resources: [] }, false],
  ["array of objects: a field of one element", README("JSON Array Matching"), { employees: { firstName: ["Anna"] } }, EMPLOYEES, true],
  ["array of objects: no element has the value", RULER_TEST("RulerTest.WHEN_JSONContainsArrays_THEN_RulerNoCompileMatchesWork"), { employees: { firstName: ["Alice"] } }, EMPLOYEES, false],
  ["array of objects: fields of two elements do not match together", README("JSON Array Matching"), { employees: { firstName: ["Anna"], lastName: ["Jones"] } }, EMPLOYEES, false],
  ["array of objects: fields of one element match together", README("JSON Array Matching"), { employees: { firstName: ["Anna"], lastName: ["Smith"] } }, EMPLOYEES, true],
  ["array of objects: an array inside the element", RULER_TEST("RulerTest.WHEN_JSONContainsArrays_THEN_RulerNoCompileMatchesWork"), { employees: { firstName: ["John"], ids: [1000] } }, EMPLOYEES, true],
  ["array of objects: an array of another element", RULER_TEST("RulerTest.WHEN_JSONContainsArrays_THEN_RulerNoCompileMatchesWork"), { employees: { firstName: ["Anna"], ids: [1000] } }, EMPLOYEES, false],
  ["array of objects: exists false within the element", RULER_TEST("RulerTest.WHEN_JSONContainsArrays_THEN_RulerNoCompileMatchesWork"), { employees: { firstName: ["Anna"], ids: [{ exists: false }] } }, EMPLOYEES, true],
  ["array of objects: exists true within the element", RULER_TEST("RulerTest.WHEN_JSONContainsArrays_THEN_RulerNoCompileMatchesWork"), { employees: { firstName: ["Anna"], ids: [{ exists: true }] } }, EMPLOYEES, false],
  ["array of objects: a value list is not the array", RULER_TEST("RulerTest.WHEN_JSONContainsArrays_THEN_RulerNoCompileMatchesWork"), { employees: ["b"] }, EMPLOYEES, false],
  ["array of objects: exists on a field of one element", AWS("list_within_dict"), { detail: { automations: { id: [{ exists: true }] } } }, detail({ automations: [{ key1: "value1" }, { id: "match-does-exist" }, { key2: "value2" }] }), true],

  // Prefix, suffix, equals-ignore-case.
  ["prefix", README("Prefix matching"), { time: [{ prefix: "2017-10-02" }] }, README_EVENT, true],
  ["prefix that differs", AWS("content_prefix_NEG"), { time: [{ prefix: "2022-07-99" }] }, { time: "2022-07-13T13:48:01Z" }, false],
  ["an empty prefix matches any string", AWS("content_prefix_empty"), { source: [{ prefix: "" }] }, { source: "test-source" }, true],
  ["prefix only matches strings", README("Prefix matching"), { n: [{ prefix: "1" }] }, { n: 12 }, false],
  ["prefix ignoring case", README("Prefix equals-ignore-case matching"), { source: [{ prefix: { "equals-ignore-case": "EC2" } }] }, { source: "ec2.amazonaws" }, true],
  ["prefix ignoring case, mixed case", AWS("content_prefix_ignorecase"), { detail: { service: [{ prefix: { "equals-ignore-case": "EventB" } }] } }, detail({ service: "EvEnTb" }), true],
  ["suffix", README("Suffix matching"), { source: [{ suffix: "ec2" }] }, README_EVENT, true],
  ["suffix is case-sensitive", AWS("content_suffix_NEG"), { FileName: [{ suffix: ".PNG" }] }, { FileName: "image.png" }, false],
  ["an empty suffix matches any string", AWS("content_suffix_empty"), { source: [{ suffix: "" }] }, { source: "test-source" }, true],
  ["suffix ignoring case", AWS("content_suffix_ignorecase"), { detail: { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] } }, detail({ FileName: "image.PNG" }), true],
  ["suffix ignoring case that differs", AWS("content_suffix_ignorecase_NEG"), { detail: { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] } }, detail({ FileName: "image.jpg" }), false],
  ["equals-ignore-case", README("Equals-ignore-case matching"), { source: [{ "equals-ignore-case": "EC2" }] }, { source: "ec2" }, true],
  ["equals-ignore-case is still whole-value", RULER_TEST("RulerTest.WHEN_WeTryEqualsIgnoreCaseRules_THEN_TheyWork"), { b: [{ "equals-ignore-case": "Def" }] }, { b: "defx" }, false],
  ["equals-ignore-case of the empty string", AWS("content_ignorecase_empty"), { detail: { value: [{ "equals-ignore-case": "" }] } }, detail({ value: "" }), true],
  ["equals-ignore-case of the empty string, non-empty value", AWS("content_ignorecase_empty_NEG"), { detail: { value: [{ "equals-ignore-case": "" }] } }, detail({ value: "test-value" }), false],
  ["equals-ignore-case against an array element", AWS("content_ignorecase"), { "detail-type": [{ "equals-ignore-case": "ec2 instance state-change notification" }] }, { "detail-type": ["EC2 Instance State-change Notification"] }, true],
  ["equals-ignore-case only matches strings", README("Equals-ignore-case matching"), { v: [{ "equals-ignore-case": "true" }] }, { v: true }, false],

  // Wildcard.
  ["wildcard", README("Wildcard matching"), { source: [{ wildcard: "Simple*Service" }] }, { source: "SimpleQueueService" }, true],
  ["wildcard star matches nothing too", RULER_TEST("RulerTest.WHEN_WeTryWildcardRules_THEN_TheyWork"), { c: [{ wildcard: "xy*" }] }, { c: "xy" }, true],
  ["wildcard with a leading star over a repeated ending", RULER_TEST("RulerTest.WHEN_WeTryWildcardRules_THEN_TheyWork"), { a: [{ wildcard: "*bc" }] }, { a: "abcbc" }, true],
  ["wildcard with several stars", README("Wildcard matching"), { v: [{ wildcard: "a*b*a" }] }, { v: "aba" }, true],
  ["wildcard with several stars, too short", README("Wildcard matching"), { v: [{ wildcard: "ab*ba" }] }, { v: "aba" }, false],
  ["wildcard must match the whole value", RULER_TEST("RulerTest.WHEN_WeTryWildcardRules_THEN_TheyWork"), { b: [{ wildcard: "d*f" }] }, { b: "deeeefx" }, false],
  ["wildcard across path separators", AWS("content_wildcard_nonrepeating"), { FileName: [{ wildcard: "/Users/*/doc.txt" }] }, { FileName: "/Users/ls_user/dir/dir/dir/dir/dir/doc.txt" }, true],
  ["wildcard that differs", AWS("content_wildcard_nonrepeating_NEG"), { FileName: [{ wildcard: "/Users/*/doc.txt" }] }, { FileName: "/Users/ls_user/dir/notmatchingdoc.txt" }, false],
  ["wildcard with repeated text after the star", AWS("content_wildcard_repeating"), { FileName: [{ wildcard: "/Users/*/dir/dir/dir/dir/dir/doc.txt" }] }, { FileName: "/Users/ls_user/dir/dir/dir/dir/dir/doc.txt" }, true],
  ["wildcard ARN", AWS("content_wildcard_simplified"), { EventBusArn: [{ wildcard: "arn:aws:events:us-east-1:*:event-bus/*" }] }, { EventBusArn: "arn:aws:events:us-east-1:123456789012:event-bus/myEventBus" }, true],
  ["an empty wildcard matches only the empty string", AWS("content_wildcard_empty_NEG"), { EventBusArn: [{ wildcard: "" }] }, { EventBusArn: "arn:aws:events:us-east-1:123456789012:event-bus/myEventBus" }, false],
  ["an escaped star is a literal star", README("Wildcard matching"), { v: [{ wildcard: "a\\*b" }] }, { v: "a*b" }, true],
  ["an escaped star is not a wildcard", README("Wildcard matching"), { v: [{ wildcard: "a\\*b" }] }, { v: "axxb" }, false],
  ["an escaped backslash is a literal backslash", README("Wildcard matching"), { v: [{ wildcard: "a\\\\*" }] }, { v: "a\\bc" }, true],
  ["wildcard only matches strings", README("Wildcard matching"), { v: [{ wildcard: "*" }] }, { v: 5 }, false],

  // Anything-but, every form, against every type.
  ["anything-but a string", README("Anything-but matching"), { detail: { state: [{ "anything-but": "initializing" }] } }, README_EVENT, true],
  ["anything-but the value itself", AWS("content_anything_but_string_NEG"), { detail: { state: [{ "anything-but": "initializing" }] } }, detail({ state: "initializing" }), false],
  ["anything-but a string matches null", AWS("content_anything_but_string_null"), { detail: { state: [{ "anything-but": "initializing" }] } }, detail({ state: null }), true],
  ["anything-but a string matches a number", RULER_SOURCE("ByteMachine: an anything-but matches unless the value proves otherwise"), { c: [{ "anything-but": "5" }] }, { c: 5 }, true],
  ["anything-but a string matches true", RULER_SOURCE("ByteMachine: an anything-but matches unless the value proves otherwise"), { c: [{ "anything-but": "true" }] }, { c: true }, true],
  ["anything-but does not match a missing field", AWS("content_anything_but_string_missing_NEG"), { detail: { state: [{ "anything-but": "initializing" }] } }, detail({}), false],
  ["anything-but a number", README("Anything-but matching"), { detail: { "x-limit": [{ "anything-but": 123 }] } }, README_EVENT, true],
  ["anything-but the number itself", AWS("content_anything_but_number_NEG"), { detail: { "x-limit": [{ "anything-but": 123 }] } }, detail({ "x-limit": 123 }), false],
  ["anything-but zero", AWS("content_anything_but_number_zero"), { detail: { "x-limit": [{ "anything-but": 0 }] } }, detail({ "x-limit": 789 }), true],
  ["anything-but numbers matches the number's string", RULER_TEST("RulerTest.WHEN_WeTryAnythingButRules_THEN_Theywork"), { b: [{ "anything-but": [111, 222, 333] }] }, { b: "111" }, true],
  ["anything-but numbers matches null", RULER_SOURCE("ByteMachine: a numeric anything-but only excludes numbers"), { b: [{ "anything-but": [111, 222, 333] }] }, { b: null }, true],
  ["anything-but a list of strings", AWS("content_anything_but_string_list"), { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } }, detail({ state: "pending" }), true],
  ["anything-but a list of strings, one of them", AWS("content_anything_but_string_list_NEG"), { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } }, detail({ state: "stopped" }), false],
  ["anything-but a list of strings matches null", AWS("content_anything_but_string_list_null"), { detail: { state: [{ "anything-but": ["stopped", "running"] }] } }, detail({ state: null }), true],
  ["anything-but a list of numbers", AWS("content_anything_but_number_list"), { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } }, detail({ "x-limit": 999 }), true],
  ["anything-but a list of numbers, one of them", AWS("content_anything_but_number_list_NEG"), { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } }, detail({ "x-limit": 100 }), false],
  ["anything-but prefix", AWS("content_anything_prefix"), { detail: { state: [{ "anything-but": { prefix: "init" } }] } }, detail({ state: "post-init" }), true],
  ["anything-but prefix it has", AWS("content_anything_prefix_NEG"), { detail: { state: [{ "anything-but": { prefix: "init" } }] } }, detail({ state: "init-prefix" }), false],
  ["anything-but prefix matches a number", AWS("content_anything_prefix_int_value"), { detail: { state: [{ "anything-but": { prefix: "init" } }] } }, detail({ state: 12 }), true],
  ["anything-but prefix matches null", AWS("content_anything_prefix_null"), { detail: { state: [{ "anything-but": { prefix: "init" } }] } }, detail({ state: null }), true],
  ["anything-but prefix, missing field", AWS("content_anything_prefix_missing_NEG"), { detail: { state: [{ "anything-but": { prefix: "init" } }] } }, detail({}), false],
  ["anything-but prefix list", README("Anything-but matching"), { detail: { state: [{ "anything-but": { prefix: ["init", "error"] } }] } }, README_EVENT, true],
  ["anything-but prefix list, one of them", AWS("content_anything_prefix_list_NEG"), { detail: { state: [{ "anything-but": { prefix: ["init", "post"] } }] } }, detail({ state: "post-init" }), false],
  ["anything-but prefix list matches a number", AWS("content_anything_prefix_list_int"), { detail: { state: [{ "anything-but": { prefix: ["init", "test"] } }] } }, detail({ state: 12 }), true],
  ["anything-but prefix list matches null", AWS("content_anything_prefix_list_null"), { detail: { state: [{ "anything-but": { prefix: ["init", "test"] } }] } }, detail({ state: null }), true],
  ["anything-but suffix", AWS("content_anything_suffix"), { detail: { FileName: [{ "anything-but": { suffix: ".txt" } }] } }, detail({ FileName: "file.txt.bak" }), true],
  ["anything-but suffix it has", AWS("content_anything_suffix_NEG"), { detail: { FileName: [{ "anything-but": { suffix: ".txt" } }] } }, detail({ FileName: "file.txt" }), false],
  ["anything-but suffix matches null", AWS("content_anything_suffix_null"), { detail: { FileName: [{ "anything-but": { suffix: ".txt" } }] } }, detail({ FileName: null }), true],
  ["anything-but suffix list", README("Anything-but matching"), { detail: { "instance-id": [{ "anything-but": { suffix: ["1234", "6789"] } }] } }, README_EVENT, true],
  ["anything-but suffix list, one of them", AWS("content_anything_suffix_list_NEG"), { detail: { FileName: [{ "anything-but": { suffix: [".txt", ".jpg"] } }] } }, detail({ FileName: "file.jpg" }), false],
  ["anything-but suffix list matches null", AWS("content_anything_suffix_list_null"), { detail: { FileName: [{ "anything-but": { suffix: [".txt", ".jpg"] } }] } }, detail({ FileName: null }), true],
  ["anything-but suffix list, missing field", AWS("content_anything_suffix_list_missing_NEG"), { detail: { FileName: [{ "anything-but": { suffix: [".txt", ".jpg"] } }] } }, detail({}), false],
  ["anything-but ignoring case", AWS("content_anything_but_ignorecase"), { detail: { state: [{ "anything-but": { "equals-ignore-case": "initializing" } }] } }, detail({ state: "pending" }), true],
  ["anything-but ignoring case, other casing", AWS("content_anything_but_ignorecase_NEG"), { detail: { state: [{ "anything-but": { "equals-ignore-case": "initializing" } }] } }, detail({ state: "INITIALIZING" }), false],
  ["anything-but ignoring case matches null", AWS("content_anything_but_ignorecase_null"), { detail: { state: [{ "anything-but": { "equals-ignore-case": "initializing" } }] } }, detail({ state: null }), true],
  ["anything-but ignoring case list", AWS("content_anything_but_ignorecase_list"), { detail: { state: [{ "anything-but": { "equals-ignore-case": ["initializing", "stopped"] } }] } }, detail({ state: "pending" }), true],
  ["anything-but ignoring case list, one of them", AWS("content_anything_but_ignorecase_list_NEG"), { detail: { state: [{ "anything-but": { "equals-ignore-case": ["initializing", "stopped"] } }] } }, detail({ state: "Stopped" }), false],
  ["anything-but ignoring case list matches null", AWS("content_anything_but_ignorecase_list_null"), { detail: { state: [{ "anything-but": { "equals-ignore-case": ["initializing", "stopped"] } }] } }, detail({ state: null }), true],
  ["anything-but ignoring case list, missing field", AWS("content_anything_but_ignorecase_list_missing_NEG"), { detail: { state: [{ "anything-but": { "equals-ignore-case": ["initializing", "stopped"] } }] } }, detail({}), false],
  ["anything-but wildcard", AWS("content_anything_wildcard"), { detail: { FilePath: [{ "anything-but": { wildcard: "*/dir/*" } }] } }, detail({ FilePath: "dir/init/file" }), true],
  ["anything-but wildcard it matches", AWS("content_anything_wildcard_NEG"), { detail: { FilePath: [{ "anything-but": { wildcard: "*/init/*" } }] } }, detail({ FilePath: "dir/init/file" }), false],
  ["anything-but an empty wildcard", AWS("content_anything_wildcard_empty"), { detail: { FilePath: [{ "anything-but": { wildcard: "" } }] } }, detail({ FilePath: "dir/init/file" }), true],
  ["anything-but wildcard matches a number", AWS("content_anything_wildcard_int"), { detail: { FilePath: [{ "anything-but": { wildcard: "*/dir/*" } }] } }, detail({ FilePath: 123 }), true],
  ["anything-but wildcard matches null", AWS("content_anything_wildcard_null"), { detail: { FilePath: [{ "anything-but": { wildcard: "*/dir/*" } }] } }, detail({ FilePath: null }), true],
  ["anything-but wildcard list", AWS("content_anything_wildcard_list"), { detail: { state: [{ "anything-but": { wildcard: ["*/init/*", "*/dir/*"] } }] } }, detail({ state: "dir/post/dir" }), true],
  ["anything-but wildcard list, one of them", AWS("content_anything_wildcard_list_NEG"), { detail: { state: [{ "anything-but": { wildcard: ["*/init/*", "*/dir/*"] } }] } }, detail({ state: "dir/init/dir" }), false],
  ["anything-but wildcard list matches null", AWS("content_anything_wildcard_list_null"), { detail: { state: [{ "anything-but": { wildcard: ["*/init/*", "*/dir/*"] } }] } }, detail({ state: null }), true],
  ["anything-but wildcard list, missing field", AWS("content_anything_wildcard_list_missing_NEG"), { detail: { state: [{ "anything-but": { wildcard: ["*/init/*", "*/dir/*"] } }] } }, detail({}), false],
  ["anything-but against an array: any element not excluded", UG.arrays, { tags: [{ "anything-but": "prod" }] }, { tags: ["prod", "blue"] }, true],
  ["anything-but against an array: every element excluded", UG.arrays, { tags: [{ "anything-but": ["prod", "blue"] }] }, { tags: ["prod", "blue"] }, false],
  ["anything-but of a number or a numeric range", AWS("or-numeric-anything-but"), { dynamodb: { NewImage: { numericFilter: { N: [{ numeric: [">", 100] }, { "anything-but": "101" }] } } } }, { dynamodb: { NewImage: { numericFilter: { N: "42" } } } }, true],
  ["anything-but of a number or a numeric range, excluded string", AWS("or-numeric-anything-but_NEG"), { dynamodb: { NewImage: { numericFilter: { N: [{ numeric: [">", 100] }, { "anything-but": "101" }] } } } }, { dynamodb: { NewImage: { numericFilter: { N: "101" } } } }, false],

  // Numeric.
  ["readme: numeric matching", README("Numeric matching"), { detail: { "c-count": [{ numeric: [">", 0, "<=", 5] }], "d-count": [{ numeric: ["<", 10] }], "x-limit": [{ numeric: ["=", 3.018e2] }] } }, README_EVENT, true],
  ["numeric, one bound out of three fails", AWS("content_numeric_and_NEG"), { detail: { "c-count": [{ numeric: [">", 0, "<=", 5] }], "d-count": [{ numeric: ["<", 10] }] } }, detail({ "c-count": 42, "d-count": 9 }), false],
  ["numeric > is open", RULER_TEST("RulerTest.WHEN_WeWriteRulesToMatchVariousFieldCombos_THEN_TheyWork"), { Image: { Thumbnail: { Height: [{ numeric: [">", 124, "<", 125] }] } } }, { Image: { Thumbnail: { Height: 125 } } }, false],
  ["numeric >= and <= are closed", RULER_TEST("RulerTest.WHEN_WeWriteRulesToMatchVariousFieldCombos_THEN_TheyWork"), { Image: { Thumbnail: { Width: [{ numeric: [">=", 99.999, "<=", 100] }] } } }, { Image: { Thumbnail: { Width: 100 } } }, true],
  ["numeric lower bound just above the value", RULER_TEST("RulerTest.WHEN_WeWriteRulesToMatchVariousFieldCombos_THEN_TheyWork"), { Image: { Thumbnail: { Width: [{ numeric: [">=", 100.00001, "<=", 1001] }] } } }, { Image: { Thumbnail: { Width: 100 } } }, false],
  ["numeric < is open", RULER_TEST("RulerTest.WHEN_WeWriteRulesToMatchVariousFieldCombos_THEN_TheyWork"), { Image: { Width: [{ numeric: ["<", 800] }] } }, { Image: { Width: 800 } }, false],
  ["numeric on a number as an int", AWS("numeric-int-float"), { number: [{ numeric: [">", 100] }] }, { number: 101 }, true],
  ["numeric does not match null", AWS("numeric-null_NEG"), { number: [{ numeric: [">", 100] }] }, { number: null }, false],
  ["numeric does not match a string of digits", AWS("numeric-string_NEG"), { number: [{ numeric: [">", 100] }] }, { number: "300" }, false],
  ["numeric beyond the old ±5e9 limit (full double range)", README("Numeric matching"), { n: [{ numeric: [">", 5e9] }] }, { n: 1.5e300 }, true],
  ["numeric with negative values", README("Numeric matching"), { n: [{ numeric: [">=", -122.5, "<", -0.000002] }] }, { n: -122.413496 }, true],
  ["numeric against an array: any element in range", UG.arrays, { n: [{ numeric: [">", 10] }] }, { n: [1, 2, 30] }, true],

  // IP addresses.
  ["cidr IPv4", README("IP Address Matching"), { detail: { "source-ip": [{ cidr: "10.0.0.0/24" }] } }, README_EVENT, true],
  ["cidr IPv4, last address of the block", AWS("content_ip_address"), { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } }, detail({ sourceIPAddress: "10.0.0.255" }), true],
  ["cidr IPv4, not an address", AWS("content_ip_address_NEG"), { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } }, detail({ sourceIPAddress: "10.0.0.256" }), false],
  ["cidr IPv4, outside the block", README("IP Address Matching"), { detail: { "source-ip": [{ cidr: "10.0.1.0/24" }] } }, README_EVENT, false],
  ["cidr IPv4, base address not at the block's start", RULER_TEST("CIDRTest.TestCorrectRanges"), { ip: [{ cidr: "54.240.196.171/24" }] }, { ip: "54.240.196.0" }, true],
  ["cidr does not match a number", AWS("content_ip_address_bad_type_NEG"), { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } }, detail({ sourceIPAddress: 123 }), false],
  ["cidr IPv6, full notation", AWS("content_ip_address_v6"), { detail: { sourceIPAddress: [{ cidr: "2001:db8:1234:1a00::/64" }] } }, detail({ sourceIPAddress: "2001:0db8:1234:1a00:0000:0000:0000:0000" }), true],
  ["cidr IPv6, outside the block", AWS("content_ip_address_v6_NEG"), { detail: { sourceIPAddress: [{ cidr: "2001:db8:1234:1a00::/64" }] } }, detail({ sourceIPAddress: "2001:0db8:123f:1a01:0000:0000:0000:0000" }), false],
  ["cidr IPv6, compressed notation", RULER_TEST("CIDRTest.TestCorrectRanges"), { ip: [{ cidr: "2400:6500:FF00::36FB:1F80/122" }] }, { ip: "2400:6500:ff00::36fb:1fbf" }, true],
  ["cidr IPv6, just past the block", RULER_TEST("CIDRTest.TestCorrectRanges"), { ip: [{ cidr: "2400:6500:FF00::36FB:1F80/122" }] }, { ip: "2400:6500:ff00::36fb:1fc0" }, false],
  ["cidr IPv4 does not match an IPv6 address", README("IP Address Matching"), { ip: [{ cidr: "10.0.0.0/8" }] }, { ip: "::1" }, false],
  ["an address as a value matches it in another notation", RULER_SOURCE("JsonRuleCompiler.writeRules turns a string that is an address into CIDR.ipToRangeIfPossible"), { ip: ["2001:db8::ff00:42:8329"] }, { ip: "2001:0DB8:0000:0000:0000:ff00:0042:8329" }, true],
  ["an address as a value does not match its neighbour", RULER_TEST("CIDRTest.TestCorrectRangesForSingleIpAddress"), { ip: ["255.255.255.26"] }, { ip: "255.255.255.27" }, false],

  // Exists.
  ["exists true", README("Exists matching"), { detail: { "c-count": [{ exists: true }] } }, README_EVENT, true],
  ["exists false on a missing field", README("Exists matching"), { detail: { "c-count": [{ exists: false }] } }, detail({ state: "running" }), true],
  ["exists false on a present field", RULER_TEST("RulerTest.WHEN_WeTryToMatchExistsRules_THEN_TheyWork"), { b: [{ exists: false }] }, { b: 2 }, false],
  ["exists true on a missing field", RULER_TEST("RulerTest.WHEN_WeTryToMatchExistsRules_THEN_TheyWork"), { x: [{ exists: true }] }, { a: 1 }, false],
  ["exists true on null", RULER_SOURCE("Event: null is a field value; ByteMachine: exists matches any value"), { v: [{ exists: true }] }, { v: null }, true],
  ["exists false on an intermediate node (not a leaf)", README("Exists matching"), { detail: { "c-count": [{ exists: false }] } }, detail({ state: "running", "c-count": { c1: 100 } }), true],
  ["exists true on an intermediate node (not a leaf)", UG.content, { detail: { state: [{ exists: true }] } }, detail({ state: { inner: "x" } }), false],
  ["exists true, only another field is an object", AWS("content_exists_NEG"), { detail: { state: [{ exists: true }] } }, detail({ "c-count": { c1: 100 } }), false],
  ["exists true on a nested object", AWS("exists_dynamodb_NEG"), { dynamodb: { presentKey: [{ exists: true }] } }, { dynamodb: { presentKey: { S: "test123" } } }, false],
  ["exists true on its leaf", AWS("exists_dynamodb"), { dynamodb: { presentKey: { S: [{ exists: true }] } } }, { dynamodb: { presentKey: { S: "test123" } } }, true],
  ["exists true on an empty array", AWS("exists_list_empty_NEG"), { resources: [{ exists: true }] }, { resources: [] }, false],
  ["exists false on an empty array", RULER_SOURCE("Event: an empty array adds no field"), { resources: [{ exists: false }] }, { resources: [] }, true],
  ["exists false under a missing parent", AWS("content_exists_false"), { detail: { level1: { "level2:": { level3: { level4: [{ exists: false }] } } } } }, detail({ level1: { level2: "l2 value" } }), true],
  ["exists false deep, present", AWS("content_exists_false_NEG"), { detail: { level1: { level2: { level3: { level4: [{ exists: false }] } } } } }, detail({ level1: { level2: { level3: { level4: "l4 value" } } } }), false],
  ["exists true with other conditions in the list", AWS("operator_multiple_list"), { my_key: [{ exists: true }, { prefix: "IGNORED" }, { suffix: "IGNORED" }] }, { my_key: "my-value" }, true],
  ["anything-but or exists false, field present", AWS("or-anything-but"), { dynamodb: { NewImage: { homemade: { S: [{ "anything-but": ["roses"] }, { exists: false }] } } } }, { dynamodb: { NewImage: { homemade: { S: "ABCD", N: "1234" } } } }, true],
  ["anything-but or exists false, leaf missing", AWS("or-exists"), { dynamodb: { NewImage: { homemade: { S: [{ "anything-but": ["roses"] }, { exists: false }] } } } }, { dynamodb: { NewImage: { homemade: { N: "789" } } } }, true],
  ["anything-but or exists false, parent missing", AWS("or-exists-parent"), { dynamodb: { NewImage: { homemade: { S: [{ "anything-but": ["roses"] }, { exists: false }] } } } }, { dynamodb: { NewImage: { purchased: { N: "789" } } } }, true],
  ["anything-but or exists false, excluded value", AWS("or-anything-but"), { dynamodb: { NewImage: { homemade: { S: [{ "anything-but": ["roses"] }, { exists: false }] } } } }, { dynamodb: { NewImage: { homemade: { S: "roses" } } } }, false],

  // $or.
  ["$or: one branch", README("The \"$or\" Primitive"), { source: ["aws.cloudwatch"], $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }, { namespace: ["AWS/EC2", "AWS/ES"] }] }, { source: "aws.cloudwatch", namespace: "AWS/ES" }, true],
  ["$or: no branch", README("The \"$or\" Primitive"), { source: ["aws.cloudwatch"], $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }, { namespace: ["AWS/EC2", "AWS/ES"] }] }, { source: "aws.cloudwatch", namespace: "AWS/S3" }, false],
  ["$or: the fields outside still apply", README("The \"$or\" Primitive"), { source: ["aws.cloudwatch"], $or: [{ metricName: ["CPUUtilization"] }, { namespace: ["AWS/EC2"] }] }, { source: "aws.s3", namespace: "AWS/EC2" }, false],
  ["$or: parallel, inside a nested object", README("The \"$or\" Primitive"), { $or: [{ metricName: ["CPUUtilization"] }, { namespace: ["AWS/EC2"] }], detail: { $or: [{ source: ["aws.cloudwatch"] }, { "detail-type": ["CloudWatch Alarm State Change"] }] } }, { namespace: "AWS/EC2", detail: { "detail-type": "CloudWatch Alarm State Change" } }, true],
  ["$or: nested $or with an AND inside", README("The \"$or\" Primitive"), { source: ["aws.cloudwatch"], $or: [{ metricName: ["CPUUtilization"] }, { metricType: ["MetricType"], namespace: ["AWS/EC2"], $or: [{ metricId: [1234] }, { spaceId: [1000] }] }, { scope: ["Service"] }] }, { source: "aws.cloudwatch", metricType: "MetricType", namespace: "AWS/EC2", spaceId: 1000 }, true],
  ["$or: nested $or, AND fails", README("The \"$or\" Primitive"), { source: ["aws.cloudwatch"], $or: [{ metricName: ["CPUUtilization"] }, { metricType: ["MetricType"], namespace: ["AWS/EC2"], $or: [{ metricId: [1234] }, { spaceId: [1000] }] }, { scope: ["Service"] }] }, { source: "aws.cloudwatch", metricType: "MetricType", namespace: "AWS/ES", spaceId: 1000 }, false],
  ["$or of numeric ranges", AWS("complex_or"), { detail: { $or: [{ "c-count": [{ numeric: [">", 0, "<=", 5] }] }, { "d-count": [{ numeric: ["<", 10] }] }, { "x-limit": [{ numeric: ["=", 301.8] }] }] } }, detail({ "c-count": 0, "d-count": 0, "x-limit": 901.8 }), true],
  ["$or of numeric ranges, none", AWS("complex_or_NEG"), { detail: { $or: [{ "c-count": [{ numeric: [">", 0, "<=", 5] }] }, { "d-count": [{ numeric: ["<", 10] }] }, { "x-limit": [{ numeric: ["=", 301.8] }] }] } }, detail({ "c-count": 0, "d-count": 10, "x-limit": 901.8 }), false],
  ["$or as an object is a plain field name", README("The backward compatibility of using \"$or\" as field name in the rule"), { source: ["aws.cloudwatch"], $or: { metricType: ["MetricType"], namespace: ["AWS/EC2", "AWS/ES"] } }, { source: "aws.cloudwatch", $or: { metricType: "MetricType", namespace: "AWS/ES" } }, true],

  // Combined.
  ["readme: complex example", README("Complex example"), { time: [{ prefix: "2017-10-02" }], detail: { state: [{ "anything-but": "initializing" }], "c-count": [{ numeric: [">", 0, "<=", 5] }], "d-count": [{ numeric: ["<", 10] }], "x-limit": [{ "anything-but": [100, 200, 300] }], "source-ip": [{ cidr: "10.0.0.0/8" }] } }, README_EVENT, true],
  ["complex example with one excluded number", AWS("complex_multi_match_NEG"), { detail: { state: [{ "anything-but": "initializing" }], "x-limit": [{ "anything-but": [100, 200, 300] }] } }, detail({ state: "processing", "x-limit": 300 }), false],
  ["many conditions at once", AWS("complex_many_rules"), { source: [{ exists: true }], "detail-type": [{ prefix: "core.app" }], detail: { amount: [200], salary: [2000, 4000], admins: ["skyli", { prefix: "hey" }, { prefix: "ad" }], test1: [{ "anything-but": 200 }], test3: [{ "anything-but": ["test3", "test33"] }], test4: [{ "anything-but": { prefix: "test4" } }], "num-test5": [{ numeric: [">=", 200, "<=", 500] }], "num-test6": [{ numeric: [">", 200, "<", 500] }] } }, { source: "core.update-account-command", "detail-type": "core.app.backend", detail: { amount: 200, salary: 2000, admins: "admin", test1: 300, test3: "test333", test4: "this test4", "num-test5": 500, "num-test6": 300 } }, true],
  ["a key given twice: the last one counts", UG.content, JSON.parse('{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}'), detail({ location: "eu-west" }), true],
];

describe("event pattern matching, against the references", () => {
  test.each(cases)("%s (%s)", (_name, _source, pattern, event, expected) => {
    expect(matches(compileEventPattern(pattern), event)).toBe(expected);
  });

  test("the JSON text of a pattern compiles as its parsed object does", () => {
    // UG.create: a pattern is JSON; the key given twice keeps its last value (UG.content, "Complex example").
    const text = '{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}';
    expect(matches(compileEventPattern(text), detail({ location: "us-east" }))).toBe(false);
    expect(matches(compileEventPattern(text), detail({ location: "eu-west" }))).toBe(true);
  });
});
