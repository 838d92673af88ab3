import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformStack } from "cdktf";
import { buildApp } from "../../src/app";
import { checkStacks } from "../../src/policy/check";
import { PolicyViolationError } from "../../src/policy/report";
import { suppressionLabel } from "../../src/policy/suppression-matching";
import { SUPPRESSIONS } from "../../src/policy/suppressions";
import { STATE_BOOTSTRAP_STACK, pipelineStackName } from "../../src/stacks/synthesis";
import { fixtureBundles } from "../support/synth";
import type { StackDocument } from "../../src/terraform/stack-document";

const bundles = fixtureBundles();

/** Prod names its gateway: these stacks are synthesized, never applied, and no real gateway is configured here. */
const PROD_SIMULATOR_OPT_IN = { ORDERS_ALLOW_PAYMENT_SIMULATOR_IN_PROD: "true" };

/** The app with the given environments, synthesizing into a scratch directory. */
function appWith(environments: string, env: Record<string, string> = PROD_SIMULATOR_OPT_IN) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-real-stacks-"));
  const built = buildApp({ bundles, outdir, env: { ORDERS_ENVIRONMENTS: environments, ...env }, context: {} });
  const stackFile = (name: string) => path.join(outdir, "stacks", name, "cdk.tf.json");
  const written = () =>
    built.app.node
      .findAll()
      .filter(TerraformStack.isStack)
      .map((s) => s.node.id)
      .filter((n) => fs.existsSync(stackFile(n)));
  const read = (name: string) => JSON.parse(fs.readFileSync(stackFile(name), "utf8")) as StackDocument;
  // The pipeline stack of the first environment named: the one the tests that change a stack change.
  const [stack] = built.stacks;
  if (!stack) throw new Error(`no pipeline stack for ORDERS_ENVIRONMENTS=${environments}`);
  return { ...built, stack, written, read };
}

function synthFailure(synth: () => void): PolicyViolationError {
  const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    synth();
  } catch (error) {
    if (error instanceof PolicyViolationError) return error;
    throw error;
  } finally {
    stderr.mockRestore();
  }
  throw new Error("synth passed");
}

describe("the real stacks", () => {
  it("dev, staging, prod and the state bootstrap synthesize with the policy on, using every reviewed exception and nothing else", () => {
    const { app, written, read } = appWith("all");
    // On stdout: the cdktf CLI shows an app's stdout as output and its stderr as [ERROR].
    const stdout = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      app.synth();
      expect(stdout.mock.calls.map(([text]) => String(text))).toEqual([
        expect.stringMatching(
          /^policy: \d+ rules passed on state-bootstrap, orders-dev, orders-staging, orders-prod in \d+ ms; \d+ findings accepted as reviewed exceptions/,
        ),
      ]);
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    const names = [STATE_BOOTSTRAP_STACK, ...["dev", "staging", "prod"].map(pipelineStackName)];
    expect(written()).toEqual(names);
    const outcome = checkStacks(names.map((name) => ({ name, document: read(name) })));
    expect(outcome.violations.map((v) => `${v.rule.id} ${v.stackName} ${v.address}: ${v.problem.message}`)).toEqual([]);
    expect(outcome.stale.map(suppressionLabel)).toEqual([]);
    expect(new Set(outcome.excepted.map((e) => suppressionLabel(e.suppression)))).toEqual(
      new Set(SUPPRESSIONS.map(suppressionLabel)),
    );
  });

  it("fail the synth, writing nothing, when a route loses its dead-letter queue", () => {
    const { app, stack, written } = appWith("prod");
    stack.routes.orderCreated.target.addOverride("dead_letter_config", null);
    const error = synthFailure(() => app.synth());
    expect(error.message).toMatch(
      /\[eventbridge-target-retry-and-dlq\] orders-prod aws_cloudwatch_event_target\.order-created-route_target_\w+ \(order-created-route\/target\)\n {4}has no dead_letter_config: undeliverable events are dropped\n {4}fix: /,
    );
    expect(written()).toEqual([]);
  });

  it("fail the synth of prod, writing nothing, when it would charge through the simulator without the opt-in", () => {
    const { app, written } = appWith("dev,prod", {});
    const error = synthFailure(() => app.synth());
    expect(
      error.outcome.violations.map((v) => `${v.rule.id} ${v.stackName} ${v.address.replace(/_[0-9A-F]{8}$/, "")}`),
    ).toEqual(["payment-simulator-not-in-prod orders-prod aws_lambda_function.payment-service_function"]);
    expect(written()).toEqual([]);
    expect(
      appWith("prod", { ORDERS_PAYMENT_GATEWAY: "acme-pay" }).stack.services.payment.function.tagsInput,
    ).toBeUndefined();
  });

  it("fail the synth when a source loses its owner-only bus policy", () => {
    const { app, stack } = appWith("dev");
    stack.bus.policy?.addOverride(
      "policy",
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "Nothing", Effect: "Deny", Principal: { AWS: "*" }, Action: ["events:DeleteRule"], Resource: ["*"] },
        ],
      }),
    );
    const error = synthFailure(() => app.synth());
    expect(error.outcome.violations.map((v) => `${v.rule.id}: ${v.problem.message}`)).toEqual([
      'eventbridge-bus-policy-per-source: no bus policy denies source "orders.order-service" to every principal but its owner',
      'eventbridge-bus-policy-per-source: no bus policy denies source "orders.order-workflow" to every principal but its owner',
    ]);
  });

  it("fail the synth when a function's role is given a wildcard action", () => {
    const { app, stack } = appWith("dev");
    const statement = { Sid: "AnyTable", Effect: "Allow", Action: ["dynamodb:*"], Resource: ["*"] };
    stack.services.order.role.policy.addOverride(
      "policy",
      JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
    );
    const error = synthFailure(() => app.synth());
    const failed = error.outcome.violations.map(
      (v) => `${v.rule.id} ${v.stackName} ${v.address.replace(/_[0-9A-F]{8}$/, "")}`,
    );
    expect(failed).toEqual([
      "iam-no-wildcard-actions orders-dev aws_iam_role_policy.order-service_role_policy",
      "iam-wildcard-resource-only-for-unscopable-actions orders-dev aws_iam_role_policy.order-service_role_policy",
    ]);
    expect(error.message).toContain('statement "AnyTable" allows "dynamodb:*"');
  });
});
