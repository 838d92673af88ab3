/**
 * `npm run local`: runs the synthesized stack on this machine and submits orders to it.
 * See HELP in ./cli/options.ts, and the README's "Run it offline".
 */
// Lambda runs the functions on nodejs22.x; the SDK's warning about the local Node version is noise here.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { BusinessError } from "../contracts/errors";
import { SAMPLE_ORDER } from "../stacks/sample-order";
import { environmentOfStack, newestInputSince, synthCommand } from "../stacks/synthesis";
import { STACK_FILE, loadSynthesizedStack } from "../terraform/stack-document";
import { reportFailure } from "./cli/failure";
import { INTERRUPTED_EXIT_STATUS, Interrupt } from "./cli/interrupt";
import { HELP, UsageError, parseCliOptions, type CliOptions } from "./cli/options";
import { checkOutputFile } from "./cli/output-paths";
import { replayLines } from "./cli/replay-report";
import { replayWindow } from "./cli/replay-window";
import {
  Progress,
  eventPath,
  failureBreakdown,
  jsonDocument,
  costLines,
  orderPath,
  pricedSummary,
  pricedUsage,
  type PricedUsage,
  startupReport,
  summaryLines,
} from "./cli/report";
import { generateOrders, runOrders, stockFor, summarize } from "./orders/load";
import { OrderDriver, OrderOutcome } from "./orders/order-driver";
import { pipelineParts, stockCatalogue } from "./orders/pipeline";
import { putRawEvents, type RawEventOutcome } from "./orders/raw-events";
import { replayArchives, type ReplayOutcome } from "./orders/replay";
import { RunRecorder } from "./report/recorder";
import { reportPage, writeReport } from "./report/report";
import { seededRandom } from "./runtime/clock";
import { LocalRuntime } from "./runtime/runtime";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Which orders a status means the run went wrong (an order that never reached a final status). */
const STUCK = new Set([
  "OrderTimedOut",
  "NoRuleMatched",
  "DeliveryFailed",
  "OrderNotFinished",
  "WorkflowEnded",
  "UnexpectedAnswer",
]);

/** Set once the run is being stopped (Ctrl-C): late failures of work in flight are expected then. */
let stopping = false;

