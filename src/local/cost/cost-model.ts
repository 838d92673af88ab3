import { PRICES_AS_OF, PriceTable, US_EAST_1 } from "./prices";
import type { Usage } from "../runtime/usage";

/** What a million orders cost, by service, at the price table's prices. */
export interface Cost {
  readonly currency: "USD";
  readonly perMillionOrders: number;
  readonly byService: Readonly<Record<string, number>>;
  readonly pricesAsOf: string;
}

export interface CostOptions {
  /** Price every state machine as this type instead of its own (what-if: the same run on EXPRESS). */
  readonly workflowType?: "STANDARD" | "EXPRESS";
  readonly prices?: PriceTable;
}

const cents = (usd: number) => Math.round(usd * 100) / 100;

/**
 * Turns what `orders` orders used into dollars per million orders. Each service's figure is rounded
 * to the cent and the total is their sum, so the parts add up to the whole.
 */
export function costPerMillionOrders(usage: Usage, orders: number, options: CostOptions = {}): Cost {
  if (!Number.isInteger(orders) || orders <= 0) throw new Error(`orders must be a positive integer, got ${orders}`);
  const p = options.prices ?? US_EAST_1;
  const sum = <T>(items: Iterable<T>, f: (item: T) => number) => {
    let total = 0;
    for (const item of items) total += f(item);
    return total;
  };
  const lambdas = Object.values(usage.lambda);
  const machines = Object.values(usage.stepFunctions);
  const tables = Object.values(usage.dynamodb);
  const usd: Record<string, number> = {
    lambda: sum(lambdas, (l) => l.requests * p.lambdaRequest.usd + l.gbSeconds * p.lambdaArmGbSecond.usd),
    stepFunctions: sum(machines, (m) =>
      (options.workflowType ?? m.type) === "EXPRESS"
        ? m.executions * p.expressRequest.usd + m.expressGbSeconds * p.expressGbSecond.usd
        : m.transitions * p.standardTransition.usd,
    ),
    dynamodb: sum(tables, (t) => t.readUnits * p.dynamodbReadUnit.usd + t.writeUnits * p.dynamodbWriteUnit.usd),
    eventbridge:
      usage.eventbridge.events * p.customEvent.usd + usage.eventbridge.deliveries * p.sameAccountDelivery.usd,
    pipes: sum(Object.values(usage.pipes), (pipe) => pipe.requests * p.pipeRequest.usd),
    sqs: usage.sqs.requests * p.sqsRequest.usd,
    cloudwatchLogs: (sum(Object.values(usage.logs), (bytes) => bytes) / 1024 ** 3) * p.logsIngestedGb.usd,
    xray: usage.xray.traces * p.xrayTrace.usd,
  };
  const byService = Object.fromEntries(Object.entries(usd).map(([service, v]) => [service, cents((v / orders) * 1e6)]));
  return {
    currency: "USD",
    perMillionOrders: cents(Object.values(byService).reduce((a, b) => a + b, 0)),
    byService,
    pricesAsOf: PRICES_AS_OF,
  };
}

/**
 * The usage of one order on average: SDK calls by function, the calls the state machines and pipes
 * make as service integrations (`states`, the pipe's name), DynamoDB requests served.
 */
export function usagePerOrder(usage: Usage, orders: number) {
  const per = (n: number) => Math.round((n / orders) * 100) / 100;
  const total = (calls: Readonly<Record<string, number>>) => per(Object.values(calls).reduce((a, b) => a + b, 0));
  const callers = Object.entries(usage.sdkCalls);
  return {
    sdkCallsByFunction: Object.fromEntries(
      callers.filter(([caller]) => caller in usage.lambda).map(([caller, calls]) => [caller, total(calls)]),
    ),
    integrationCallsByCaller: Object.fromEntries(
      callers.filter(([caller]) => !(caller in usage.lambda)).map(([caller, calls]) => [caller, total(calls)]),
    ),
    dynamodbRequests: per(usage.dynamodbRequests),
    stateTransitions: per(Object.values(usage.stepFunctions).reduce((a, m) => a + m.transitions, 0)),
    writeRequestUnits: per(Object.values(usage.dynamodb).reduce((a, t) => a + t.writeUnits, 0)),
    readRequestUnits: per(Object.values(usage.dynamodb).reduce((a, t) => a + t.readUnits, 0)),
    logKiB: per(Object.values(usage.logs).reduce((a, b) => a + b, 0) / 1024),
    logKiBByGroup: Object.fromEntries(Object.entries(usage.logs).map(([group, bytes]) => [group, per(bytes / 1024)])),
  };
}
