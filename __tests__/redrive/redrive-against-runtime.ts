/**
 * `npm run redrive` against the running stack, through the AWS JSON protocol the local SQS and Step
 * Functions endpoints serve and the AWS SDK's EventBridge client: dead letters go back on the bus and
 * are deleted only once put; a failed Standard execution continues from the state it failed in; an
 * Express machine is refused. pipeline.test.ts runs these on its stack (one runtime start for both),
 * on Standard and on Express.
 */
import { AwsServiceError } from "../../src/local/runtime/service-error";
import { StateName } from "../../src/workflow/names";
import { itemsOf, order, sagaWorkflowType, type RunningPipeline } from "../local/e2e/support";
import { redrive } from "./run-redrive";
import type { VariableArgument } from "../../src/terraform/variable-arguments";

/** The operator role the deployment admits (README: "Redriving dead letters"), and one it does not. */
const OPERATOR_ROLE = "arn:aws:iam::000000000000:role/orders-redrive-operator";
const OTHER_ROLE = "arn:aws:iam::000000000000:role/orders-developer";

/** The `--var` that admits the operator role to the bus policy: start the pipeline with it. */
export const redriveVariables: readonly VariableArgument[] = [
  { kind: "var", name: "event_redrive_principal_arns", value: JSON.stringify([OPERATOR_ROLE]) },
];

/** Injected failures, changed while the runtime runs (it reads them on every invocation): start the pipeline with them. */
export const redriveFaults: Record<string, number> = { "payment-crash": 0 };

