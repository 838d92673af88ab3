import { EventPatternError, matchesEventPattern, matchingPatterns } from "../../../src/local/event-pattern";

const event = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: {
    "instance-id": "i-1234567890abcdef0",
    state: "terminated",
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.123",
    nothing: null,
    empty: "",
    tags: ["blue", "prod"],
    location: { country: "de", city: "Berlin" },
  },
};

describe("matchesEventPattern", () => {
  test.each<[string, Record<string, unknown>, boolean]>([
    ["exact source", { source: ["aws.ec2"] }, true],
    ["any of several values", { source: ["aws.s3", "aws.ec2"] }, true],
    ["exact value that differs", { source: ["aws.s3"] }, false],
    [
      "source and detail-type (AND)",
      { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
      true,
    ],
    ["one field of two differs (AND)", { source: ["aws.ec2"], "detail-type": ["Other"] }, false],
    ["nested field", { detail: { state: ["terminated"] } }, true],
    ["nested field deeper", { detail: { location: { city: ["Berlin"] } } }, true],
    ["nested field deeper differs", { detail: { location: { city: ["Paris"] } } }, false],
    ["number equality", { detail: { "c-count": [5] } }, true],
    ["number is not its string", { detail: { "c-count": ["5"] } }, false],
    ["string is not a number", { detail: { state: [5] } }, false],
    ["null value", { detail: { nothing: [null] } }, true],
    ["null does not match a missing field", { detail: { missing: [null] } }, false],
    ["empty string", { detail: { empty: [""] } }, true],
    ["event array: any element", { detail: { tags: ["prod"] } }, true],
    ["event array: no element", { detail: { tags: ["dev"] } }, false],
    ["prefix", { "detail-type": [{ prefix: "EC2 Instance" }] }, true],
    ["prefix that differs", { "detail-type": [{ prefix: "EC2 instance" }] }, false],
    ["prefix ignoring case", { "detail-type": [{ prefix: { "equals-ignore-case": "ec2 instance" } }] }, true],
    ["suffix", { detail: { "instance-id": [{ suffix: "def0" }] } }, true],
    ["suffix that differs", { detail: { "instance-id": [{ suffix: "def1" }] } }, false],
    ["suffix ignoring case", { detail: { "instance-id": [{ suffix: { "equals-ignore-case": "DEF0" } }] } }, true],
    ["equals-ignore-case", { detail: { state: [{ "equals-ignore-case": "TERMINATED" }] } }, true],
    ["wildcard", { resources: [{ wildcard: "arn:aws:ec2:*:instance/*" }] }, true],
    ["wildcard that differs", { resources: [{ wildcard: "arn:aws:s3:*" }] }, false],
    ["wildcard with escaped star", { detail: { state: [{ wildcard: "term\\*" }] } }, false],
    ["anything-but a value", { detail: { state: [{ "anything-but": "running" }] } }, true],
    ["anything-but the value itself", { detail: { state: [{ "anything-but": "terminated" }] } }, false],
    ["anything-but a list", { detail: { state: [{ "anything-but": ["stopped", "terminated"] }] } }, false],
    ["anything-but a number", { detail: { "c-count": [{ "anything-but": 5 }] } }, false],
    ["anything-but a prefix", { detail: { state: [{ "anything-but": { prefix: "run" } }] } }, true],
    ["anything-but a prefix it has", { detail: { state: [{ "anything-but": { prefix: "term" } }] } }, false],
    ["anything-but a suffix it has", { detail: { state: [{ "anything-but": { suffix: "ated" } }] } }, false],
    [
      "anything-but ignoring case",
      { detail: { state: [{ "anything-but": { "equals-ignore-case": "TERMINATED" } }] } },
      false,
    ],
    ["anything-but a wildcard it matches", { detail: { state: [{ "anything-but": { wildcard: "*min*" } }] } }, false],
    ["anything-but does not match a missing field", { detail: { missing: [{ "anything-but": "x" }] } }, false],
    ["numeric range", { detail: { "x-limit": [{ numeric: [">", 300, "<=", 302] }] } }, true],
    ["numeric range outside", { detail: { "x-limit": [{ numeric: [">", 302] }] } }, false],
    ["numeric equality", { detail: { "c-count": [{ numeric: ["=", 5] }] } }, true],
    ["numeric on a string", { detail: { state: [{ numeric: [">", 0] }] } }, false],
    ["exists true", { detail: { state: [{ exists: true }] } }, true],
    ["exists true on a missing field", { detail: { missing: [{ exists: true }] } }, false],
    ["exists false on a missing field", { detail: { missing: [{ exists: false }] } }, true],
    ["exists false on a present field", { detail: { state: [{ exists: false }] } }, false],
    ["exists true on a nested object (leaves only)", { detail: { location: [{ exists: true }] } }, false],
    ["exists false under a missing parent", { detail: { nowhere: { deeper: [{ exists: false }] } } }, true],
    ["cidr", { detail: { "source-ip": [{ cidr: "10.0.0.0/24" }] } }, true],
    ["cidr outside", { detail: { "source-ip": [{ cidr: "10.0.1.0/24" }] } }, false],
    ["$or, one branch matches", { $or: [{ source: ["aws.s3"] }, { detail: { state: ["terminated"] } }] }, true],
    ["$or, no branch matches", { $or: [{ source: ["aws.s3"] }, { detail: { state: ["running"] } }] }, false],
  ])("%s", (_name, pattern, expected) => {
    expect(matchesEventPattern(pattern, event)).toBe(expected);
  });

  // The reasons are EventBridge's: the messages of aws/event-ruler's JsonRuleCompiler and CIDR (refusals.test.ts cites each).
  test.each<[string, Record<string, unknown>, RegExp]>([
    ["a leaf that is not an array", { source: "aws.ec2" }, /"source" must be an object or an array/],
    ["an empty list", { source: [] }, /Empty arrays are not allowed/],
    ["an unknown operator", { source: [{ startsWith: "aws" }] }, /Unrecognized match type startsWith/],
    ["exists with a string", { source: [{ exists: "yes" }] }, /exists match pattern must be either true or false/],
    [
      "numeric with a bad operator",
      { detail: { n: [{ numeric: ["!=", 1] }] } },
      /Unrecognized numeric range operator: !=/,
    ],
    ["numeric with an odd list", { detail: { n: [{ numeric: [">", 1, "<"] }] } }, /Value of < must be numeric/],
    ["a bad cidr", { detail: { ip: [{ cidr: "10.0.0/99" }] } }, /Nonstandard IP address: 10\.0\.0/],
    ["$or with one branch", { $or: [{ source: ["a"] }] }, /There must have at least 2 Objects in \$or relationship/],
    [
      "anything-but with an object value",
      { source: [{ "anything-but": { exists: true } }] },
      /Unsupported anything-but pattern: exists/,
    ],
    // EventBridge refuses an empty pattern (event-ruler's JsonRuleCompiler: "Empty objects are not allowed").
    ["an empty pattern", {}, /Empty objects are not allowed/],
  ])("refuses a malformed pattern: %s", (_name, pattern, message) => {
    expect(() => matchesEventPattern(pattern, event)).toThrow(EventPatternError);
    expect(() => matchesEventPattern(pattern, event)).toThrow(message);
  });

  test("matchingPatterns names every pattern an event matches", () => {
    const patterns = {
      ec2: { source: ["aws.ec2"] },
      terminated: { detail: { state: ["terminated"] } },
      s3: { source: ["aws.s3"] },
    };
    expect(matchingPatterns(patterns, event)).toEqual(["ec2", "terminated"]);
  });
});
