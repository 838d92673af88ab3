/**
 * Headless Chromium for tests: Debian's `chromium` package, driven by playwright-core (which cannot
 * download a browser here). Where there is none, the tests that need it are skipped with the reason in
 * their name and a warning, never silently.
 */
import { execFileSync } from "node:child_process";
import { chromium, type Browser } from "playwright-core";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];

/** The Chromium binary on PATH (`command -v chromium`), if any. */
function chromiumPath(): string | undefined {
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `test` when Chromium is here; otherwise a skipped test whose name says why, and a warning. */
export function browserTest(name: string): jest.It {
  if (chromiumPath()) return test;
  const reason = "skipped: no chromium on PATH (apt-get install -y chromium; .ci/run installs it)";
  process.stderr.write(`warning: "${name}" ${reason}\n`);
  return ((title: string, fn?: jest.ProvidesCallback, timeout?: number) =>
    test.skip(`${title} [${reason}]`, fn, timeout)) as jest.It;
}

export function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error("no chromium on PATH");
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}
