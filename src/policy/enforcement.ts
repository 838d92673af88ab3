/**
 * Enforcement at synth. `applyPolicy(stack)` adds a validation to the stack. cdktf's App.synth
 * validates each stack just before writing it, so the first validation of a synth checks every
 * policy-enabled stack of the app at once: one violation anywhere stops the synth before any stack
 * is written, and the report lists every violation of every stack. The following stacks of the same
 * synth are not checked again, and each stack's write reuses the JSON the check built (SynthWindow).
 * Each synth also writes the result as SARIF beside each stack (`stacks/<stack>/policy.sarif`): on a
 * failure at once, on a pass once the stacks are written, so each result carries its line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { STACK_FILE, type StackDocument, stackDirectory } from "../terraform/stack-document";
import { PolicyConfiguration, PolicyOutcome, checkStacks } from "./check";
import { PolicyViolationError, formatFailure, formatSummary } from "./report";
import { ALL_RULES } from "./rules";
import { policySarif } from "./sarif";
import { invalidSuppressions } from "./suppression-matching";
import { SUPPRESSIONS } from "./suppressions";
import { SynthWindow } from "./synthesized-json-reuse";
import type { IConstruct } from "constructs";

export interface PolicyOptions extends PolicyConfiguration {
  /**
   * Receives the summary printed after a passing check. Default: a line on stdout, where the cdktf CLI
   * shows it as output (it shows the app's stderr as errors).
   */
  readonly report?: (summary: string) => void;
  /** Writes `stacks/<stack>/policy.sarif` beside each checked stack. Default: true. */
  readonly sarif?: boolean;
}

const runs = new WeakMap<IConstruct, PolicyRun>();

/**
 * Checks the stack against the policy whenever the app synthesizes it (calling it again for the same
 * stack does nothing). The options of the first call for an app apply to all its stacks. Throws at
 * once if the exception list itself is invalid.
 */
export function applyPolicy(stack: TerraformStack, options: PolicyOptions = {}): void {
  const root = stack.node.root;
  let run = runs.get(root);
  if (!run) {
    run = new PolicyRun(options, SynthWindow.of(root));
    runs.set(root, run);
  }
  if (!run.add(stack)) return;
  const checkedRun = run;
  stack.node.addValidation({ validate: () => checkedRun.validate(stack) });
}

class PolicyRun {
  private readonly stacks: TerraformStack[] = [];
  /** Stacks of the current synth that were checked with the first one and not validated yet. */
  private pending = new Set<TerraformStack>();

  constructor(
    private readonly options: PolicyOptions,
    private readonly synthWindow: SynthWindow | undefined,
  ) {
    const invalid = invalidSuppressions(options.suppressions ?? SUPPRESSIONS, options.rules ?? ALL_RULES);
    if (invalid.length > 0) {
      throw new Error(
        formatFailure({
          stackNames: [],
          ruleCount: 0,
          violations: [],
          excepted: [],
          stale: [],
          invalid,
          passed: false,
        }),
      );
    }
  }

  /** Registers the stack; false if it already was. */
  add(stack: TerraformStack): boolean {
    if (this.stacks.includes(stack)) return false;
    this.stacks.push(stack);
    return true;
  }

  validate(stack: TerraformStack): string[] {
    if (this.pending.delete(stack)) return [];
    const started = performance.now();
    const synthesized = this.stacks.map((s) => ({
      stack: s,
      name: s.node.id,
      document: s.toTerraform() as StackDocument,
    }));
    const outcome = checkStacks(synthesized, this.options);
    if (!outcome.passed) {
      this.pending.clear();
      this.writeSarif(outcome, false);
      throw new PolicyViolationError(outcome);
    }
    for (const { stack: s, document } of synthesized) this.synthWindow?.offer(s, document);
    this.pending = new Set(this.stacks.filter((s) => s !== stack));
    const elapsed = performance.now() - started;
    if (!this.synthWindow?.whenWritten(() => this.writeSarif(outcome, true))) this.writeSarif(outcome, false);
    const report = this.options.report ?? ((line: string) => process.stdout.write(`${line}\n`));
    report(formatSummary(outcome, elapsed));
    return [];
  }

  /** One SARIF log per stack; `written` when cdk.tf.json is on disk, so results get their line. */
  private writeSarif(outcome: PolicyOutcome, written: boolean): void {
    if (this.options.sarif === false) return;
    for (const stack of this.stacks) {
      const root = stack.node.root;
      if (!App.isApp(root)) continue;
      const stackDir = stackDirectory(root.outdir, stack.node.id);
      const stackFile = path.join(stackDir, STACK_FILE);
      const sarif = policySarif(outcome, {
        stackName: stack.node.id,
        rules: this.options.rules ?? ALL_RULES,
        stackFileUri: path.relative(process.cwd(), stackFile).split(path.sep).join("/"),
        stackFileText: written && fs.existsSync(stackFile) ? fs.readFileSync(stackFile, "utf8") : undefined,
      });
      fs.mkdirSync(stackDir, { recursive: true });
      fs.writeFileSync(path.join(stackDir, "policy.sarif"), `${JSON.stringify(sarif, null, 2)}\n`);
    }
  }
}
