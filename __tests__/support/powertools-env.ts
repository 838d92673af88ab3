/**
 * Powertools settings for tests: no X-Ray, no EMF output, quiet logs. Import this
 * before anything that constructs a Logger, Metrics or Tracer.
 */
process.env.POWERTOOLS_TRACE_ENABLED ??= "false";
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
process.env.POWERTOOLS_METRICS_NAMESPACE ??= "OrderPipelineTest";
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
process.env.AWS_REGION ??= "us-east-1";

export {};
