/**
 * One provider process shared by several terraform commands, by Terraform's documented reattach
 * mechanism (https://developer.hashicorp.com/terraform/plugin/debugging#running-terraform-with-a-provider-in-debug-mode):
 * the provider started with `-debug` listens on a socket and prints a `TF_REATTACH_PROVIDERS` value;
 * terraform given that value uses the running provider instead of starting it (and skips checksumming
 * its binary against the lock file). `terraform plan` alone otherwise starts the provider three times,
 * and `show` once more.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";

/** The provider did not come up: it could not be run, exited, or printed no reattach value in time. */
export class ProviderStartFailed extends Error {
  override readonly name = "ProviderStartFailed";
}

export interface ProviderProcess {
  readonly binary: string;
  /** `TF_REATTACH_PROVIDERS` for terraform once the provider listens; rejects with ProviderStartFailed. */
  readonly ready: Promise<string>;
  /** Stops the provider (SIGINT, which it answers by closing its socket; SIGKILL if it lingers). Idempotent. */
  stop(): Promise<void>;
}

export interface ProviderStartOptions {
  /** The provider's binary, as `terraform init` installed it. */
  readonly binary: string;
  /** Its source address in the reattach value, e.g. `registry.terraform.io/hashicorp/aws`. */
  readonly address: string;
  /** Working directory and environment: those terraform itself would start the provider with. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Default 30 s: the AWS provider is ready in about 0.2 s on an idle machine. */
  readonly timeoutMs?: number;
}

const REATTACH_LINE = /TF_REATTACH_PROVIDERS='([^']+)'/;
const STOP_GRACE_MS = 5000;
const STDERR_TAIL_CHARS = 2000;

/** Starts `binary -debug`; the returned process is stopped by `stop()`, or when this process exits or is signalled. */
export function startProvider(options: ProviderStartOptions): ProviderProcess {
  const name = options.address.split("/").slice(-2).join("/");
  const child = spawn(options.binary, ["-debug"], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  track(child);
  let stdout = "";
  let stderrTail = "";
  let socket: string | undefined;
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));

  const ready = new Promise<string>((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      reject(new ProviderStartFailed(`${name} provider did not start: ${reason} (${options.binary} -debug)`));
    };
    const timeoutMs = options.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      fail(`no reattach address within ${(timeoutMs / 1000).toFixed(0)} s`);
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => fail(error.message));
    child.once("close", (code, signal) => {
      const said = lastLine(stderrTail);
      fail(`exited (${signal ?? `exit ${code}`}) before it listened${said ? `: ${said}` : ""}`);
    });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (socket !== undefined) return;
      stdout += chunk;
      const match = REATTACH_LINE.exec(stdout);
      if (!match) return;
      try {
        const reattach = JSON.parse(match[1] as string) as Record<
          string,
          { Addr?: { Network?: string; String?: string } }
        >;
        const entry = reattach[options.address];
        if (!entry) return fail(`its reattach value names no ${options.address}`);
        socket = entry.Addr?.Network === "unix" ? (entry.Addr.String ?? "") : "";
        clearTimeout(timer);
        resolve(match[1] as string);
      } catch {
        fail("its reattach value is not JSON");
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
  });
  ready.catch(() => undefined); // a start failure is reported to whoever awaits `ready`, never as unhandled

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGINT");
        const grace = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
        await exited;
        clearTimeout(grace);
      }
      // A provider killed before it closed its socket leaves the socket file behind.
      if (socket) fs.rmSync(socket, { force: true });
    })();
    return stopping;
  };
  return { binary: options.binary, ready, stop };
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return (lines[lines.length - 1] ?? "").trim();
}

// Every provider still running is stopped when this process ends, also on Ctrl-C: a provider in debug
// mode outlives terraform and would otherwise outlive us too.
const running = new Set<ChildProcess>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function stopAllNow(): void {
  for (const child of running) child.kill("SIGINT");
}

function onSignal(signal: NodeJS.Signals): void {
  stopAllNow();
  unhook();
  process.kill(process.pid, signal); // then as if nothing had listened: the default action ends the process
}

function hook(): void {
  process.on("exit", stopAllNow);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function unhook(): void {
  process.off("exit", stopAllNow);
  for (const s of SIGNALS) process.off(s, onSignal);
}

function track(child: ChildProcess): void {
  if (running.size === 0) hook();
  running.add(child);
  child.once("close", () => {
    running.delete(child);
    if (running.size === 0) unhook();
  });
  child.once("error", () => {
    running.delete(child);
    if (running.size === 0) unhook();
  });
}
