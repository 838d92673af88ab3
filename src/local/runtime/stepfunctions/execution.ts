// aws-local-stepfunctions needs Promise.withResolvers (Node 22); added on Node 20.
import "../../polyfills";
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type StateMachineDefinition,
} from "aws-local-stepfunctions";
import { RetryCounter, judged, observed, retryWaitMs, type Retrier } from "./error-handling";
import { answerScalarsWithoutThrow } from "./jsonpath-scalars";
import { DataLimitExceeded, MAX_PAYLOAD_BYTES, payloadBytes, resultSubject } from "./payload-limit";
import { TaskError, taskStates, type AslMachine, type AslState } from "./task-bindings";

answerScalarsWithoutThrow();

/** An entry of the library's execution event log. */
export type EventLog = ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

/** Who runs: the names and ARNs the context object reports. */
export interface ExecutionIdentity {
  readonly executionArn: string;
  readonly executionName: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  /** The state machine's role (`role_arn`); empty when the stack gives none. */
  readonly roleArn: string;
  /** Times the execution was redriven (the context object's `Execution.RedriveCount`). Default 0. */
  readonly redriveCount?: number;
}

export interface ExecutionSettings {
  /** The local handler of each Task state, by state name (its input once Parameters are applied). */
  readonly tasks: Readonly<Record<string, (input: unknown) => Promise<unknown>>>;
  /** Real milliseconds for a nominal wait: the runtime's time scale. */
  readonly scaled: (nominalMs: number) => number;
  /** The source of retry jitter (seeded in the runtime). */
  readonly random: () => number;
  /** Every retry waits this many real ms instead of its back-off (tests). */
  readonly retryDelayMs?: number;
  /** Each entry of the library's event log, as it is read. */
  readonly onEvent?: (event: EventLog) => void;
  /** Where to begin: a top-level state (a redrive), instead of the definition's StartAt. */
  readonly startAt?: string;
  /** Told, before an unsuccessful outcome is answered, where the execution stopped (the redrive point). */
  readonly onStopped?: (at: StoppedAt) => void;
}

/** The top-level state an unsuccessful execution stopped in, and the input it entered it with. */
export interface StoppedAt {
  readonly state: string;
  readonly input: unknown;
}