async function main(argv: readonly string[]): Promise<number> {
  const options = parseCliOptions(argv);
  if (options.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  // Checked before anything runs, so a long run is never lost to a path that cannot be written.
  if (options.stateOut !== undefined) checkOutputFile("--state-out", options.stateOut);
  if (options.report !== undefined) checkOutputFile("--report", options.report);
  if (options.logs !== undefined) checkOutputFile("--logs", options.logs);
  const say = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  if (options.synth) synthesize(options);

  const t0 = Date.now();
  const stack = loadSynthesizedStack(options.outdir, options.stack);
  const stackFile = path.relative(process.cwd(), path.join(stack.directory, STACK_FILE));
  if (options.replay && Object.keys(stack.document.resource?.aws_cloudwatch_event_archive ?? {}).length === 0)
    throw new UsageError(`--replay: stack ${options.stack} declares no aws_cloudwatch_event_archive to replay from`);
  const stale = newestInputSince(fs.statSync(path.join(stack.directory, STACK_FILE)).mtimeMs);
  if (stale)
    process.stderr.write(
      `warning: ${stackFile} is older than ${stale}: run \`npm run synth\` (or add --synth) to run what you changed.\n`,
    );

  const logFile = path.resolve(options.logs ?? path.join(".build", "local", options.stack, "functions.log"));
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.writeFileSync(logFile, "");

  const random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 31));
  const runtime = await LocalRuntime.start({
    stack,
    variables: { env: process.env, arguments: options.variables },
    timeScale: options.timeScale,
    seed: Math.floor(random() * 2 ** 31),
    ...(options.faults ? { faults: options.faults } : {}),
    businessErrors: Object.values(BusinessError),
    iam: options.iam,
    maxSandboxes: options.maxSandboxes,
    logFile,
    echoLogs: options.verbose,
    retainTrace: !options.load,
    // The report draws the path of every execution, load runs included.
    traceStates: !options.load || options.report !== undefined,
    // The Order function is warmed first (below); the others start while the first order runs.
    warm: "none",
  });
  const interrupt = new Interrupt();
  const recorder = options.report !== undefined ? new RunRecorder(runtime.trace) : undefined;
  try {
    for (const line of startupReport(runtime, stackFile, Date.now() - t0)) say(line);
    say(`Function output: ${path.relative(process.cwd(), logFile)}`);
    const parts = pipelineParts(runtime);
    const warmed = runtime.warm([parts.orderFunction]);
    if (options.load) await warmed;
    else await parts.orderFunction.warm();
    // bench/local.js times start-up to the first accepted order by this mark.
    let marked = !process.env.ORDERS_LOCAL_TIMING_MARKS;
    const onAccepted = () => {
      if (marked) return;
      marked = true;
      process.stderr.write(`@first-order-accepted ${Date.now()}\n`);
    };
    const driver = new OrderDriver(runtime, parts, { timeoutMs: options.timeoutSeconds * 1000, onAccepted });
    // What finished so far: the measured orders (a Ctrl-C reports these), the warm-up's, the clock.
    const run = {
      measured: [] as OrderOutcome[],
      warmup: [] as OrderOutcome[],
      started: Date.now(),
      cpu: process.cpuUsage(),
      total: 0,
    };
    let deadLettersBefore = new Map<string, number>();
    // After Ctrl-C the orders in flight may still end: they are neither counted nor drawn.
    const finished = (into: OrderOutcome[], outcome: OrderOutcome, progress: Progress) => {
      if (interrupt.aborted) return;
      into.push(outcome);
      progress.tick(outcome);
    };

    const submitAll = async (): Promise<void> => {
      if (options.load) {
        const { count, concurrency, warmup } = options.load;
        const products = (await stockCatalogue(runtime, parts, undefined, options.catalogue)).slice();
        const runId = `load-${Date.now().toString(36)}`;
        // The measured orders first: the same seed gives the same measured orders whatever the warm-up.
        const measured = generateOrders(count, products, random, runId);
        const warmupOrders = generateOrders(warmup, products, random, `${runId}-warmup`);
        const catalogue = await stockCatalogue(
          runtime,
          parts,
          Math.max(100, stockFor([...warmupOrders, ...measured])),
          options.catalogue,
        );
        say(`Stocked ${catalogue.length} products with ${catalogue[0]?.stock} units each.`);
        if (warmup > 0) {
          say(`Warming up with ${warmup} orders, ${concurrency} at a time (not counted).`);
          const progress = new Progress(warmup);
          await runOrders(driver, warmupOrders, concurrency, {
            signal: interrupt.signal,
            onOutcome: (o) => finished(run.warmup, o, progress),
          });
          if (interrupt.aborted) return;
          await runtime.idle(options.timeoutSeconds * 1000).catch(() => undefined);
          deadLettersBefore = deadLetterCounts(runtime);
        }
        say(
          `Submitting ${count} orders, ${concurrency} at a time${
            options.faults
              ? `, failing ${Object.entries(options.faults)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(",")}`
              : ""
          }.`,
        );
        const progress = new Progress(count);
        run.total = count;
        // Only the measured orders' work is priced.
        await runtime.usage.usage({ reset: true });
        run.started = Date.now();
        run.cpu = process.cpuUsage();
        await runOrders(driver, measured, concurrency, {
          signal: interrupt.signal,
          onOutcome: (o) => finished(run.measured, o, progress),
        });
      } else {
        await stockCatalogue(runtime, parts, undefined, options.catalogue);
        // With --event alone, only the events run.
        const sample = options.events.length > 0 ? [] : [{ file: "the stack's sample order", order: SAMPLE_ORDER }];
        const submissions = options.orders.length > 0 ? options.orders : sample;
        run.total = submissions.length;
        await runtime.usage.usage({ reset: true });
        run.started = Date.now();
        for (const [i, { file, order }] of submissions.entries()) {
          if (interrupt.aborted) return;
          const outcome = { ...(await driver.submit(order)), index: i };
          await runtime.idle(options.timeoutSeconds * 1000).catch(() => undefined);
          if (interrupt.aborted) return;
          run.measured.push(outcome);
          say("");
          say(`Order ${i + 1} of ${submissions.length} (${file}): ${outcome.orderId ?? "no order id"}`);
          for (const line of orderPath(runtime.trace.since(outcome.traceFrom), outcome)) say(`  ${line}`);
        }
      }
    };
    const events: RawEventOutcome[] = [];
    // The orders' work, priced before any --event adds its own.
    let priced: PricedUsage | undefined;
    const putEvents = async (): Promise<void> => {
      if (options.events.length === 0 || interrupt.aborted) return;
      await runtime.idle(options.timeoutSeconds * 1000).catch(() => undefined);
      if (run.measured.length > 0) priced = await pricedUsage(runtime, run.measured.length);
      for (const [i, { file, entry }] of options.events.entries()) {
        if (interrupt.aborted) return;
        const [outcome] = await putRawEvents(runtime, [entry], options.timeoutSeconds * 1000);
        if (!outcome) continue;
        events.push(outcome);
        say("");
        say(`Event ${i + 1} of ${options.events.length} (${file}): "${entry.DetailType}" from ${entry.Source}`);
        for (const line of eventPath(runtime.trace.since(outcome.traceFrom), outcome)) say(`  ${line}`);
      }
    };
    const runStart = Date.now();
    await Promise.race([submitAll().then(putEvents), interrupt.interrupted]);
    const interrupted = interrupt.aborted;
    if (interrupted) stopping = true;
    const wallMs = Date.now() - run.started;
    const cpuMs = options.load ? cpuMsSince(run.cpu) : undefined;
    driver.close();
    recorder?.close();
    if (!interrupted)
      await runtime
        .idle(options.timeoutSeconds * 1000)
        .catch((error: Error) => process.stderr.write(`warning: ${error.message}\n`));

    const outcomes = [...run.measured].sort((a, b) => a.index - b.index);
    const summary = summarize(outcomes, wallMs);
    say("");
    if (interrupted) say(`Interrupted: ${outcomes.length} of ${run.total} orders finished; the summary counts those.`);
    for (const line of summaryLines(summary, wallMs, cpuMs)) say(line);
    if (!priced && outcomes.length > 0) priced = await pricedUsage(runtime, outcomes.length);
    if (priced) for (const line of costLines(priced)) say(line);
    const breakdown = failureBreakdown(outcomes);
    if (breakdown.length > 0) {
      say("Outcomes other than COMPLETED:");
      for (const line of breakdown) say(line);
    }
    // Dead letters of the measured orders only (a warm-up's are in --state-out).
    const dlq = [...deadLetterCounts(runtime)]
      .map(([name, n]) => [name, n - (deadLettersBefore.get(name) ?? 0)] as const)
      .filter(([, n]) => n > 0);
    if (dlq.length > 0) say(`Dead-letter queues: ${dlq.map(([name, n]) => `${name} ${n}`).join(", ")}`);
    // After the run's own work has ended: a replay's effects are then its own.
    let replays: ReplayOutcome[] | undefined;
    if (options.replay && !interrupted) {
      const window = replayWindow(options.replay, runStart, Date.now());
      replays = await replayArchives(runtime, parts, window, options.timeoutSeconds * 1000);
      say("");
      for (const line of replayLines(replays)) say(line);
    }
    if (options.stateOut) {
      fs.mkdirSync(path.dirname(path.resolve(options.stateOut)), { recursive: true });
      fs.writeFileSync(options.stateOut, `${JSON.stringify(await runtime.snapshot(), null, 2)}\n`);
      say(`State written to ${options.stateOut}`);
    }
    if (options.report && recorder) {
      const subtitle = `npm run local -- ${argv.filter((a) => a !== "--").join(" ")}`.trim();
      writeReport(
        options.report,
        await reportPage(runtime, recorder, { outcomes, summary, wallMs, interrupted, subtitle }),
      );
      say(`Report written to ${options.report}`);
    }
    if (options.json) {
      const document = jsonDocument(outcomes, priced ? { ...summary, ...pricedSummary(priced) } : summary, events);
      process.stdout.write(`${JSON.stringify(replays ? { ...document, replay: replays } : document, null, 2)}\n`);
    }
    if (interrupted) return INTERRUPTED_EXIT_STATUS;
    const stuck = [...run.warmup, ...outcomes].filter((o) => o.error && STUCK.has(o.error.name));
    if (stuck.length > 0) {
      process.stderr.write(
        `${stuck.length} order(s) never reached COMPLETED or FAILED (first: ${stuck[0]?.error?.name}: ${stuck[0]?.error?.message})\n`,
      );
      return 1;
    }
    return 0;
  } finally {
    interrupt.dispose();
    await runtime.stop();
  }
}

