/** `npm run redrive`: see HELP in ./options.ts and the README's redrive runbook. */
import { runRedrive } from "./command";

// The functions run on nodejs22.x in AWS; the SDK's warning about this Node version is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

void runRedrive(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
