import { SynthesizedStack, functionNameOf } from "../../terraform/stack-document";
import { type CompiledPattern, compileEventPattern, matches } from "../event-pattern";
import { Activity } from "./activity";
import { Clock, seededRandom } from "./clock";
import { DynaliteServer, startDynalite } from "./dynamodb/dynalite-server";
import { DynamoDBJsonClient, STATES_ACCESS_KEY_ID } from "./dynamodb/json-client";
import { LocalTables } from "./dynamodb/local-tables";
import { LocalStreams } from "./dynamodb/streams";
import { LocalArchives, ReplayRecord, ReplayRequest } from "./eventbridge/archive";
import { LocalEventBridge, TargetDispatcher } from "./eventbridge/bus";
import { PutEventsEndpoint, startPutEventsEndpoint } from "./eventbridge/endpoint";
import { type TaskFaultDecider, checkFaultTargets, faultInjector, firstFault } from "./faults";
import { startJsonEndpoint } from "./http/json-endpoint";
import { Authorizer, IamMode, NOT_EVALUATED } from "./iam/authorizer";
import { RuntimeIam } from "./iam/runtime-iam";
import { readStackPolicies } from "./iam/stack-policies";
import { InventoryEntry, stackInventory } from "./inventory";
import { functionEnvironment, workerExecArgv } from "./lambda/environment";
import { LambdaHandler, inProcessHost } from "./lambda/in-process-host";
import { FaultDecider, FunctionSpec, InvocationCaller, InvokeResult, LocalFunction } from "./lambda/local-function";
import { LocalPipe } from "./pipes/local-pipe";
import { AwsServiceError } from "./service-error";
import { LocalQueues } from "./sqs/queues";
import { sqsApi } from "./sqs/sqs-api";
import { CodeDirLookup, StackModel, StackModelError, readStackModel } from "./stack-model";
import { LocalStateMachine } from "./stepfunctions/local-state-machine";
import { sfnApi } from "./stepfunctions/sfn-api";
import { TaskBackends } from "./stepfunctions/task-bindings";
import { validateDefinitions } from "./stepfunctions/validate";
import { LOCAL_ACCOUNT_ID, TerraformReferences, providerRegion } from "./terraform/references";
import { ResolvedVariables, VariableSources, resolveVariables } from "./terraform/variables";
import { Trace } from "./trace";
import { UsageRecorder } from "./usage";

export interface LocalRuntimeOptions {
  /** The synthesized stack: its parsed `cdk.tf.json` and its directory (for relative `source_dir`s). */
  readonly stack: SynthesizedStack;
  /** Where a function's code is, when not at the archive's `source_dir` (tests map it to their bundles). */
  readonly codeDir?: CodeDirLookup;
  /** Variable values: `TF_VAR_*` environment, tfvars files, `--var`s. Default: the declared defaults. */
  readonly variables?: VariableSources;
  /** Real ms per nominal ms for retry waits; 1 waits as AWS would. Default 0.001. */
  readonly timeScale?: number;
  /** Seed of the runtime's randomness (faults, jitter). Default: random. */
  readonly seed?: number;
  /** Failure rates by service (`--fail`). */
  readonly faults?: Readonly<Record<string, number>>;
  /**
   * Asked first before every invocation of a function, with its event: a test injects a failure into
   * one particular call with it. When it answers undefined, the `faults` rates decide.
   */
  readonly faultDecider?: FaultDecider;
  /** Asked before every DynamoDB and PutEvents call of a state machine's Task (a test's injected failures). */
  readonly taskFaults?: TaskFaultDecider;
  /**
   * The app's business error names (a declined payment, no stock): a `--fail` fault may answer a
   * state that catches one of them with it. Default: none.
   */
  readonly businessErrors?: readonly string[];
  /** Sandboxes per function at most. Default 2. */
  readonly maxSandboxes?: number;
  /**
   * Where the functions' bundles run: each sandbox a worker thread ("worker", the default, what
   * `npm run local` uses), or called in this process with the same environment and context
   * ("in-process": faster to start, weaker isolation; see lambda/in-process-host.ts).
   */
  readonly lambdaHost?: "worker" | "in-process";
  /**
   * On the in-process host: the handler to run instead of a function's bundle, for the functions it
   * answers (a test that observes a dependency of the code). Default: every function runs its bundle.
   */
  readonly loadHandler?: (spec: FunctionSpec) => LambdaHandler | undefined;
  /** File the functions' output is appended to. Default: discarded. */
  readonly logFile?: string;
  /** Also write the functions' output to stderr. */
  readonly echoLogs?: boolean;
  /** Keep every trace record in memory (`runtime.trace.records`). Default true. */
  readonly retainTrace?: boolean;
  /** Record state transitions of executions. Default true. */
  readonly traceStates?: boolean;
  /**
   * Start one sandbox of every function before `start` resolves ("all", the default), or leave every
   * cold start to the first invocation, as Lambda does ("none"; `warm()` starts them later).
   */
  readonly warm?: "all" | "none";
  /** IAM: deny what AWS would deny ("enforce", the default), only report it ("warn"), or evaluate nothing ("off"). */
  readonly iam?: IamMode;
  /** Told, in "warn" mode, of each distinct call AWS would refuse. Default: written to stderr. */
  readonly onIamWarning?: (message: string) => void;
}

