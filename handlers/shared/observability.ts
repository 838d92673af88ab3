/**
 * Powertools logger, metrics and tracer for a service, and the wrapper every handler
 * runs in. Outside Lambda the tracer disables itself; metrics follow
 * POWERTOOLS_METRICS_DISABLED / POWERTOOLS_DEV, and the namespace defaults to
 * `MetricsNamespace` unless POWERTOOLS_METRICS_NAMESPACE says otherwise.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import type { Context } from "aws-lambda";

/** The CloudWatch namespace of the services' custom metrics. */
export const MetricsNamespace = "OrderPipeline";

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
}

export function createObservability(serviceName: string): Observability {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || MetricsNamespace, serviceName }),
    tracer: new Tracer({ serviceName }),
  };
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
