import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_OUTDIR, DEFAULT_STACK } from "../../stacks/synthesis";
import { VariableArgument, VariableArgumentError, variableArguments } from "../../terraform/variable-arguments";
import { UserInputError } from "../../user-input-error";
import { FaultSpecError, parseFaultSpec } from "../runtime/faults";
import { IAM_MODES, type IamMode } from "../runtime/iam/authorizer";
import { readCatalogueFile, readEventFile } from "./input-files";
import { type ReplayOption, replayOption } from "./replay-window";

/** Bad command-line input: printed with the usage line, exit status 2. */
export class UsageError extends UserInputError {
  override readonly name = "UsageError";
}

export interface CliOptions {
  readonly stack: string;
  readonly outdir: string;
  /** `--var` and `--var-file`, in command-line order. */
  readonly variables: readonly VariableArgument[];
  /** Orders read from `--order` files, in order; empty when none was given. */
  readonly orders: readonly { readonly file: string; readonly order: unknown }[];
  /** PutEvents entries read from `--event` files, put on the bus after the orders. */
  readonly events: readonly ReturnType<typeof readEventFile>[number][];
  /** Products read from `--catalogue`: seeded instead of the default catalogue. */
  readonly catalogue?: ReturnType<typeof readCatalogueFile>;
  /** `--orders N`: a load run of N generated orders. */
  readonly load?: {
    readonly count: number;
    readonly concurrency: number;
    /** `--warmup W`: orders run first, at the same concurrency, and left out of the summary. */
    readonly warmup: number;
  };
  readonly faults?: Readonly<Record<string, number>>;
  /** `--replay [--replay-from T] [--replay-to T]`: once the run's orders end, its archive is replayed. */
  readonly replay?: ReplayOption;
  /** `--iam`: enforce (default), warn or off. */
  readonly iam: IamMode;
  readonly json: boolean;
  readonly stateOut?: string;
  /** `--report FILE`: a self-contained HTML page of the run. */
  readonly report?: string;
  readonly logs?: string;
  readonly verbose: boolean;
  readonly synth: boolean;
  readonly seed?: number;
  readonly timeScale: number;
  readonly timeoutSeconds: number;
  readonly maxSandboxes: number;
  readonly help: boolean;
}

export const USAGE =
  "usage: npm run local -- [--order FILE ...] [--orders N [--concurrency C]] [--fail svc=rate,...] [--stack NAME] [--var k=v] [--var-file FILE] [--json] [--state-out FILE]  (--help for all options)";

