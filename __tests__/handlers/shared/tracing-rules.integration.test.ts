/**
 * `tracingEnabled` decides, before the Tracer is loaded, what Powertools' Tracer would decide once
 * loaded: both are asked about the same environments (the Tracer in a process of its own, so its
 * X-Ray SDK and async hooks stay out of this test worker).
 */
import { spawnSync } from "node:child_process";
import { tracingEnabled } from "../../../handlers/shared/observability";
import { PROJECT_ROOT } from "../../support/bundles";

const lambda = { AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x" };
const CASES: Record<string, string>[] = [
  lambda,
  { ...lambda, POWERTOOLS_TRACE_ENABLED: "true" },
  { ...lambda, POWERTOOLS_TRACE_ENABLED: "false" },
  { ...lambda, POWERTOOLS_TRACE_ENABLED: " FALSE " },
  { ...lambda, AWS_SAM_LOCAL: "true" },
  { ...lambda, AWS_SAM_LOCAL: " " },
  { AWS_EXECUTION_ENV: "AWS_Lambda_amplify-mock" },
  { AWS_EXECUTION_ENV: " " },
  {},
];

test("agrees with Powertools' Tracer on every environment", () => {
  const probe = `
    const { Tracer } = require("@aws-lambda-powertools/tracer");
    const names = ["AWS_EXECUTION_ENV", "POWERTOOLS_TRACE_ENABLED", "AWS_SAM_LOCAL"];
    const answers = JSON.parse(process.argv[1]).map((env) => {
      for (const name of names) delete process.env[name];
      Object.assign(process.env, env);
      return new Tracer({ serviceName: "probe" }).isTracingEnabled();
    });
    process.stdout.write(JSON.stringify(answers));`;
  const run = spawnSync(process.execPath, ["-e", probe, JSON.stringify(CASES)], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      AWS_REGION: "us-east-1",
      AWS_XRAY_CONTEXT_MISSING: "IGNORE_ERROR",
      POWERTOOLS_LOG_LEVEL: "SILENT",
    },
  });
  expect(run.status).toBe(0);
  const powertools = JSON.parse(run.stdout) as boolean[];
  expect(CASES.map((env) => ({ env, enabled: tracingEnabled(env) }))).toEqual(
    CASES.map((env, i) => ({ env, enabled: powertools[i] })),
  );
});
