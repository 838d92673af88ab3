import "../../support/powertools-env";
import { buildOnce, createObservability, tracingEnabled, untracedTracer } from "../../../handlers/shared/observability";

describe("tracingEnabled: Powertools' own rules, decided before the Tracer is loaded", () => {
  const lambda = { AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x" };
  test.each<[string, NodeJS.ProcessEnv, boolean]>([
    ["in Lambda", lambda, true],
    ["in Lambda, POWERTOOLS_TRACE_ENABLED=true", { ...lambda, POWERTOOLS_TRACE_ENABLED: "true" }, true],
    ["POWERTOOLS_TRACE_ENABLED=false", { ...lambda, POWERTOOLS_TRACE_ENABLED: "false" }, false],
    ["POWERTOOLS_TRACE_ENABLED=FALSE", { ...lambda, POWERTOOLS_TRACE_ENABLED: "FALSE" }, false],
    ["under SAM local or the local runtime", { ...lambda, AWS_SAM_LOCAL: "true" }, false],
    ["under Amplify's mock", { AWS_EXECUTION_ENV: "AWS_Lambda_amplify-mock" }, false],
    ["outside Lambda", {}, false],
  ])("%s: %s", (_case, env, expected) => {
    expect(tracingEnabled(env)).toBe(expected);
  });
});

test("without a tracer, clients are used as they are and nothing is recorded", () => {
  const obs = createObservability("order");
  const client = { send: jest.fn() };
  expect(obs.tracer).toBe(untracedTracer);
  expect(obs.tracer.captureAWSv3Client(client)).toBe(client);
  expect(obs.tracer.getSegment()).toBeUndefined();
});

describe("buildOnce", () => {
  test("builds on first use and hands the same value to every later call", async () => {
    const build = jest.fn(async () => ({ built: true }));
    const get = buildOnce(build);
    expect(build).not.toHaveBeenCalled();
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toBe(b);
    expect(await get()).toBe(a);
    expect(build).toHaveBeenCalledTimes(1);
  });

  test("does not keep a failed build: the next call tries again", async () => {
    const build = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(new Error("environment variable X is required"))
      .mockResolvedValueOnce("ok");
    const get = buildOnce(build);
    await expect(get()).rejects.toThrow("environment variable X is required");
    await expect(get()).resolves.toBe("ok");
    expect(build).toHaveBeenCalledTimes(2);
  });
});
