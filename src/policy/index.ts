/**
 * Policy as code: security and reliability rules over the synthesized stacks, enforced at synth,
 * with reviewed exceptions. `applyPolicy(stack)` is what the app calls; the rest is for tests and tools.
 */
export { applyPolicy } from "./enforcement";
