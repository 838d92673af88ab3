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

test("measures both sides of a call, each in its own process, and the ceiling they imply", async () => {
  const floor = await measureSdkFloor({ warmupCalls: 20, measuredCalls: 60 });
  expect(floor.measuredCalls).toBe(60);
  expect(floor.sdkCallCpuMs).toBeGreaterThan(0);
  expect(floor.dynaliteRequestCpuMs).toBeGreaterThan(0);
  expect(floor.callsCpuMsPerOrder).toBeGreaterThan(floor.sdkCallCpuMs);
  expect(floor.ceilingOrdersPerSecond).toBeGreaterThan(0);
});
