/**
 * Condition operators against the IAM User Guide's own examples. Each case names its page:
 *   [ops]   "IAM JSON policy elements: Condition operators" (reference_policies_elements_condition_operators)
 *   [multi] "Conditions with multiple context keys or values" (reference_policies_condition-logic-multiple-context-keys-or-values)
 *   [set]   "Set operators for multivalued context keys" (reference_policies_condition-single-vs-multi-valued-context-keys)
 */
import { conditionHolds, parseOperator } from "../../../../src/local/runtime/iam/conditions";
import type { ContextValue } from "../../../../src/local/runtime/iam/policy";

const ctx = (entries: Record<string, ContextValue> = {}) =>
  new Map(Object.entries(entries).map(([k, v]) => [k.toLowerCase(), v]));
const holds = (
  operator: string,
  key: string,
  values: string | string[],
  context: Record<string, ContextValue> = {},
  variables = true,
) => conditionHolds({ operator, key, values: typeof values === "string" ? [values] : values }, ctx(context), variables);

describe("string operators [ops]", () => {
  // [ops] "StringEquals": { "aws:PrincipalTag/job-category": "iamuser-admin" }
  test.each([
    [{ "aws:PrincipalTag/job-category": "iamuser-admin" }, true],
    [{ "aws:PrincipalTag/job-category": "dev-ops" }, false],
    [{}, false], // "If the key ... is not present in the request context, the values do not match"
  ])("StringEquals aws:PrincipalTag/job-category iamuser-admin with %j: %s", (context, expected) => {
    expect(holds("StringEquals", "aws:PrincipalTag/job-category", "iamuser-admin", context)).toBe(expected);
  });

  test("StringEquals is case-sensitive in the value and case-insensitive in the key name", () => {
    expect(
      holds("StringEquals", "AWS:PRINCIPALTAG/job-category", "iamuser-admin", {
        "aws:PrincipalTag/job-category": "iamuser-admin",
      }),
    ).toBe(true);
    expect(
      holds("StringEquals", "aws:PrincipalTag/job-category", "iamuser-admin", {
        "aws:PrincipalTag/job-category": "IAMUser-Admin",
      }),
    ).toBe(false);
    expect(
      holds("StringEqualsIgnoreCase", "aws:PrincipalTag/job-category", "iamuser-admin", {
        "aws:PrincipalTag/job-category": "IAMUser-Admin",
      }),
    ).toBe(true);
  });

  // [ops] "If the policy condition requires that the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition is true."
  test("a negated operator holds when the key is absent", () => {
    expect(holds("StringNotEquals", "aws:PrincipalTag/job-category", "iamuser-admin", {})).toBe(true);
    expect(holds("StringNotLike", "s3:prefix", "home/*", {})).toBe(true);
    expect(holds("ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:123456789012:*", {})).toBe(true);
  });

  // [ops] "StringLike": { "s3:prefix": ["", "home/", "home/${aws:username}/"] }
  test.each([
    ["home/", true],
    ["", true],
    ["home/JohnDoe/", true],
    ["home/Mary/", false],
  ])("StringLike s3:prefix with policy variable ${aws:username}=JohnDoe, prefix %j: %s", (prefix, expected) => {
    expect(
      holds("StringLike", "s3:prefix", ["", "home/", "home/${aws:username}/"], {
        "s3:prefix": prefix,
        "aws:username": "JohnDoe",
      }),
    ).toBe(expected);
  });

  test("StringLike: * runs of characters, ? one character; a variable's value is literal", () => {
    expect(holds("StringLike", "k", "a*c", { k: "abbbc" })).toBe(true);
    expect(holds("StringLike", "k", "a?c", { k: "abbc" })).toBe(false);
    expect(holds("StringLike", "k", "${x}", { k: "anything", x: "*" })).toBe(false);
    expect(holds("StringLike", "k", "${*}", { k: "*" })).toBe(true);
  });

  test("a policy variable with no value makes the value not match, unless it has a default", () => {
    expect(holds("StringEquals", "s3:prefix", "home/${aws:username}/", { "s3:prefix": "home//" })).toBe(false);
    expect(holds("StringEquals", "s3:prefix", "home/${aws:username, 'nobody'}/", { "s3:prefix": "home/nobody/" })).toBe(
      true,
    );
  });
});

