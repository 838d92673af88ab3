/**
 * The Done-when: in a copy of the synthesized stack, take one permission away from a
 * function's role and one from the state machine's role; the affected orders stop with
 * AccessDenied, as they would on AWS. One runtime serves both: the first order needs the inventory
 * function's dynamodb:UpdateItem, the second (a declined payment) the state machine's
 * events:PutEvents.
 */
import { itemsOf, order, startPipeline, type RunningPipeline } from "./support";
import type { StackDocument } from "../../../src/terraform/stack-document";

/** Removes `action` from every statement of the role policies whose address contains `roleHint`. */
function withoutPermission(document: StackDocument, roleHint: string, action: string): void {
  const policies =
    (document.resource as Record<string, Record<string, Record<string, unknown>>>).aws_iam_role_policy ?? {};
  const matching = Object.entries(policies).filter(([name]) => name.includes(roleHint));
  if (matching.length === 0) throw new Error(`no aws_iam_role_policy named like ${roleHint}`);
  for (const [, config] of matching) {
    const policy = JSON.parse(config.policy as string) as { Statement: { Action: string[] }[] };
    for (const s of policy.Statement) s.Action = s.Action.filter((a) => a !== action);
    policy.Statement = policy.Statement.filter((s) => s.Action.length > 0);
    config.policy = JSON.stringify(policy);
  }
}

let pipeline: RunningPipeline;
beforeAll(async () => {
  pipeline = await startPipeline({
    mutate: (document) => {
      withoutPermission(document, "inventory-service_role_policy", "dynamodb:UpdateItem");
      withoutPermission(document, "order-workflow_role_policy", "events:PutEvents");
    },
  });
});
afterAll(() => pipeline?.stop());

const executionOf = (orderId: string) =>
  pipeline.runtime.executions().find((e) => JSON.stringify(e.input).includes(orderId));
const storedStatus = async (orderId: string) =>
  (await itemsOf(pipeline.runtime, "orders")).find((i) => i.orderId === orderId)?.status;

it("a function role without dynamodb:UpdateItem: the handler gets AccessDeniedException and the order stops", async () => {
  const outcome = await pipeline.submit(order({ customerId: "cust-iam", idempotencyKey: "iam-fn-1" }));
  const orderId = outcome.orderId as string;
  const execution = executionOf(orderId);
  expect(execution?.status).toBe("FAILED");
  // What the inventory handler received, as the DynamoDB client raises it on AWS.
  const invocations = pipeline.runtime.trace.records.filter(
    (r) => r.kind === "function-invoked" && r.functionName === "orders-dev-inventory",
  );
  const denied = invocations.find((r) => r.kind === "function-invoked" && r.errorType === "AccessDeniedException");
  expect(denied).toBeDefined();
  expect(denied?.kind === "function-invoked" && denied.errorMessage).toMatch(
    /^User: arn:aws:sts::000000000000:assumed-role\/orders-dev-inventory-fn\/orders-dev-inventory is not authorized to perform: dynamodb:UpdateItem on resource: arn:aws:dynamodb:[a-z0-9-]+:000000000000:table\/orders-dev-inventory because no identity-based policy allows the dynamodb:UpdateItem action$/,
  );
  expect(await storedStatus(orderId)).not.toBe("COMPLETED");
});

it("a state machine role without events:PutEvents: the Task fails with EventBridge.AccessDeniedException and the execution fails", async () => {
  const outcome = await pipeline.submit(order({ customerId: "declined-iam", idempotencyKey: "iam-sfn-1" }));
  const execution = executionOf(outcome.orderId as string);
  expect(execution).toMatchObject({ status: "FAILED", error: "EventBridge.AccessDeniedException" });
  expect(execution?.cause).toMatch(
    /^User: arn:aws:sts::000000000000:assumed-role\/orders-dev-order-saga-sfn\/[A-Za-z]{32} is not authorized to perform: events:PutEvents on resource: arn:aws:events:[a-z0-9-]+:000000000000:event-bus\/orders-dev-orders because no identity-based policy allows the events:PutEvents action$/,
  );
  // The order was marked FAILED before the publish was refused; the outcome event never left.
  expect(await storedStatus(outcome.orderId as string)).toBe("FAILED");
  expect(
    pipeline.runtime.trace.records.some((r) => r.kind === "event-rejected" && r.errorCode === "AccessDeniedException"),
  ).toBe(true);
});
