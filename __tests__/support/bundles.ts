import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { HandlerBundle, ServiceName, bundleHandlers } from "../../src/bundling/handler-bundles";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

let bundling: Promise<Record<ServiceName, HandlerBundle>> | undefined;

/** The real handler bundles, built once per test file into a scratch directory. */
export function realBundles(): Promise<Record<ServiceName, HandlerBundle>> {
  bundling ??= bundleHandlers({
    projectRoot: PROJECT_ROOT,
    outDir: fs.mkdtempSync(path.join(os.tmpdir(), "orders-bundles-")),
  });
  return bundling;
}

/** Tiny stand-in bundles, for construct tests that do not care what the code does. */
export function fixtureBundles(): Record<ServiceName, HandlerBundle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-fixture-bundles-"));
  const make = (service: ServiceName): HandlerBundle => {
    fs.mkdirSync(path.join(dir, service));
    fs.writeFileSync(path.join(dir, service, "index.js"), `exports.handler = async () => "${service}";\n`);
    return { service, directory: path.join(dir, service), bytes: 40, sourceMap: path.join(dir, `${service}.map`) };
  };
  return {
    order: make("order"),
    payment: make("payment"),
    inventory: make("inventory"),
    notification: make("notification"),
  };
}
