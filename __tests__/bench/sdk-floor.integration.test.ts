/**
 * bench/sdk-floor.js: the CPU of one SDK call and of dynalite serving it, each read from its own
 * process, and the ceiling they put on orders per second (a short run here; the bench runs 10,000 calls).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { measureSdkFloor } = require("../../bench/sdk-floor.js") as {
  measureSdkFloor(options: { warmupCalls: number; measuredCalls: number }): Promise<{
    measuredCalls: number;
    sdkCallCpuMs: number;
    dynaliteRequestCpuMs: number;
    sdkCallsPerOrder: number;
    dynamodbRequestsPerOrder: number;
    callsCpuMsPerOrder: number;
    ceilingOrdersPerSecond: number;
  }>;
};

test("measures both sides of a call and the ceiling they imply on this machine's cores", async () => {
  const floor = await measureSdkFloor({ warmupCalls: 20, measuredCalls: 60 });
  expect(floor.measuredCalls).toBe(60);
  expect(floor.sdkCallCpuMs).toBeGreaterThan(0);
  expect(floor.dynaliteRequestCpuMs).toBeGreaterThan(0);
  const perOrder = floor.sdkCallsPerOrder * floor.sdkCallCpuMs + floor.dynamodbRequestsPerOrder * floor.dynaliteRequestCpuMs;
  expect(floor.callsCpuMsPerOrder).toBeCloseTo(perOrder, 0);
  expect(floor.ceilingOrdersPerSecond).toBeCloseTo((require("node:os").cpus().length * 1000) / perOrder, -1);
});
