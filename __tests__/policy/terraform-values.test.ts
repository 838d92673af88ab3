import { Unresolved, resolveWithDefaults, withoutInterpolations } from "../../src/policy/terraform-values";
import { parseReference } from "../../src/terraform/stack-document";

describe("parseReference", () => {
  it("reads a resource reference and the text after it", () => {
    expect(parseReference("${aws_cloudwatch_log_group.order-service_logs_AD3342F4.arn}:*")).toEqual({
      type: "aws_cloudwatch_log_group",
      name: "order-service_logs_AD3342F4",
      attribute: "arn",
      suffix: ":*",
    });
    expect(parseReference("${data.archive_file.zip.output_path}")).toMatchObject({
      type: "data.archive_file",
      name: "zip",
    });
  });

  it("is undefined for variables, literals, expressions and several interpolations", () => {
    expect(parseReference("${var.project_name}")).toBeUndefined();
    expect(parseReference("arn:aws:s3:::bucket")).toBeUndefined();
    expect(parseReference("${aws_s3_bucket.a.arn}/${aws_s3_bucket.b.id}")).toBeUndefined();
    expect(parseReference("prefix-${aws_s3_bucket.a.arn}")).toBeUndefined();
  });
});

describe("withoutInterpolations", () => {
  it("replaces each interpolation, nested braces included, and keeps the literal text", () => {
    expect(withoutInterpolations("${aws_sqs_queue.q.arn}:*")).toBe("REF:*");
    expect(withoutInterpolations('arn:aws:s3:::${lookup({a = "b"}, "a")}/*')).toBe("arn:aws:s3:::REF/*");
    expect(withoutInterpolations("*")).toBe("*");
  });
});

describe("resolveWithDefaults", () => {
  const defaults = new Map<string, unknown>([
    ["xray_tracing_enabled", true],
    ["log_retention_days", 7],
    ["off", false],
  ]);

  it("gives a variable its default and picks a conditional's branch", () => {
    expect(resolveWithDefaults("${var.log_retention_days}", defaults)).toBe(7);
    expect(resolveWithDefaults('${var.xray_tracing_enabled ? "Active" : "PassThrough"}', defaults)).toBe("Active");
    expect(resolveWithDefaults('${var.off ? "Active" : "PassThrough"}', defaults)).toBe("PassThrough");
    expect(resolveWithDefaults("${var.off ? 1 : null}", defaults)).toBeNull();
  });

  it("keeps literals and resource references as written", () => {
    expect(resolveWithDefaults(true, defaults)).toBe(true);
    expect(resolveWithDefaults("Active", defaults)).toBe("Active");
    expect(resolveWithDefaults("${aws_kms_key.k.arn}", defaults)).toBe("${aws_kms_key.k.arn}");
  });

  it("reports what it cannot evaluate", () => {
    expect(resolveWithDefaults("${var.missing}", defaults)).toEqual(new Unresolved("${var.missing}"));
    expect(resolveWithDefaults("${(var.dynamodb_read_capacity < 1) ? null : 5}", defaults)).toBeInstanceOf(Unresolved);
  });
});
