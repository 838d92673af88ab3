import { bundleHandlers } from "./src/bundling/handler-bundles";

/**
 * The app. esbuild bundles the handlers in its own process while this one loads cdktf and the
 * provider bindings; the stacks are built once both are ready.
 */
async function main(): Promise<void> {
  const bundling = bundleHandlers();
  const { buildApp } = await import("./src/app");
  const { app } = buildApp({ bundles: await bundling });
  app.synth();
}

main().catch((error: unknown) => {
  console.error(`Synthesis failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