/** How IAM runs: the mode, what is not evaluated, and the evaluator (its counters). */
export interface RuntimeIamReport {
  readonly mode: IamMode;
  readonly notEvaluated: readonly string[];
  readonly authorizer: Authorizer;
  /**
   * Credentials of a session of an operator's role: the runtime's PutEvents endpoint authorizes the calls
   * signed with them as that session, against the bus policy (see RuntimeIam.operatorSession).
   */
  readonly operatorSession: (roleArn: string) => {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken: string;
  };
}

/** The stack, running: its resources on local stand-ins, reachable as on AWS. */
export class LocalRuntime {
  private constructor(
    readonly stackName: string,
    readonly variables: ResolvedVariables,
    readonly region: string,
    readonly inventory: readonly InventoryEntry[],
    readonly model: StackModel,
    readonly trace: Trace,
    readonly activity: Activity,
    readonly clock: Clock,
    readonly queues: LocalQueues,
    readonly tables: LocalTables,
    readonly bus: LocalEventBridge,
    readonly functions: ReadonlyMap<string, LocalFunction>,
    readonly stateMachines: ReadonlyMap<string, LocalStateMachine>,
    /** Where the AWS SDK reaches each local service (SQS and Step Functions share one port). */
    readonly endpoints: {
      readonly dynamodb: string;
      readonly eventbridge: string;
      readonly sqs: string;
      readonly stepfunctions: string;
    },
    private readonly closers: (() => Promise<void>)[],
    /** Milliseconds each start-up step took. */
    readonly startupMs: Readonly<Record<string, number>>,
    readonly iam: RuntimeIamReport,
    readonly streams: LocalStreams,
    readonly pipes: ReadonlyMap<string, LocalPipe>,
    /** What of the stack's streams and pipes is not emulated, for the start-up report. */
    readonly notEmulated: readonly string[],
    /** The buses' archives: what they keep, and the replays run from them. */
    readonly archives: LocalArchives,
    /** The billable work served (`usage.usage()`). */
    readonly usage: UsageRecorder,
  ) {}