export const HELP = `Runs the synthesized stack on this machine, end to end, and submits orders to it.

${USAGE}

What to submit (default: the sample order of the stack's submit_test_order_command)
  --order FILE           A JSON order (or an array of orders), as the Order function takes it;
                         repeatable; each order's path is shown: events, rules, states, status
  --orders N             A load run of N generated orders over the stocked catalogue
  --concurrency C        Orders in flight during a load run (default 16)
  --warmup W             Run W more generated orders first and leave them out of the summary:
                         the measured orders then meet compiled, warm functions, as on a
                         Lambda fleet that has been serving for a while (default 0)
  --event FILE           A raw PutEvents entry (or an array): { Source, DetailType, Detail },
                         Detail an object or JSON text, EventBusName optional (default: the
                         stack's bus); repeatable; put on the bus after the orders (alone, with
                         no --order, no sample order is submitted); each event's path is shown
  --catalogue FILE       Seed the products from { "products": [ { "productId", "name", "price",
                         "stock" } ] } (price a decimal amount such as 29.99) instead of the
                         default catalogue (prod-001..prod-005, prod-001 at 29.99)
  --fail SPEC            Inject failures at the invocation layer, e.g. payment=0.2,inventory=0.1:
                         that share of the service's invocations fails, half with its business
                         error where the calling state catches one, the rest as transient errors
  --iam MODE             IAM: enforce (default) denies what AWS would deny, warn only reports it,
                         off allows every call
  --replay               Once the run's orders and events have ended, replay the bus's archive
                         (what it kept of this run, by its event pattern) through the rules, as
                         StartReplay does: each event again, with "replay-name"; then show what the
                         replay started: executions (the saga refuses an order no longer PENDING),
                         payments, notifications, dead letters, before and after. Unlike AWS: no
                         10-minute archiving delay, no pacing by the minute, events in time order
  --replay-from TIME     Replay events from this time on (ISO 8601 with a zone, such as
                         2026-12-02T10:00:00Z; default: the run's start)
  --replay-to TIME       ... and before this time (default: when the replay starts)

Which stack, with which variables
  --stack NAME           Stack under <outdir>/stacks (default ${DEFAULT_STACK})
  --outdir DIR           Where npm run synth wrote the stacks (default ${DEFAULT_OUTDIR})
  --synth                Synthesize first (npm run synth), then run
  --var NAME=VALUE       Set a Terraform variable; repeatable (TF_VAR_<name> works too)
  --var-file FILE        A .tfvars or .tfvars.json file; repeatable. As with terraform, --var and
                         --var-file apply in command-line order, after TF_VAR_<name> and the stack
                         directory's terraform.tfvars, terraform.tfvars.json and *.auto.tfvars

Output
  --json                 Print exactly one JSON document on stdout (progress goes to stderr):
                         { orders: [{ orderId, status, error }], summary: { submitted, completed,
                         failed, rejected, throughputPerSecond, latencyMs: { p50, p95, p99 },
                         cost: { currency, perMillionOrders, byService, pricesAsOf },
                         usagePerOrder: { sdkCallsByFunction, dynamodbRequests, ... } } }
                         with --replay also replay: [{ replayName, archive, window, replayed,
                         before, after, executionsRefusedAsDuplicates }]
  --state-out FILE       Write every table's items and every queue's messages as JSON
  --report FILE          Write one self-contained HTML page of the run: the state machine with
                         the path each order took (counts per transition), one order's timeline
                         across services, dead letters, final tables, latency histogram
  --logs FILE            Where the functions' output goes (default .build/local/<stack>/functions.log)
  --verbose              Also print the functions' output on stderr

Timing and reproducibility
  --time-scale X         Real time per nominal time for retry waits (default 0.001: 1 s -> 1 ms);
                         1 waits as AWS would
  --timeout SECONDS      Longest wait for one order to end (default 60)
  --seed N               Seed for generated orders and injected faults (default: random)
  --max-sandboxes N      Sandboxes per function at most, one invocation each at a time (default 2)

Exit status: 0 when every order ended COMPLETED, FAILED or REJECTED; 1 when an order never
reached a final status or the runtime failed; 2 for bad input; 130 when interrupted (Ctrl-C),
after reporting the orders that finished. Output files are checked before the run starts.`;

