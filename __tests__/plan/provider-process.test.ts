import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { transformFileSync } from "@swc/core";
import { ProviderStartFailed, startProvider } from "../../src/plan/provider-process";

/**
 * The provider process's life around terraform, with stand-in providers (small node scripts) for what the
 * real one cannot be made to do: fail, hang, be interrupted. That the real hashicorp/aws started with
 * `-debug` serves `plan` and `show -json` through TF_REATTACH_PROVIDERS is proven by
 * offline-plan.integration.test.ts.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-provider-"));
const ADDRESS = "registry.terraform.io/hashicorp/aws";

/** A stand-in provider: `body` runs after the shebang; `-debug` is its first argument. */
function fakeProvider(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!${process.execPath}\n${body}\n`, { mode: 0o755 });
  return file;
}

/**
 * Prints the reattach line the way terraform-plugin-go does in managed debug mode, then serves until stopped;
 * `first` runs before anything is printed.
 */
function listeningProvider(name: string, socket: string, first = ""): string {
  const reattach = JSON.stringify({
    [ADDRESS]: { Protocol: "grpc", ProtocolVersion: 5, Pid: 0, Test: true, Addr: { Network: "unix", String: socket } },
  });
  return fakeProvider(
    name,
    [
      first,
      `require("fs").writeFileSync(${JSON.stringify(socket)}, "");`,
      `require("fs").writeFileSync(${JSON.stringify(`${socket}.args`)}, JSON.stringify(process.argv.slice(2)));`,
      `process.stdout.write("Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment variable with the following:\\n\\n");`,
      `process.stdout.write("\\tTF_REATTACH_PROVIDERS='" + ${JSON.stringify(reattach)} + "'\\n\\n");`,
      "setInterval(() => undefined, 1000);",
    ].join("\n"),
  );
}

/** Whether `pid` runs (a zombie waiting for its parent to reap it does not). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  return !fs.existsSync(stat) || !/^\d+ \(.*\) Z/.test(fs.readFileSync(stat, "utf8"));
};

const start = (binary: string, timeoutMs?: number) =>
  startProvider({ binary, address: ADDRESS, cwd: dir, env: process.env, timeoutMs });

describe("a provider process shared by terraform commands", () => {
  test("ready gives the TF_REATTACH_PROVIDERS value it printed; stop ends it and removes a socket it left", async () => {
    const socket = path.join(dir, "plugin-ok");
    const provider = start(listeningProvider("ok", socket));
    const reattach = JSON.parse(await provider.ready);
    expect(reattach[ADDRESS].Addr).toEqual({ Network: "unix", String: socket });
    expect(JSON.parse(fs.readFileSync(`${socket}.args`, "utf8"))).toEqual(["-debug"]);
    await provider.stop();
    expect(fs.existsSync(socket)).toBe(false);
    await provider.stop(); // idempotent
  });

  test("a provider that exits before it listens: one line with its exit status and last words", async () => {
    const provider = start(
      fakeProvider("dies", 'console.error("{\\"@level\\":\\"error\\"}\\nbad flag"); process.exit(3);'),
    );
    const failure = await provider.ready.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderStartFailed);
    expect((failure as Error).message).toBe(
      `hashicorp/aws provider did not start: exited (exit 3) before it listened: bad flag (${path.join(dir, "dies")} -debug)`,
    );
    await provider.stop();
  });

  test("a provider that prints nothing in time is killed and named in the error", async () => {
    const pidFile = path.join(dir, "hangs.pid");
    const provider = start(
      fakeProvider(
        "hangs",
        `require("fs").writeFileSync(${JSON.stringify(
          pidFile,
        )}, String(process.pid)); setInterval(() => undefined, 1000);`,
      ),
      1000,
    );
    const failure = await provider.ready.catch((e: unknown) => e);
    expect((failure as Error).message).toBe(
      `hashicorp/aws provider did not start: no reattach address within 1 s (${path.join(dir, "hangs")} -debug)`,
    );
    await provider.stop();
    expect(alive(Number(fs.readFileSync(pidFile, "utf8")))).toBe(false);
  });

  test("a binary that cannot be run", async () => {
    const provider = start(path.join(dir, "missing"));
    expect(((await provider.ready.catch((e: unknown) => e)) as Error).message).toMatch(
      /^hashicorp\/aws provider did not start: spawn .*missing ENOENT/,
    );
    await provider.stop();
  });

  test("the provider is stopped when the process that started it is interrupted (Ctrl-C)", async () => {
    // The module compiled on its own (it needs node's modules only), run by a driver that waits to be interrupted.
    const compiled = path.join(dir, "provider-process.js");
    fs.writeFileSync(
      compiled,
      transformFileSync(path.join(__dirname, "../../src/plan/provider-process.ts"), {
        jsc: { target: "es2022", parser: { syntax: "typescript" } },
        module: { type: "commonjs" },
      }).code,
    );
    const socket = path.join(dir, "plugin-interrupted");
    const pidFile = path.join(dir, "interrupted.pid");
    // The pid is written before the reattach line, so it is there once the driver says "ready".
    const provider = listeningProvider(
      "interrupted",
      socket,
      `require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));`,
    );
    const driver = spawn(
      process.execPath,
      [
        "-e",
        `const { startProvider } = require(${JSON.stringify(compiled)});
         const p = startProvider({ binary: ${JSON.stringify(provider)}, address: ${JSON.stringify(
           ADDRESS,
         )}, cwd: ".", env: process.env });
         p.ready.then(() => console.log("ready"));
         setInterval(() => undefined, 1000);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => driver.stdout.on("data", (d) => String(d).includes("ready") && resolve()));
    const providerPid = Number(fs.readFileSync(pidFile, "utf8"));
    expect(alive(providerPid)).toBe(true);
    driver.kill("SIGINT");
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      driver.on("close", (c, s) => resolve([c, s])),
    );
    expect([code, signal]).toEqual([null, "SIGINT"]); // ended as an interrupted process does
    for (let i = 0; i < 50 && alive(providerPid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(providerPid)).toBe(false);
  });
});