export interface ExecutionOutcome {
  readonly status: "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

/** One entry into a state, as the context object's `State` reports it. */
interface StateEntry {
  readonly name: string;
  readonly enteredTime: string;
  readonly retries: RetryCounter;
}

const TERMINAL_EVENTS = new Set(["ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimeout"]);

/**
 * Runs one execution of a definition with aws-local-stepfunctions, adding what the library leaves
 * out so that it behaves as Step Functions does:
 *
 *  - the context object's documented fields ("Accessing execution data from the Context object",
 *    input-output-contextobject.html): Execution Id, Input, Name, RoleArn, StartTime, RedriveCount;
 *    State Name, EnteredTime, RetryCount; StateMachine Id, Name. The library is told of each state it
 *    enters through the definition's `States`, which it reads on every transition;
 *  - the 256 KiB payload limit with `States.DataLimitExceeded`: a Task's input once its Parameters
 *    are applied and its result fail the state; a state's output over the limit fails the execution;
 *  - error matching as Step Functions matches (errorMatches: what States.ALL and States.TaskFailed do
 *    not match), for the errors of Tasks, in their own Retry and Catch and in enclosing states';
 *  - a Task's retries decided as the docs describe (RetryCounter), each waiting its back-off,
 *    MaxDelaySeconds and jitter (drawn from `random`), scaled by the time scale, through the
 *    library's interval overrides; a Task's TimeoutSeconds per attempt. A Parallel or Map state's
 *    retriers have their intervals scaled and the library's own counting, back-off and jitter.
 */
export function runExecution(
  definition: AslMachine,
  input: unknown,
  identity: ExecutionIdentity,
  settings: ExecutionSettings,
): Promise<ExecutionOutcome> {
  /** A state output over the limit, seen in the event log: the execution fails with it. */
  let tooLarge: DataLimitExceeded | undefined;
  const entries = new Map<string, StateEntry>();
  let current: StateEntry | undefined;
  const enter = (name: string, state: AslState) => {
    current = { name, enteredTime: new Date().toISOString(), retries: new RetryCounter(state.Retry ?? []) };
    entries.set(name, current);
  };

  const retrierView =
    (state: AslState) =>
    (r: Retrier): Retrier => {
      if (state.Type === "Task") {
        // The Task's own RetryCounter decides; the library must not stop earlier by its count per
        // retrier (it counts per error name only when one name is listed).
        const names = r.ErrorEquals.some((e) => e === "States.ALL" || e === "States.TaskFailed")
          ? 10
          : r.ErrorEquals.length;
        return state.TimeoutSecondsPath === undefined ? { ...r, MaxAttempts: (r.MaxAttempts ?? 3) * names } : r;
      }
      return {
        ...r,
        IntervalSeconds: settings.scaled((r.IntervalSeconds ?? 1) * 1000) / 1000,
        ...(r.MaxDelaySeconds !== undefined
          ? { MaxDelaySeconds: settings.scaled(r.MaxDelaySeconds * 1000) / 1000 }
          : {}),
      };
    };
  const instrument = (machine: AslMachine): AslMachine => {
    const states: Record<string, AslState> = {};
    for (const [name, state] of Object.entries(machine.States)) {
      const view: Record<string, unknown> = { ...state };
      if (state.Retry) view.Retry = observed(state.Retry.map(retrierView(state)), name);
      if (state.Catch) view.Catch = observed(state.Catch, name);
      if (state.Branches) view.Branches = state.Branches.map(instrument);
      if (state.Iterator) view.Iterator = instrument(state.Iterator);
      if (state.ItemProcessor) view.ItemProcessor = instrument(state.ItemProcessor);
      states[name] = view as unknown as AslState;
    }
    const originals = machine.States;
    return {
      ...machine,
      States: new Proxy(states, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (typeof key === "string" && Object.hasOwn(originals, key)) enter(key, originals[key] as AslState);
          return value;
        },
      }),
    };
  };

  const retryOverrides: Record<string, number | number[]> = {};
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [name, state] of taskStates(definition)) {
    const task = settings.tasks[name];
    if (!task) continue;
    // The wait of the retry a failure earns, for whichever retrier the library then names.
    const waits = (state.Retry ?? []).map(() => 0);
    if (state.Retry) retryOverrides[name] = settings.retryDelayMs ?? waits;
    const attempt = async (taskInput: unknown) => {
      // The event log is read in microtasks: after one turn of the event loop it has been read up to
      // this state, so a task never runs after a state whose output was over the limit.
      await new Promise((resolve) => setImmediate(resolve));
      if (tooLarge) throw tooLarge;
      if (payloadBytes(taskInput) > MAX_PAYLOAD_BYTES) throw DataLimitExceeded.inputOf(name);
      const result = await task(taskInput);
      if (payloadBytes(result) > MAX_PAYLOAD_BYTES)
        throw DataLimitExceeded.resultOf(resultSubject(state.Resource ?? name));
      return result;
    };
    // The library's default Task timeout is 60 s; its timer starts just after this one.
    const timeoutMs =
      state.TimeoutSeconds !== undefined
        ? state.TimeoutSeconds * 1000
        : state.TimeoutSecondsPath === undefined
          ? 60_000
          : undefined;
    handlers[name] = (taskInput) => {
      const entry = entries.get(name) as StateEntry;
      const work = timeoutMs === undefined ? attempt(taskInput) : withTimeout(attempt(taskInput), timeoutMs);
      return work.catch((thrown: unknown) => {
        const error = thrown instanceof Error ? thrown : new TaskError("States.TaskFailed", String(thrown));
        const retry = entry.retries.fail(error.name);
        if (retry) waits.fill(Math.max(0, settings.scaled(retryWaitMs(retry.retrier, retry.attempt, settings.random))));
        throw judged(error, name, retry !== undefined);
      });
    };
  }

  const context = {
    Execution: {
      Id: identity.executionArn,
      Name: identity.executionName,
      RoleArn: identity.roleArn,
      RedriveCount: identity.redriveCount ?? 0,
    },
    State: {
      get Name() {
        return current?.name;
      },
      get EnteredTime() {
        return current?.enteredTime;
      },
      get RetryCount() {
        return current?.retries.retries ?? 0;
      },
    },
    StateMachine: { Id: identity.stateMachineArn, Name: identity.stateMachineName },
  };

  // The library validates nothing here: callers validate each definition once.
  const started = settings.startAt === undefined ? definition : { ...definition, StartAt: settings.startAt };
  const machine = new StateMachine(instrument(started) as unknown as StateMachineDefinition, {
    validationOptions: { noValidate: true },
  });
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: retryOverrides },
    context,
  });

  // Every state's output is measured as the library logs it; one over the limit stops the execution.
  let stoppedAt: StoppedAt | undefined;
  const reading = (async () => {
    for await (const event of execution.eventLogs) {
      settings.onEvent?.(event);
      if (event.type === "StateEntered" && Object.hasOwn(definition.States, event.state.name))
        stoppedAt = { state: event.state.name, input: event.state.input };
      if (!tooLarge && event.type === "StateExited" && payloadBytes(event.state.output) > MAX_PAYLOAD_BYTES) {
        tooLarge = DataLimitExceeded.resultOf(event.state.name);
        execution.abort();
      }
      if (TERMINAL_EVENTS.has(event.type)) break;
    }
  })();

  return execution.result
    .then(
      (output): ExecutionOutcome => ({ status: "SUCCEEDED", output }),
      (error: unknown): ExecutionOutcome => {
        if (error instanceof ExecutionTimeoutError)
          return { status: "TIMED_OUT", error: "States.Timeout", cause: "The execution timed out" };
        if (error instanceof ExecutionAbortedError) return { status: "ABORTED" };
        const cause = error instanceof ExecutionError ? (error as Error & { cause?: Error }).cause : (error as Error);
        return { status: "FAILED", error: cause?.name ?? "States.Runtime", cause: cause?.message ?? String(error) };
      },
    )
    .then(async (result) => {
      await reading;
      const final = tooLarge ? { status: "FAILED" as const, error: tooLarge.name, cause: tooLarge.message } : result;
      if (final.status !== "SUCCEEDED" && stoppedAt) settings.onStopped?.(stoppedAt);
      return final;
    });
}

/** `work`, or States.Timeout after `ms`. */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TaskError("States.Timeout", "States.Timeout")), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