export function describeRedrive(running: () => RunningPipeline): void {
  const saved: Record<string, string | undefined> = {};
  let pipeline: RunningPipeline;
  beforeAll(() => {
    pipeline = running();
    const { endpoints, iam } = pipeline.runtime;
    // A session of the admitted operator role: its PutEvents calls are judged against the bus policy.
    const operator = iam.operatorSession(OPERATOR_ROLE);
    const env = {
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_SFN: endpoints.stepfunctions,
      AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventbridge,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: operator.accessKeyId,
      AWS_SECRET_ACCESS_KEY: operator.secretAccessKey,
      AWS_SESSION_TOKEN: operator.sessionToken,
    };
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const standard = sagaWorkflowType() === "STANDARD";

  const QUEUE = "orders-dev-order-created-dlq";
  const queueDepth = () => pipeline.runtime.queues.find(QUEUE)!.messages.length;
  const orderOf = async (orderId: string) =>
    (await itemsOf(pipeline.runtime, "orders")).find((i) => i.orderId === orderId);

  describe(`npm run redrive -- --queue (workflow_type=${sagaWorkflowType()})`, () => {
    it("puts the dead-lettered Order Created events back on their bus: the saga runs, the messages are deleted; a dry run changes nothing", async () => {
      const { runtime } = pipeline;
      const [machine] = [...runtime.stateMachines.values()];
      // StartExecution refused, not retried: the rule's target sends the event to its dead-letter queue.
      const startExecution = machine!.startExecution.bind(machine);
      machine!.startExecution = () => {
        throw new AwsServiceError("StateMachineDeleting", "the state machine is being deleted");
      };
      const outcomes = await Promise.all(
        ["a", "b"].map((k) => pipeline.submit(order({ customerId: `cust-dlq-${k}`, idempotencyKey: `dlq-${k}` }))),
      );
      machine!.startExecution = startExecution;
      expect(outcomes.map((o) => [o.status, o.error?.name])).toEqual([
        ["FAILED", "DeliveryFailed"],
        ["FAILED", "DeliveryFailed"],
      ]);
      expect(queueDepth()).toBe(2);
      const [message] = runtime.queues.find(QUEUE)!.messages;
      // eb-rule-dlq.html: the body is the event; the attributes say which rule, target and error.
      expect(message!.MessageAttributes).toMatchObject({
        RULE_ARN: { StringValue: expect.stringMatching(/:rule\/orders-dev-orders\/orders-dev-order-created$/) },
        ERROR_CODE: { StringValue: "StateMachineDeleting" },
      });

      const dry = await redrive("--queue", QUEUE, "--dry-run");
      expect(dry.status).toBe(0);
      expect(dry.out.filter((l) => l.startsWith("would redrive"))).toHaveLength(2);
      expect(dry.out.at(-1)).toBe(`${QUEUE}: 2 message(s); 2 would be put back (dry run: nothing changed); 0 kept`);
      expect(queueDepth()).toBe(2);
      expect(runtime.queues.visibleCount(QUEUE)).toBe(2);

      const started = runtime.trace.records.filter((r) => r.kind === "execution-started").length;
      const run = await redrive("--queue", QUEUE);
      await runtime.idle(30_000);
      expect(run.err).toEqual([]);
      expect(run.status).toBe(0);
      expect(run.out[0]).toMatch(
        /^redriven +message \S+ "Order Created" from orders\.order-service -> bus orders-dev-orders \(dead-lettered: StateMachineDeleting: the state machine is being deleted\)$/,
      );
      expect(run.out.at(-1)).toBe(`${QUEUE}: 2 message(s); 2 put back on the bus and deleted; 0 kept`);
      expect(queueDepth()).toBe(0);
      expect(runtime.trace.records.filter((r) => r.kind === "execution-started").length).toBe(started + 2);
      for (const o of outcomes) expect(await orderOf(o.orderId as string)).toMatchObject({ status: "COMPLETED" });
    });

    it("keeps a message whose PutEvents entry fails, visible again, and says why (exit 1)", async () => {
      const { runtime } = pipeline;
      runtime.queues.send(
        QUEUE,
        JSON.stringify({ source: "orders.order-service", "detail-type": "Order Created", detail: {} }),
        {
          RULE_ARN: "arn:aws:events:us-east-1:000000000000:rule/no-such-bus/orders-dev-order-created",
          ERROR_CODE: "ThrottlingException",
          ERROR_MESSAGE: "Rate exceeded",
        },
      );
      runtime.queues.send(QUEUE, "not an event");
      const run = await redrive("--queue", QUEUE);
      expect(run.status).toBe(1);
      expect(run.out).toEqual([
        expect.stringMatching(/^kept +message \S+ : its body is not JSON: not an EventBridge event$/),
        expect.stringMatching(
          /^kept .*-> bus no-such-bus \(dead-lettered: ThrottlingException: Rate exceeded\): PutEvents refused it: ResourceNotFoundException/,
        ),
        `${QUEUE}: 2 message(s); 0 put back on the bus and deleted; 2 kept`,
      ]);
      expect(runtime.queues.visibleCount(QUEUE)).toBe(2);
      for (const m of [...runtime.queues.find(QUEUE)!.messages]) {
        const [received] = runtime.queues.receive(QUEUE, 1, 0);
        runtime.queues.delete(QUEUE, received!.receiptHandle);
        expect(received!.message.MessageId).toBe(m.MessageId);
      }
    });

    it("keeps the events of a role the bus policy does not admit: only the owners and event_redrive_principal_arns may put them", async () => {
      const { runtime } = pipeline;
      const event = {
        source: "orders.order-service",
        "detail-type": "Order Created",
        detail: { orderId: "not-admitted" },
      };
      runtime.queues.send(QUEUE, JSON.stringify(event), {
        RULE_ARN: "arn:aws:events:us-east-1:000000000000:rule/orders-dev-orders/orders-dev-order-created",
      });
      const other = runtime.iam.operatorSession(OTHER_ROLE);
      const saved = [process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN];
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: other.accessKeyId,
        AWS_SECRET_ACCESS_KEY: other.secretAccessKey,
        AWS_SESSION_TOKEN: other.sessionToken,
      });
      let run: Awaited<ReturnType<typeof redrive>>;
      try {
        run = await redrive("--queue", QUEUE);
      } finally {
        [process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN] = saved;
      }
      // The bus policy's explicit Deny of orders.order-service to every principal not exempted by ArnNotEquals.
      expect(run.status).toBe(1);
      expect(run.out[0]).toMatch(
        new RegExp(
          `^kept .*"Order Created" from orders\\.order-service -> bus orders-dev-orders: PutEvents refused it: AccessDeniedException: .*assumed-role/orders-developer/.*explicit deny`,
        ),
      );
      expect(runtime.queues.visibleCount(QUEUE)).toBe(1);
      const [held] = runtime.queues.receive(QUEUE, 1, 0);
      runtime.queues.delete(QUEUE, held!.receiptHandle);
    });

    it("names an unknown queue in one line, exit 2", async () => {
      expect(await redrive("--queue", "no-such-queue")).toEqual({
        status: 2,
        out: [],
        err: ["redrive: no queue named no-such-queue in us-east-1"],
      });
    });
  });

  (standard ? describe : describe.skip)("npm run redrive -- --state-machine (Standard)", () => {
    it("redrives a failed execution from the state it failed in: same ARN, redriveCount 1, the charge not taken again", async () => {
      const { runtime } = pipeline;
      // Payment crashes: the charge fails, and so does the refund that compensates it, past its retries.
      redriveFaults["payment-crash"] = 1;
      const failed = await pipeline.submit(order({ customerId: "cust-redrive", idempotencyKey: "redrive-1" }));
      redriveFaults["payment-crash"] = 0;
      const orderId = failed.orderId as string;
      const finished = runtime.trace.records.filter(
        (r) => r.kind === "execution-finished" && JSON.stringify(r.input).includes(orderId),
      ) as { executionArn: string; status: string }[];
      expect(finished).toHaveLength(1);
      const arn = finished[0]!.executionArn;
      const [machine] = [...runtime.stateMachines.values()];
      expect(machine!.executions.get(arn)).toMatchObject({
        status: "FAILED",
        stoppedAt: { state: StateName.refundPayment },
      });

      const dry = await redrive("--state-machine", "orders-dev-order-saga", "--dry-run");
      expect(dry.out).toContain(`would redrive FAILED execution ${arn} (redriven 0 time(s) before)`);
      expect(machine!.executions.get(arn)!.redriveCount).toBe(0);

      const entered = (state: string) =>
        runtime.trace.records.filter(
          (r) => r.kind === "state" && r.event === "entered" && r.executionArn === arn && r.state === state,
        ).length;
      const charges = entered(StateName.processPayment);
      const run = await redrive("--state-machine", "orders-dev-order-saga");
      await runtime.idle(30_000);
      expect(run.out).toContain(`redriven      FAILED execution ${arn} (redriven 0 time(s) before)`);
      expect(machine!.executions.get(arn)).toMatchObject({
        redriveCount: 1,
        status: "FAILED",
        error: "Lambda.Unknown",
      });
      // Continued at RefundPayment: the refund ran, the order is marked FAILED and announced; no new charge.
      expect(entered(StateName.processPayment)).toBe(charges);
      expect(entered(StateName.markFailed)).toBe(1);
      expect(await orderOf(orderId)).toMatchObject({ status: "FAILED" });
      expect(runtime.trace.records).toContainEqual(
        expect.objectContaining({
          kind: "execution-redriven",
          executionArn: arn,
          state: StateName.refundPayment,
          redriveCount: 1,
        }),
      );
    });

    it("names an unknown state machine in one line, exit 2", async () => {
      expect(await redrive("--state-machine", "no-such-saga")).toMatchObject({
        status: 2,
        err: ["redrive: no state machine named no-such-saga in us-east-1"],
      });
    });
  });

  (standard ? describe.skip : describe)("npm run redrive -- --state-machine (Express)", () => {
    it("refuses an Express machine: RedriveExecution is for Standard workflows only, exit 2", async () => {
      expect(await redrive("--state-machine", "orders-dev-order-saga")).toEqual({
        status: 2,
        out: [],
        err: [
          "redrive: state machine orders-dev-order-saga is EXPRESS: RedriveExecution is for Standard workflows only (an Express execution is started again from its input)",
        ],
      });
    });
  });
}