  /**
   * Reads the stack, resolves its variables and references, and starts what it declares: tables on
   * dynalite, queues in memory, the bus with its rules and targets behind a PutEvents endpoint, the
   * functions from their bundles in worker threads, the state machines on aws-local-stepfunctions.
   * Throws before starting anything when the stack cannot be run as synthesized.
   */
  static async start(options: LocalRuntimeOptions): Promise<LocalRuntime> {
    const timings: Record<string, number> = {};
    let t = Date.now();
    const lap = (name: string) => {
      const now = Date.now();
      timings[name] = now - t;
      t = now;
    };
    const { document } = options.stack;
    const variables = resolveVariables(document, { directory: options.stack.directory, ...options.variables });
    const provisional = new TerraformReferences(document, variables.values, {
      accountId: LOCAL_ACCOUNT_ID,
      region: "us-east-1",
    });
    const region = providerRegion(document, (v) => provisional.resolve(v, "provider.aws.region"));
    const refs = new TerraformReferences(document, variables.values, { accountId: LOCAL_ACCOUNT_ID, region });
    const inventory = stackInventory(document, (v) => refs.resolve(v));
    const model = readStackModel(document, refs, { stackDir: options.stack.directory, codeDir: options.codeDir });
    const iamMode = options.iam ?? "enforce";
    const policies = readStackPolicies(document, refs, model, { accountId: LOCAL_ACCOUNT_ID, region });
    const warnIam = options.onIamWarning ?? ((message: string) => process.stderr.write(`iam (warn): ${message}\n`));
    const authorizer = new Authorizer(policies, {
      mode: iamMode,
      accountId: LOCAL_ACCOUNT_ID,
      region,
      onWarning: (d) => warnIam(d.message),
    });
    const iam = new RuntimeIam(authorizer, model);
    const undeployable = iam.deploymentProblems();
    if (undeployable.length > 0) throw new StackModelError(undeployable.join("\n"));
    const iamOn = iamMode !== "off";
    if (options.faults) {
      checkFaultTargets(
        options.faults,
        model.functions.map((f) => ({ name: f.name, environment: f.variables })),
      );
    }
    lap("read stack");

    const random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 31));
    const clock = new Clock(options.timeScale ?? 0.001);
    const trace = new Trace({ retain: options.retainTrace ?? true });
    const activity = new Activity();
    const queues = new LocalQueues();
    for (const q of model.queues)
      queues.add({ name: q.name, arn: q.arn, url: q.url, retentionSeconds: q.retentionSeconds });

    const validation = validateDefinitions(
      model.stateMachines.map((sm) => ({ name: sm.address, definition: sm.definition })),
    );
    const closers: (() => Promise<void>)[] = [];
    let dynamo: DynaliteServer | undefined;
    let endpoint: PutEventsEndpoint | undefined;
    const functions = new Map<string, LocalFunction>();
    try {
      const streams = new LocalStreams(model.tables, region, { retain: options.retainTrace ?? true });
      const pipes = new Map<string, LocalPipe>();
      dynamo = await startDynalite(region, iamOn ? iam.dynamoDbGuard() : undefined, {
        tables: streams.captured(),
        onWrite: (write) => streams.write(write),
        onError: (table, message) => trace.emit({ kind: "dropped", source: `stream of ${table}`, reason: message }),
      });
      closers.push(() => (dynamo as DynaliteServer).close());
      const statesClient = new DynamoDBJsonClient(dynamo.endpoint, region, STATES_ACCESS_KEY_ID);
      closers.push(async () => statesClient.close());
      const tables = new LocalTables(dynamo.json, dynamo.client, model.tables, statesClient);
      const usage = new UsageRecorder(model, dynamo, trace);
      queues.onSend = (bytes) => usage.sent(bytes);
      await tables.create();
      tables.startTtlSweeper();
      closers.push(async () => tables.stop());
      lap("tables");

      // The bus and the functions refer to each other (targets, PutEvents); `runtime` ties them.
      const findFunction = (ref: string) => functions.get(functionNameOf(ref));
      const stateMachines = new Map<string, LocalStateMachine>();
      const dispatch: TargetDispatcher = async ({ rule, target, payload }) => {
        const machine = stateMachines.get(target.arn);
        if (machine) {
          const denied = iamOn ? iam.startExecutionFromRule(rule, target, machine.spec.arn) : undefined;
          if (denied) throw new AwsServiceError("AccessDeniedException", denied, { retryable: false });
          try {
            machine.startExecution(payload);
          } catch (error) {
            const e = error as Error;
            // StartExecution's own refusals are final; anything else is retried.
            throw new AwsServiceError(e.name, e.message, {
              retryable: !(error instanceof AwsServiceError),
              cause: error,
            });
          }
          return;
        }
        const fn = findFunction(target.arn);
        if (fn) {
          const denied = iamOn ? iam.invokeFromRule(rule, fn.spec.arn) : undefined;
          // Permission errors are not retried: the event goes to the dead-letter queue at once.
          if (denied) throw new AwsServiceError("AccessDeniedException", denied, { retryable: false });
          fn.invokeAsync(payload, { kind: "event-bridge", rule: rule.name });
          return;
        }
        if (queues.find(target.arn)) {
          try {
            queues.send(target.arn, JSON.stringify(payload));
          } catch (error) {
            // A queue's refusal is retried like any failure of a target.
            throw new AwsServiceError("InternalException", (error as Error).message, { retryable: true, cause: error });
          }
          return;
        }
        throw new AwsServiceError(
          "ResourceNotFoundException",
          `target ${target.arn} is not a resource the local runtime runs`,
          { retryable: false },
        );
      };
      const compiledPatterns = new Map<unknown, CompiledPattern>([
        ...model.rules.map((r): [unknown, CompiledPattern] => [r.pattern, compileEventPattern(r.pattern)]),
        ...model.archives.flatMap((a): [unknown, CompiledPattern][] =>
          a.pattern === undefined ? [] : [[a.pattern, compileEventPattern(a.pattern)]],
        ),
      ]);
      const archives = new LocalArchives(model.archives, {
        matcher: (pattern, event) => matches(compiledPatterns.get(pattern) ?? compileEventPattern(pattern), event),
        account: { accountId: LOCAL_ACCOUNT_ID, region },
        busArn: (name) => model.buses.find((b) => b.name === name)?.arn ?? name,
      });
      const bus = new LocalEventBridge({
        busNames: model.buses.map((b) => b.name),
        rules: model.rules,
        matcher: (pattern, event) => matches(compiledPatterns.get(pattern) ?? compileEventPattern(pattern), event),
        dispatch,
        queues,
        account: { accountId: LOCAL_ACCOUNT_ID, region },
        clock,
        random,
        trace,
        activity,
        onPutEvents: (caller) => usage.putEvents(caller),
        ...(iamOn ? { authorize: iam.putEvents, authorizeDeadLetter: iam.deadLetter } : {}),
        archive: (busName, event) => archives.offer(busName, event),
      });
      for (const spec of model.pipes) {
        const busName = model.buses.find((b) => b.arn === spec.targetArn)?.name as string;
        const calls = iamOn ? iam.pipeCalls(spec) : undefined;
        const pipe = new LocalPipe({
          spec,
          busName,
          putEvents: (entries) => bus.putEvents(entries, calls ? { principal: calls.principal } : undefined),
          sendToDeadLetter: (queueArn, body) => {
            const denied = calls?.sendMessage(queueArn);
            if (denied) return denied;
            if (!queues.find(queueArn)) return `queue ${queueArn} is not a resource the local runtime runs`;
            queues.send(queueArn, body);
            return undefined;
          },
          clock,
          trace,
          activity,
        });
        pipes.set(spec.name, pipe);
        streams.subscribe(spec.sourceArn, (record) => pipe.receive(record));
      }
      endpoint = await startPutEventsEndpoint((entries, caller) => bus.putEvents(entries, caller));
      closers.push(() => (endpoint as PutEventsEndpoint).close());
      const endpoints = { dynamodb: dynamo.endpoint, eventbridge: endpoint.endpoint };
      lap("bus");

      const faults = firstFault(
        options.faultDecider,
        options.faults && Object.keys(options.faults).length > 0
          ? faultInjector({ rates: options.faults, businessErrors: options.businessErrors ?? [], random })
          : undefined,
      );
      const host = options.lambdaHost === "in-process" ? inProcessHost(options.loadHandler) : undefined;
      for (const fn of model.functions) {
        const environment = functionEnvironment(fn, region, endpoints);
        functions.set(
          fn.name,
          new LocalFunction(
            {
              name: fn.name,
              arn: fn.arn,
              handler: fn.handler,
              codeDir: fn.codeDir,
              environment,
              timeoutSeconds: fn.timeoutSeconds,
              memoryMb: fn.memoryMb,
              logGroupName: fn.logGroupName,
              async: fn.async,
              execArgv: workerExecArgv(fn.variables),
            },
            {
              maxSandboxes: options.maxSandboxes,
              queues,
              clock,
              trace,
              activity,
              faults,
              logFile: options.logFile,
              echoLogs: options.echoLogs,
              ...(host ? { host } : {}),
              usage,
              ...(iamOn ? { authorizeSend: iam.functionSend(fn.name) } : {}),
            },
          ),
        );
      }
      closers.push(async () => {
        await Promise.all([...functions.values()].map((f) => f.stop()));
      });
      const warming =
        options.warm === "none" ? Promise.resolve([]) : Promise.all([...functions.values()].map((f) => f.warm()));

      const backends: TaskBackends = {
        invokeFunction: (ref, payload, caller) => {
          const fn = findFunction(ref);
          if (!fn)
            return Promise.reject(
              new AwsServiceError("ResourceNotFoundException", `Function not found: ${ref}`, { statusCode: 404 }),
            );
          return fn.invoke(payload, caller);
        },
        invokeFunctionAsync: (ref, payload, caller) => {
          const fn = findFunction(ref);
          if (!fn)
            throw new AwsServiceError("ResourceNotFoundException", `Function not found: ${ref}`, { statusCode: 404 });
          fn.invokeAsync(payload, caller);
        },
        dynamodb: (action, request) => tables.call(action, request),
        putEvents: (entries, caller) => bus.putEvents(entries, caller),
        sqsSendMessage: (queueUrl, body) => {
          const m = queues.send(queueUrl, body);
          return { MessageId: m.MessageId, MD5OfMessageBody: m.MD5OfBody };
        },
      };
      const traceStates = options.traceStates ?? true;
      for (const sm of model.stateMachines) {
        const smBackends = iamOn ? iam.stateMachineBackends(sm, backends) : backends;
        stateMachines.set(
          sm.arn,
          new LocalStateMachine(sm, {
            backends: smBackends,
            clock,
            random,
            trace,
            activity,
            traceStates: () => traceStates,
            usage,
            ...(options.taskFaults ? { taskFaults: options.taskFaults } : {}),
          }),
        );
      }
      // The operator's side: the queues and state machines for the SDK and the CLI (the redrive command).
      const operatorApi = await startJsonEndpoint([sqsApi(queues, LOCAL_ACCOUNT_ID), sfnApi(stateMachines)]);
      closers.push(() => operatorApi.close());
      lap("state machines");
      const [problems] = await Promise.all([validation, warming]);
      if (problems.length > 0) throw new StackModelError(`invalid state machine definition: ${problems.join("\n")}`);
      lap("functions");

      return new LocalRuntime(
        options.stack.name,
        variables,
        region,
        inventory,
        model,
        trace,
        activity,
        clock,
        queues,
        tables,
        bus,
        functions,
        stateMachines,
        { ...endpoints, sqs: operatorApi.endpoint, stepfunctions: operatorApi.endpoint },
        closers,
        timings,
        {
          mode: iamMode,
          notEvaluated: iamOn
            ? [...NOT_EVALUATED, ...policies.unevaluated]
            : ["IAM (--iam off): every call is allowed"],
          authorizer,
          operatorSession: (roleArn) => iam.operatorSession(roleArn),
        },
        streams,
        pipes,
        notEmulatedOfStreams(model),
        archives,
        usage,
      );
    } catch (error) {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      throw error;
    }
  }

  /** Starts a sandbox of each function (the given ones first) and resolves when their code is loaded. */
  async warm(first: readonly LocalFunction[] = []): Promise<void> {
    for (const fn of first) await fn.warm();
    await Promise.all([...this.functions.values()].map((f) => f.warm()));
  }

  /** The function with this name or ARN. */
  function(ref: string): LocalFunction {
    const name = functionNameOf(ref);
    const fn = this.functions.get(name);
    if (!fn)
      throw new Error(
        `no function ${ref} in stack ${this.stackName} (functions: ${[...this.functions.keys()].join(", ")})`,
      );
    return fn;
  }

  /** Invokes a function synchronously, as `aws lambda invoke` would. */
  invoke(ref: string, payload: unknown, caller: InvocationCaller = { kind: "client" }): Promise<InvokeResult> {
    return this.function(ref).invoke(payload, caller);
  }

  /** Every execution of every state machine, oldest first. */
  executions() {
    return [...this.stateMachines.values()]
      .flatMap((sm) => [...sm.executions.values()])
      .sort((a, b) => a.startDate.getTime() - b.startDate.getTime());
  }

  /**
   * StartReplay: puts the archived events of the window back on their bus (deliveries run asynchronously;
   * `idle()` waits for them). Throws, with EventBridge's error name, what StartReplay refuses.
   */
  replay(request: ReplayRequest): ReplayRecord {
    return this.archives.startReplay(request, (bus, event, name, ruleArns) =>
      this.bus.replay(bus, event, name, ruleArns),
    );
  }

  /** Resolves once nothing is in flight: deliveries, retries, asynchronous invocations, executions. */
  idle(timeoutMs?: number): Promise<void> {
    return this.activity.idle(timeoutMs);
  }

  /** Every table's items and every dead-letter queue's messages, as plain JSON. */
  async snapshot(): Promise<{
    tables: Record<string, Record<string, unknown>[]>;
    deadLetterQueues: Record<string, unknown[]>;
  }> {
    const deadLetterQueues: Record<string, unknown[]> = {};
    for (const [name, messages] of Object.entries(this.queues.snapshot())) {
      deadLetterQueues[name] = messages.map((m) => ({
        messageId: m.MessageId,
        sentAt: new Date(m.SentTimestamp).toISOString(),
        attributes: Object.fromEntries(Object.entries(m.MessageAttributes).map(([k, v]) => [k, v.StringValue])),
        body: parseJson(m.Body),
      }));
    }
    return { tables: await this.tables.snapshot(), deadLetterQueues };
  }

  /** Stops the functions, the endpoints and dynalite. */
  async stop(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) await close().catch(() => undefined);
  }
}

/** What the start-up report lists as not emulated of the stack's streams and pipes. */
function notEmulatedOfStreams(model: StackModel): string[] {
  const lines: string[] = [];
  if (model.tables.some((t) => t.stream)) {
    lines.push(
      "DynamoDB Streams: one shard per table, records handed on as each write is answered (no shard splits, no 24-hour retention, no GetRecords API); BatchWriteItem and TransactWriteItems write no stream record",
    );
  }
  for (const pipe of model.pipes) {
    lines.push(
      `pipe ${pipe.name}: no batching window, one batch at a time${pipe.notEmulated.length > 0 ? `; not emulated: ${pipe.notEmulated.join(", ")}` : ""}`,
    );
  }
  return lines;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
