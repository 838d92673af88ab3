import { UserInputError } from "../../user-input-error";
import { FaultDecider, FunctionSpec, InjectedFault, InvocationCaller } from "./lambda/local-function";
import { AwsServiceError } from "./service-error";
import type { TaskBackends } from "./stepfunctions/task-bindings";

/** A `--fail` value that cannot be used; the message says what is expected. */
export class FaultSpecError extends UserInputError {
  override readonly name = "FaultSpecError";
}

/** The suffix of a `--fail` key that kills a service's function after its code ran (`order-crash=0.2`). */
const CRASH_SUFFIX = "-crash";

/** Parses `payment=0.2,inventory=0.1,order-crash=0.2` into rates (0 to 1) by service (or service-crash). */
export function parseFaultSpec(text: string): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const part of text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z0-9_-]+)\s*=\s*([0-9]*\.?[0-9]+)$/.exec(part);
    if (!m) throw new FaultSpecError(`--fail "${part}" must look like service=rate, e.g. payment=0.2`);
    const rate = Number(m[2]);
    if (!(rate >= 0 && rate <= 1))
      throw new FaultSpecError(`--fail ${m[1]}: the rate must be from 0 to 1, got ${m[2]}`);
    rates[m[1] as string] = rate;
  }
  if (Object.keys(rates).length === 0)
    throw new FaultSpecError(`--fail needs at least one service=rate, e.g. payment=0.2`);
  return rates;
}

/** The service a function belongs to, for `--fail`: its Powertools service name, or its name's last part. */
function serviceOf(fn: Pick<FunctionSpec, "name" | "environment">): string {
  return fn.environment.POWERTOOLS_SERVICE_NAME ?? fn.name.split("-").pop() ?? fn.name;
}

export interface FaultInjectionOptions {
  /** Failure rate per service (`serviceOf`) or function name. */
  readonly rates: Readonly<Record<string, number>>;
  /** Error names that are business outcomes (a caller catching one of them can be answered with it). */
  readonly businessErrors: readonly string[];
  readonly random: () => number;
}

/** Lambda service errors a transient fault can be, with their HTTP status. */
const SERVICE_ERRORS: readonly [string, number][] = [
  ["ServiceException", 500],
  ["TooManyRequestsException", 429],
];

/**
 * Decides, before the code runs, whether an invocation fails on purpose. Of the invocations of a
 * service with rate r, a share r fails:
 *  - called by a state that catches one of the business errors: half of them answer with that error,
 *    as the service would (e.g. PaymentDeclined); the other half, and every other synchronous call,
 *    fail as Lambda does under load (`Lambda.ServiceException` or `TooManyRequestsException`, preferring
 *    one the calling state retries), without running the code;
 *  - asynchronous (EventBridge) invocations fail as a function error (`InjectedFault`), so Lambda's
 *    asynchronous retries and the on-failure destination take over.
 * Of the invocations of a service with a `<service>-crash` rate r, a share r runs to its end (every
 * write it makes happens) and then dies before answering (Runtime.ExitError).
 */
export function faultInjector(options: FaultInjectionOptions): FaultDecider {
  let rotate = 0;
  return (fn: FunctionSpec, caller: InvocationCaller, invocationType): InjectedFault | undefined => {
    const rate = options.rates[fn.name] ?? options.rates[serviceOf(fn)] ?? 0;
    if (rate <= 0 || options.random() >= rate) {
      const crashKey = [`${fn.name}${CRASH_SUFFIX}`, `${serviceOf(fn)}${CRASH_SUFFIX}`].find(
        (k) => options.rates[k] !== undefined,
      );
      const crashRate = crashKey ? (options.rates[crashKey] as number) : 0;
      if (crashRate > 0 && options.random() < crashRate)
        return { kind: "crash", message: `fault injected by --fail ${crashKey}=${crashRate}` };
      return undefined;
    }
    const message = `fault injected by --fail ${serviceOf(fn)}=${rate}`;
    if (invocationType === "Event") {
      return { kind: "transient", error: { errorType: "InjectedFault", errorMessage: message, trace: [] } };
    }
    if (caller.kind === "state-machine") {
      const business = caller.catches.filter((e) => options.businessErrors.includes(e));
      if (business.length > 0 && options.random() < 0.5) {
        const errorType = business[0] as string;
        return { kind: "business", error: { errorType, errorMessage: `${errorType}: ${message}`, trace: [] } };
      }
      const retried = SERVICE_ERRORS.filter(([name]) => caller.retries.includes(`Lambda.${name}`));
      const [name, status] = (retried.length > 0 ? retried : SERVICE_ERRORS)[
        rotate++ % (retried.length || SERVICE_ERRORS.length)
      ] as [string, number];
      return {
        kind: "transient",
        serviceError: new AwsServiceError(name, `Rate exceeded or service unavailable: ${message}`, {
          statusCode: status,
        }),
      };
    }
    const [name, status] = SERVICE_ERRORS[rotate++ % SERVICE_ERRORS.length] as [string, number];
    return {
      kind: "transient",
      serviceError: new AwsServiceError(name, `Rate exceeded or service unavailable: ${message}`, {
        statusCode: status,
      }),
    };
  };
}

