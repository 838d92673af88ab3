/**
 * Powertools logger, metrics and tracer for a service, and the wrapper every handler
 * runs in. Metrics follow POWERTOOLS_METRICS_DISABLED / POWERTOOLS_DEV, and the
 * namespace defaults to `MetricsNamespace` unless POWERTOOLS_METRICS_NAMESPACE says
 * otherwise.
 *
 * Powertools' Tracer is loaded only where it would trace (`tracingEnabled`): loading it
 * brings in the X-Ray SDK, whose async hooks tax every promise of the function even
 * when the Tracer then disables itself.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Tracer } from "@aws-lambda-powertools/tracer";
import type { Context } from "aws-lambda";

/** The CloudWatch namespace of the services' custom metrics. */
const MetricsNamespace = "OrderPipeline";

/** What the handlers use of Powertools' Tracer. */
export type HandlerTracer = Pick<
  Tracer,
  | "captureAWSv3Client"
  | "getSegment"
  | "setSegment"
  | "annotateColdStart"
  | "addServiceNameAnnotation"
  | "addResponseAsMetadata"
  | "addErrorAsMetadata"
>;

/** The tracer of a function that does not trace: clients stay as they are, nothing is recorded. */
export const untracedTracer: HandlerTracer = {
  captureAWSv3Client: (client) => client,
  getSegment: () => undefined,
  setSegment: () => undefined,
  annotateColdStart: () => undefined,
  addServiceNameAnnotation: () => undefined,
  addResponseAsMetadata: () => undefined,
  addErrorAsMetadata: () => undefined,
};

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: HandlerTracer;
}

export function createObservability(serviceName: string, tracer: HandlerTracer = untracedTracer): Observability {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || MetricsNamespace, serviceName }),
    tracer,
  };
}

/**
 * Whether Powertools' Tracer would trace here, by its own rules: not when
 * POWERTOOLS_TRACE_ENABLED is "false", not under SAM local (AWS_SAM_LOCAL, which the
 * local runtime sets too) or Amplify's mock, and only inside Lambda (AWS_EXECUTION_ENV).
 */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const read = (name: string) => (env[name] ?? "").trim();
  if (read("POWERTOOLS_TRACE_ENABLED").toLowerCase() === "false") return false;
  if (read("AWS_SAM_LOCAL") !== "") return false;
  const executionEnv = read("AWS_EXECUTION_ENV");
  return executionEnv !== "" && executionEnv !== "AWS_Lambda_amplify-mock";
}

type TracerModule = typeof import("@aws-lambda-powertools/tracer");

function loadTracer(): Promise<TracerModule> {
  const loading = import("@aws-lambda-powertools/tracer");
  loading.catch(() => undefined); // surfaces when awaited, not as an unhandled rejection
  return loading;
}

// Started when the bundle loads, so a traced function loads the Tracer during Lambda's init phase.
let tracerModule: Promise<TracerModule> | undefined = tracingEnabled() ? loadTracer() : undefined;

/** Observability for a Lambda entry point: with Powertools' Tracer when `tracingEnabled`, without it loaded otherwise. */
export async function observabilityFromEnv(serviceName: string): Promise<Observability> {
  if (!tracingEnabled()) return createObservability(serviceName);
  try {
    const { Tracer } = await (tracerModule ??= loadTracer());
    return createObservability(serviceName, new Tracer({ serviceName }));
  } catch (error) {
    tracerModule = undefined;
    throw error;
  }
}

/**
 * Builds a value once, on first use, for entry points whose dependencies are built
 * asynchronously; a failed build is not kept, so the next invocation tries again.
 */
export function buildOnce<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () =>
    (built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    }));
}

export { MetricUnit };

/**
 * Runs one invocation inside a handler subsegment, with the Lambda context on the
 * logger, the cold-start metric, errors logged with their name, and metrics flushed.
 */
export async function instrumented<R>(
  obs: Observability,
  context: Context | undefined,
  run: () => Promise<R>,
): Promise<R> {
  const { logger, metrics, tracer } = obs;
  if (context) logger.addContext(context);
  metrics.captureColdStartMetric();
  const segment = tracer.getSegment();
  const subsegment = segment?.addNewSubsegment(`## ${process.env._HANDLER ?? "handler"}`);
  if (subsegment) tracer.setSegment(subsegment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  try {
    const result = await run();
    tracer.addResponseAsMetadata(result as never);
    return result;
  } catch (error) {
    tracer.addErrorAsMetadata(error as Error);
    throw error;
  } finally {
    if (segment && subsegment) {
      subsegment.close();
      tracer.setSegment(segment);
    }
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    logger.resetKeys();
  }
}
