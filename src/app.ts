import { App } from "cdktf";
import { HandlerBundle, ServiceName } from "./bundling/handler-bundles";
import { AppSettings, SettingsSource, resolveAppSettings } from "./config/app-config";
import { PROFILES } from "./config/profiles";
import { applyPolicy } from "./policy";
import { LOCAL_BACKEND_SETTING, localBackendRequested, useLocalBackend } from "./stacks/local-backend-mode";
import { OrderPipelineStack } from "./stacks/order-pipeline-stack";
import { StateBucketStack } from "./stacks/state-bucket-stack";
import { STATE_BOOTSTRAP_STACK, pipelineStackName } from "./stacks/synthesis";

export interface BuildAppOptions {
  /** The handlers' bundles, from `bundleHandlers`. */
  readonly bundles: Readonly<Record<ServiceName, HandlerBundle>>;
  /** Where to write `stacks/<name>/cdk.tf.json`. Default: cdktf's (`CDKTF_OUTDIR` or `cdktf.out`). */
  readonly outdir?: string;
  /** Environment variables to read settings from. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** cdktf context (cdktf.json's `context`, or `CDKTF_CONTEXT_JSON`). Default: cdktf's. */
  readonly context?: Readonly<Record<string, unknown>>;
}

/** Builds the app: the bootstrap stack and one pipeline stack per configured environment. */
export function buildApp(options: BuildAppOptions): { app: App; settings: AppSettings; stacks: OrderPipelineStack[] } {
  const app = new App({ outdir: options.outdir, context: options.context as Record<string, unknown> | undefined });
  const env = options.env ?? process.env;
  const fromEnv: SettingsSource = (key) => env[key];
  const fromContext: SettingsSource = (key) => {
    const value = app.node.tryGetContext(key);
    return value === undefined ? undefined : String(value);
  };
  const settings = resolveAppSettings(fromEnv, fromContext);
  const localBackend = localBackendRequested(
    fromEnv(LOCAL_BACKEND_SETTING.env) ?? fromContext(LOCAL_BACKEND_SETTING.context),
  );
  const bootstrap = new StateBucketStack(app, STATE_BOOTSTRAP_STACK, {
    backend: settings.stateBackend,
    allowedAccountIds: settings.allowedAccountIds,
  });
  const stacks = settings.environments.map(
    (environment) =>
      new OrderPipelineStack(app, pipelineStackName(environment), {
        profile: PROFILES[environment],
        settings,
        bundles: options.bundles,
      }),
  );
  for (const stack of [bootstrap, ...stacks]) {
    if (localBackend) useLocalBackend(stack);
    applyPolicy(stack);
  }
  return { app, settings, stacks };
}