/** Messages in each queue, by name. */
function deadLetterCounts(runtime: LocalRuntime): Map<string, number> {
  return new Map(runtime.queues.all().map((q) => [q.name, q.messages.length]));
}

/** CPU time of the whole process (every thread) since `start`, in ms. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

/** Runs `npm run synth` for the stack's environment; its output goes to stderr. */
function synthesize(options: CliOptions): void {
  const named = environmentOfStack(options.stack) !== undefined;
  process.stderr.write(`Synthesizing${named ? ` ${options.stack}` : ""} (npm run synth)...\n`);
  const command = synthCommand(options.stack, options.outdir);
  const result = spawnSync(command.file, command.args, {
    stdio: ["ignore", process.stderr, process.stderr],
    env: command.env,
  });
  if (result.status !== 0)
    throw new UsageError(`npm run synth failed (exit ${result.status}); fix the error above and run again`);
}

const verbose = process.argv.includes("--verbose");
// Anything that escapes is one line (a stack trace with --verbose); work still in flight when Ctrl-C
// stopped the runtime fails on its own, which is no news.
const escaped = (error: unknown) => {
  if (!stopping) process.exit(reportFailure(error, verbose));
};
process.on("unhandledRejection", escaped);
process.on("uncaughtException", escaped);
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const code = reportFailure(error, verbose);
    process.exit(stopping ? INTERRUPTED_EXIT_STATUS : code);
  },
);