/** Fails with a message listing the services when a `--fail` key names none of the functions. */
export function checkFaultTargets(
  rates: Readonly<Record<string, number>>,
  functions: readonly Pick<FunctionSpec, "name" | "environment">[],
): void {
  const known = new Set(
    functions.flatMap((f) => [f.name, serviceOf(f), `${f.name}${CRASH_SUFFIX}`, `${serviceOf(f)}${CRASH_SUFFIX}`]),
  );
  for (const key of Object.keys(rates)) {
    if (!known.has(key)) {
      throw new FaultSpecError(
        `--fail ${key}: no such service; the stack's services are ${[...new Set(functions.map(serviceOf))].sort().join(", ")} (add ${CRASH_SUFFIX} to one to kill its function after its code ran)`,
      );
    }
  }
}

/** The first decision of `deciders`: a test's own decider before the `--fail` rates, say. */
export function firstFault(...deciders: readonly (FaultDecider | undefined)[]): FaultDecider | undefined {
  const given = deciders.filter((d): d is FaultDecider => d !== undefined);
  if (given.length <= 1) return given[0];
  return (fn, caller, invocationType, event) => {
    for (const decide of given) {
      const fault = decide(fn, caller, invocationType, event);
      if (fault) return fault;
    }
    return undefined;
  };
}

/** A call a state machine's Task is about to make to DynamoDB or EventBridge. */
export interface TaskCall {
  readonly stateMachine: string;
  readonly state: string;
  readonly service: "dynamodb" | "events";
  /** The API action (`UpdateItem`, `PutEvents`). */
  readonly action: string;
  /** The request as the API takes it (PutEvents: its entries). */
  readonly request: unknown;
}

/**
 * What the call answers instead of the service: an error the service raises (named as the service
 * names it, e.g. ProvisionedThroughputExceededException), or every entry of a PutEvents failed with a code.
 */
export type TaskFault =
  | { readonly kind: "error"; readonly error: AwsServiceError }
  | { readonly kind: "failed-entries"; readonly errorCode: string; readonly errorMessage: string };

/** Asked before each DynamoDB or EventBridge call of a Task: a fault to answer with, or undefined to make the call. */
export type TaskFaultDecider = (call: TaskCall) => TaskFault | undefined;

/** `backends` as one state of `stateMachine` calls them, each DynamoDB and PutEvents call first offered to `decide`. */
export function withTaskFaults(
  backends: TaskBackends,
  decide: TaskFaultDecider,
  where: { readonly stateMachine: string; readonly state: string },
): TaskBackends {
  return {
    ...backends,
    dynamodb: (action, request) => {
      const fault = decide({ ...where, service: "dynamodb", action, request });
      if (fault?.kind === "error") return Promise.reject(fault.error);
      return backends.dynamodb(action, request);
    },
    putEvents: async (entries, caller) => {
      const fault = decide({ ...where, service: "events", action: "PutEvents", request: entries });
      if (fault?.kind === "error") throw fault.error;
      if (fault?.kind === "failed-entries")
        return {
          FailedEntryCount: entries.length,
          Entries: entries.map(() => ({ ErrorCode: fault.errorCode, ErrorMessage: fault.errorMessage })),
        };
      return backends.putEvents(entries, caller);
    },
  };
}
