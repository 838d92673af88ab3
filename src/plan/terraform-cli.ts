import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Places a filesystem mirror of providers is looked for, after `ORDERS_TF_PROVIDER_MIRROR`. */
const MIRROR_CANDIDATES = [
  "/opt/tf-plugins",
  path.join(os.homedir(), ".terraform.d", "plugins"),
  path.join(os.homedir(), ".local", "share", "terraform", "plugins"),
  "/usr/local/share/terraform/plugins",
  "/usr/share/terraform/plugins",
];

export interface ProviderRef {
  readonly namespace: string;
  readonly type: string;
  readonly version: string;
}

/** True when `mirror` holds the provider in the unpacked or packed filesystem-mirror layout. */
function mirrorHas(mirror: string, p: ProviderRef): boolean {
  const base = path.join(mirror, "registry.terraform.io", p.namespace, p.type);
  if (fs.existsSync(path.join(base, p.version))) return true;
  return fs.existsSync(base) && fs.readdirSync(base).some((f) => f.includes(`_${p.version}_`) && f.endsWith(".zip"));
}

/** The first mirror holding `provider`, or undefined. */
export function findProviderMirror(provider: ProviderRef, env = process.env): string | undefined {
  const candidates = [env.ORDERS_TF_PROVIDER_MIRROR, ...MIRROR_CANDIDATES].filter((c): c is string => Boolean(c));
  return candidates.find((dir) => fs.existsSync(dir) && mirrorHas(dir, provider));
}

/** The `terraform` binary on PATH (or `ORDERS_TERRAFORM_BIN`), or undefined. */
export function findTerraform(env = process.env): string | undefined {
  if (env.ORDERS_TERRAFORM_BIN) return fs.existsSync(env.ORDERS_TERRAFORM_BIN) ? env.ORDERS_TERRAFORM_BIN : undefined;
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "terraform");
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** A CLI configuration that installs providers from `mirror` only, never from the network. */
export function mirrorOnlyCliConfig(mirror: string): string {
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = ["registry.terraform.io/*/*"]`,
    "  }",
    "}",
    "disable_checkpoint = true",
    "",
  ].join("\n");
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** The environment terraform runs in (and starts its providers with): `env` added to a clean automation environment. */
export function terraformEnv(env: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  return { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", TF_INPUT: "0", ...env };
}

/**
 * The binary `terraform init` installed for `provider` in a data directory (`TF_DATA_DIR`), at the version
 * the lock file selected; undefined when none is installed.
 */
export function installedProviderBinary(
  dataDir: string,
  lockFile: string,
  provider: Omit<ProviderRef, "version">,
): string | undefined {
  const source = `registry.terraform.io/${provider.namespace}/${provider.type}`;
  const lock = fs.existsSync(lockFile) ? fs.readFileSync(lockFile, "utf8") : "";
  const version = new RegExp(`provider "${source.replace(/[./]/g, "\\$&")}" \\{\\s*version\\s*=\\s*"([^"]+)"`).exec(
    lock,
  )?.[1];
  if (!version) return undefined;
  const dir = path.join(dataDir, "providers", source, version, goPlatform());
  if (!fs.existsSync(dir)) return undefined;
  const binary = fs.readdirSync(dir).find((f) => f.startsWith(`terraform-provider-${provider.type}_`));
  return binary ? path.join(dir, binary) : undefined;
}

/** `linux_amd64` and the like, as terraform names the platform directories of installed providers. */
function goPlatform(): string {
  const os = ({ win32: "windows" } as Record<string, string>)[process.platform] ?? process.platform;
  const arch = ({ x64: "amd64", ia32: "386" } as Record<string, string>)[process.arch] ?? process.arch;
  return `${os}_${arch}`;
}

/** Runs terraform in `cwd` with `env` added to a clean automation environment. */
export function runTerraform(
  bin: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env: terraformEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr, ms: Date.now() - started }));
  });
}