describe("numeric, date, Bool, binary, IP and ARN operators [ops]", () => {
  // [ops] "NumericLessThanEquals": { "s3:max-keys": "10" }
  test.each([
    ["10", true],
    ["9", true],
    ["11", false],
  ])("NumericLessThanEquals s3:max-keys 10 with %s: %s", (value, expected) => {
    expect(holds("NumericLessThanEquals", "s3:max-keys", "10", { "s3:max-keys": value })).toBe(expected);
  });

  test("the other numeric operators", () => {
    expect(holds("NumericEquals", "n", "3", { n: "3.0" })).toBe(true);
    expect(holds("NumericNotEquals", "n", "3", { n: "4" })).toBe(true);
    expect(holds("NumericLessThan", "n", "3", { n: "3" })).toBe(false);
    expect(holds("NumericGreaterThan", "n", "3", { n: "4" })).toBe(true);
    expect(holds("NumericGreaterThanEquals", "n", "3", { n: "3" })).toBe(true);
    expect(holds("NumericEquals", "n", "3", { n: "three" })).toBe(false);
  });

  // [ops] "DateGreaterThan": { "aws:TokenIssueTime": "2020-01-01T00:00:01Z" }
  test.each([
    ["2020-01-01T00:00:02Z", true],
    ["2019-12-31T23:59:59Z", false],
    ["1577836802", true], // epoch seconds are dates too
  ])("DateGreaterThan aws:TokenIssueTime 2020-01-01T00:00:01Z with %s: %s", (value, expected) => {
    expect(
      holds("DateGreaterThan", "aws:TokenIssueTime", "2020-01-01T00:00:01Z", { "aws:TokenIssueTime": value }),
    ).toBe(expected);
  });

  test("the other date operators", () => {
    expect(holds("DateEquals", "d", "2020-01-01T00:00:00Z", { d: "1577836800" })).toBe(true);
    expect(holds("DateNotEquals", "d", "2020-01-01T00:00:00Z", { d: "2021-01-01T00:00:00Z" })).toBe(true);
    expect(holds("DateLessThan", "d", "2020-01-01T00:00:00Z", { d: "2019-06-01T00:00:00Z" })).toBe(true);
    expect(holds("DateLessThanEquals", "d", "2020-01-01T00:00:00Z", { d: "2020-01-01T00:00:00Z" })).toBe(true);
    expect(holds("DateGreaterThanEquals", "d", "2020-01-01T00:00:00Z", { d: "2019-01-01T00:00:00Z" })).toBe(false);
  });

  // [ops] "Bool": { "aws:SecureTransport": "false" } denies requests not sent over TLS
  test.each([
    ["false", true],
    ["true", false],
  ])("Bool aws:SecureTransport false with %s: %s", (value, expected) => {
    expect(holds("Bool", "aws:SecureTransport", "false", { "aws:SecureTransport": value })).toBe(expected);
  });

  // [ops] "BinaryEquals": { "key": "QmluYXJ5VmFsdWVJbkJhc2U2NA==" }
  test("BinaryEquals compares the base-64 encoded values", () => {
    expect(holds("BinaryEquals", "key", "QmluYXJ5VmFsdWVJbkJhc2U2NA==", { key: "QmluYXJ5VmFsdWVJbkJhc2U2NA==" })).toBe(
      true,
    );
    expect(holds("BinaryEquals", "key", "QmluYXJ5VmFsdWVJbkJhc2U2NA==", { key: "QmluYXJ5" })).toBe(false);
  });

  // [ops] "IpAddress": { "aws:SourceIp": "203.0.113.0/24" } and an IPv6 range, "2001:DB8:1234:5678::/64"
  test.each([
    ["203.0.113.7", true],
    ["203.0.114.7", false],
    ["2001:db8:1234:5678::1", true],
    ["2001:db8:1234:5679::1", false],
  ])("IpAddress aws:SourceIp [203.0.113.0/24, 2001:DB8:1234:5678::/64] with %s: %s", (ip, expected) => {
    expect(
      holds("IpAddress", "aws:SourceIp", ["203.0.113.0/24", "2001:DB8:1234:5678::/64"], { "aws:SourceIp": ip }),
    ).toBe(expected);
    expect(
      holds("NotIpAddress", "aws:SourceIp", ["203.0.113.0/24", "2001:DB8:1234:5678::/64"], { "aws:SourceIp": ip }),
    ).toBe(!expected);
  });

  // [ops] "ArnEquals": { "aws:SourceArn": "arn:aws:sns:REGION:123456789012:TOPIC-ID" } in a queue policy;
  // "Each of the six colon-delimited components of the ARN is checked separately".
  test("ArnEquals / ArnLike match part by part, wildcards within a part", () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:orders";
    expect(holds("ArnEquals", "aws:SourceArn", topic, { "aws:SourceArn": topic })).toBe(true);
    expect(holds("ArnLike", "aws:SourceArn", "arn:aws:sns:*:123456789012:*", { "aws:SourceArn": topic })).toBe(true);
    expect(holds("ArnLike", "aws:SourceArn", "arn:aws:sns:*:210987654321:*", { "aws:SourceArn": topic })).toBe(false);
    // A wildcard does not run across a colon: "arn:aws:sns:*:orders" has five parts, the ARN six.
    expect(holds("ArnLike", "aws:SourceArn", "arn:aws:sns:*:orders", { "aws:SourceArn": topic })).toBe(false);
    expect(holds("ArnNotEquals", "aws:SourceArn", topic, { "aws:SourceArn": topic })).toBe(false);
  });
});

