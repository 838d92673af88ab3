import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { App, Aspects, IAspect, TerraformStack, Testing } from "cdktf";
import { applyPolicy } from "../../src/policy/enforcement";
import { sqsEncryptedAtRest } from "../../src/policy/rules/sqs-encrypted-at-rest";
import type { IConstruct } from "constructs";

function app() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-reuse-"));
  const application = new App({ outdir });
  const stack = (name: string) => {
    const s = new TerraformStack(application, name);
    new AwsProvider(s, "aws", { region: "us-east-1" });
    new SqsQueue(s, "queue", { name, sqsManagedSseEnabled: true });
    applyPolicy(s, { rules: [sqsEncryptedAtRest], suppressions: [], report: () => undefined });
    return s;
  };
  const written = (name: string) =>
    JSON.parse(fs.readFileSync(path.join(outdir, "stacks", name, "cdk.tf.json"), "utf8"));
  return { app: application, first: stack("orders-a"), second: stack("orders-b"), written };
}

const fresh = (stack: TerraformStack) => JSON.parse(JSON.stringify(stack.toTerraform()));

describe("reusing the checked JSON for the write", () => {
  it("builds each stack's JSON once per synth", () => {
    const { app: application } = app();
    const build = jest.spyOn(TerraformStack.prototype, "toTerraform");
    try {
      application.synth();
      expect(build.mock.contexts.map((s) => (s as TerraformStack).node.id)).toEqual(["orders-a", "orders-b"]);
    } finally {
      build.mockRestore();
    }
  });

  it("writes exactly what the stack synthesizes, and leaves no hand-over behind", () => {
    const { app: application, first, second, written } = app();
    application.synth();
    expect([Object.hasOwn(first, "toTerraform"), Object.hasOwn(second, "toTerraform")]).toEqual([false, false]);
    expect(written("orders-a")).toEqual(fresh(first));
    expect(written("orders-b")).toEqual(fresh(second));
  });

  it("does not hand over the JSON of a stack with Aspects, whose output they may still change", () => {
    const { app: application, second, written } = app();
    const delay: IAspect = {
      visit(node: IConstruct) {
        if (node instanceof SqsQueue) node.addOverride("delay_seconds", 5);
      },
    };
    Aspects.of(second).add(delay);
    application.synth();
    expect(written("orders-b").resource.aws_sqs_queue.queue.delay_seconds).toBe(5);
  });

  it("hands nothing over outside App.synth", () => {
    const { first, second } = app();
    Testing.synth(first, true);
    expect([Object.hasOwn(first, "toTerraform"), Object.hasOwn(second, "toTerraform")]).toEqual([false, false]);
  });
});