function positiveInt(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${name} must be a whole number of at least ${min}, got "${text}"`);
  return n;
}

function readOrderFile(file: string): { file: string; order: unknown }[] {
  if (!fs.existsSync(file)) throw new UsageError(`--order ${file}: no such file`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`--order ${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const orders = Array.isArray(parsed) ? parsed : [parsed];
  if (orders.length === 0) throw new UsageError(`--order ${file}: the array holds no order`);
  return orders.map((order) => ({ file, order }));
}

/** Parses and checks the command line; throws UsageError naming the option. */
export function parseCliOptions(argv: readonly string[]): CliOptions {
  let values: Record<string, string | boolean | string[] | undefined>;
  let tokens: readonly { kind: string; name?: string; value?: string | undefined }[];
  try {
    ({ values, tokens } = parseArgs({
      // `node scripts/run-ts.js src/local/cli.ts -- --json` passes the separator through.
      args: argv[0] === "--" ? argv.slice(1) : [...argv],
      options: {
        stack: { type: "string" },
        outdir: { type: "string" },
        var: { type: "string", multiple: true },
        "var-file": { type: "string", multiple: true },
        order: { type: "string", multiple: true },
        event: { type: "string", multiple: true },
        catalogue: { type: "string" },
        orders: { type: "string" },
        concurrency: { type: "string" },
        warmup: { type: "string" },
        fail: { type: "string" },
        iam: { type: "string" },
        replay: { type: "boolean" },
        "replay-from": { type: "string" },
        "replay-to": { type: "string" },
        json: { type: "boolean" },
        "state-out": { type: "string" },
        report: { type: "string" },
        logs: { type: "string" },
        verbose: { type: "boolean" },
        synth: { type: "boolean" },
        seed: { type: "string" },
        "time-scale": { type: "string" },
        timeout: { type: "string" },
        "max-sandboxes": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
      tokens: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ""), { cause: error });
  }
  const str = (k: string) => values[k] as string | undefined;
  const list = (k: string) => (values[k] as string[] | undefined) ?? [];
  if (values.help) {
    return {
      stack: "",
      outdir: "",
      variables: [],
      orders: [],
      events: [],
      iam: "enforce",
      json: false,
      verbose: false,
      synth: false,
      timeScale: 0,
      timeoutSeconds: 0,
      maxSandboxes: 0,
      help: true,
    };
  }
  const orderFiles = list("order");
  if (orderFiles.length > 0 && str("orders") !== undefined)
    throw new UsageError("--order and --orders cannot be combined: submit given orders, or generate a load");
  for (const loadOption of ["concurrency", "warmup"]) {
    if (str(loadOption) !== undefined && str("orders") === undefined)
      throw new UsageError(`--${loadOption} applies to a load run: add --orders N`);
  }
  let variables: VariableArgument[];
  try {
    variables = variableArguments(tokens);
  } catch (error) {
    throw new UsageError((error as VariableArgumentError).message, { cause: error });
  }
  let faults: Record<string, number> | undefined;
  if (str("fail") !== undefined) {
    try {
      faults = parseFaultSpec(str("fail") as string);
    } catch (error) {
      throw new UsageError((error as FaultSpecError).message, { cause: error });
    }
  }
  const replay = replayOption(values.replay === true, str("replay-from"), str("replay-to"));
  if (replay.problem) throw new UsageError(replay.problem);
  const iam = (str("iam") ?? "enforce") as IamMode;
  if (!IAM_MODES.includes(iam))
    throw new UsageError(`--iam must be one of ${IAM_MODES.join(", ")}, got "${str("iam")}"`);
  const timeScaleText = str("time-scale");
  const timeScale = timeScaleText === undefined ? 0.001 : Number(timeScaleText);
  if (!Number.isFinite(timeScale) || timeScale < 0 || timeScale > 1)
    throw new UsageError(`--time-scale must be a number from 0 to 1, got "${timeScaleText}"`);
  const seedText = str("seed");
  const seed = seedText === undefined ? undefined : positiveInt("--seed", seedText, 0, 0);
  const stack = str("stack") ?? DEFAULT_STACK;
  if (!/^[A-Za-z0-9._-]+$/.test(stack))
    throw new UsageError(`--stack must be a stack name such as ${DEFAULT_STACK}, got "${stack}"`);
  return {
    stack,
    outdir: str("outdir") ?? DEFAULT_OUTDIR,
    variables,
    orders: orderFiles.flatMap(readOrderFile),
    events: list("event").flatMap(readEventFile),
    ...(str("catalogue") !== undefined ? { catalogue: readCatalogueFile(str("catalogue") as string) } : {}),
    ...(str("orders") !== undefined
      ? {
          load: {
            count: positiveInt("--orders", str("orders"), 1),
            concurrency: positiveInt("--concurrency", str("concurrency"), 16),
            warmup: positiveInt("--warmup", str("warmup"), 0, 0),
          },
        }
      : {}),
    ...(faults ? { faults } : {}),
    ...(replay.option ? { replay: replay.option } : {}),
    iam,
    json: values.json === true,
    ...(str("state-out") !== undefined ? { stateOut: str("state-out") } : {}),
    ...(str("report") !== undefined ? { report: str("report") } : {}),
    ...(str("logs") !== undefined ? { logs: str("logs") } : {}),
    verbose: values.verbose === true,
    synth: values.synth === true,
    ...(seed !== undefined ? { seed } : {}),
    timeScale,
    timeoutSeconds: positiveInt("--timeout", str("timeout"), 60),
    maxSandboxes: positiveInt("--max-sandboxes", str("max-sandboxes"), 2),
    help: false,
  };
}