describe("...IfExists and Null [ops]", () => {
  // [ops] "StringLikeIfExists": { "ec2:InstanceType": ["t1.*", "t2.*", "m3.*"] }: "If the key ... is not present, the condition evaluates to true"
  test.each([
    [{ "ec2:InstanceType": "t2.micro" }, true],
    [{ "ec2:InstanceType": "m5.large" }, false],
    [{}, true],
  ])("StringLikeIfExists ec2:InstanceType with %j: %s", (context, expected) => {
    expect(holds("StringLikeIfExists", "ec2:InstanceType", ["t1.*", "t2.*", "m3.*"], context)).toBe(expected);
  });

  // [ops] "Null": { "aws:TokenIssueTime": "true" } holds when the key is absent (long-term credentials)
  test.each([
    ["true", {}, true],
    ["true", { "aws:TokenIssueTime": "2020-01-01T00:00:00Z" }, false],
    ["false", { "aws:TokenIssueTime": "2020-01-01T00:00:00Z" }, true],
    ["false", {}, false],
  ])("Null aws:TokenIssueTime %s with %j: %s", (value, context, expected) => {
    expect(holds("Null", "aws:TokenIssueTime", value, context)).toBe(expected);
  });
});

describe("several values, several keys, negation [multi]", () => {
  // [multi] "If a single condition operator includes multiple values for a context key, those values are evaluated using a logical OR."
  test("values of one key are ORed", () => {
    expect(
      holds("StringEquals", "aws:PrincipalTag/department", ["finance", "hr", "legal"], {
        "aws:PrincipalTag/department": "hr",
      }),
    ).toBe(true);
  });
  // [multi] "If a single negated matching condition operator includes multiple values for a context key, those values are evaluated using a logical NOR."
  test("values of a negated operator are NORed", () => {
    expect(
      holds("StringNotEquals", "aws:PrincipalTag/department", ["finance", "hr"], {
        "aws:PrincipalTag/department": "hr",
      }),
    ).toBe(false);
    expect(
      holds("StringNotEquals", "aws:PrincipalTag/department", ["finance", "hr"], {
        "aws:PrincipalTag/department": "legal",
      }),
    ).toBe(true);
  });
});

describe("set operators on multivalued keys [set]", () => {
  // [set] "ForAllValues:StringEquals": { "aws:TagKeys": ["environment", "cost-center"] }
  test.each([
    [["environment"], true],
    [["environment", "cost-center"], true],
    [["environment", "dept"], false],
    [[], true], // "ForAllValues ... returns true if there are no keys in the request"
    [undefined, true],
  ])("ForAllValues:StringEquals aws:TagKeys with %j: %s", (tags, expected) => {
    expect(
      holds(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        ["environment", "cost-center"],
        tags === undefined ? {} : { "aws:TagKeys": tags },
      ),
    ).toBe(expected);
  });

  // [set] "ForAnyValue:StringEquals": { "aws:TagKeys": ["environment", "cost-center"] }
  test.each([
    [["environment", "dept"], true],
    [["dept"], false],
    [[], false],
    [undefined, false], // "If the key ... is not present, the condition returns false"
  ])("ForAnyValue:StringEquals aws:TagKeys with %j: %s", (tags, expected) => {
    expect(
      holds(
        "ForAnyValue:StringEquals",
        "aws:TagKeys",
        ["environment", "cost-center"],
        tags === undefined ? {} : { "aws:TagKeys": tags },
      ),
    ).toBe(expected);
  });

  test("ForAllValues with a negated operator: no request value may match any policy value", () => {
    expect(holds("ForAllValues:StringNotLike", "aws:TagKeys", ["secret*"], { "aws:TagKeys": ["env", "team"] })).toBe(
      true,
    );
    expect(
      holds("ForAllValues:StringNotLike", "aws:TagKeys", ["secret*"], { "aws:TagKeys": ["env", "secret-x"] }),
    ).toBe(false);
  });
});

describe("operators IAM knows", () => {
  test.each([
    "StringEquals",
    "ForAnyValue:StringLikeIfExists",
    "ForAllValues:ArnLike",
    "NumericLessThanIfExists",
    "Null",
    "BinaryEquals",
  ])("%s is an operator", (op) => {
    expect(parseOperator(op)).toBeDefined();
  });
  test.each(["StringEqual", "ForSomeValue:StringEquals", "NullIfExists", "Arn"])("%s is not", (op) => {
    expect(parseOperator(op)).toBeUndefined();
  });
});
