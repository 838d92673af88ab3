/**
 * Within one App.synth, hands each stack's writer the JSON the policy check already built for that
 * stack, instead of building it a second time (toTerraform resolves every token of the stack, the
 * largest cost the check would otherwise add to a synth).
 *
 * Safe because App.synth is synchronous and nothing between a stack's validation and its write
 * changes its configuration: the hand-over happens only while App.synth runs, only for stacks
 * without Aspects (which run just before a stack's own validation), is used once, and is dropped
 * when App.synth returns or throws.
 */
import { App, Aspects, TerraformStack } from "cdktf";

type JsonBuilder = { toTerraform(): unknown };

const windows = new WeakMap<App, SynthWindow>();

export class SynthWindow {
  private synthesizing = false;
  private readonly handedOver = new Set<TerraformStack>();
  private afterWrite: (() => void)[] = [];

  /** The window of the app, created (and App.synth wrapped) on first use; undefined if the root is not an App. */
  static of(root: unknown): SynthWindow | undefined {
    if (!App.isApp(root)) return undefined;
    let window = windows.get(root);
    if (!window) {
      window = new SynthWindow(root);
      windows.set(root, window);
    }
    return window;
  }

  private constructor(app: App) {
    const synth = app.synth.bind(app);
    app.synth = () => {
      this.synthesizing = true;
      const callbacks: (() => void)[] = [];
      this.afterWrite = callbacks;
      try {
        synth();
      } finally {
        this.synthesizing = false;
        this.dropAll();
        this.afterWrite = [];
      }
      for (const callback of callbacks) callback();
    };
  }

  /** Offers the stack's JSON to its upcoming write; ignored outside App.synth or when Aspects may still change it. */
  offer(stack: TerraformStack, json: unknown): void {
    if (!this.synthesizing || hasAspects(stack)) return;
    const builder = stack as unknown as JsonBuilder;
    builder.toTerraform = () => {
      this.drop(stack);
      return json;
    };
    this.handedOver.add(stack);
  }

  /** Runs `callback` once App.synth has written every stack; false outside App.synth (nothing is registered). */
  whenWritten(callback: () => void): boolean {
    if (!this.synthesizing) return false;
    this.afterWrite.push(callback);
    return true;
  }

  private drop(stack: TerraformStack): void {
    delete (stack as unknown as Partial<JsonBuilder>).toTerraform;
    this.handedOver.delete(stack);
  }

  private dropAll(): void {
    for (const stack of [...this.handedOver]) this.drop(stack);
  }
}

function hasAspects(stack: TerraformStack): boolean {
  return [...stack.node.scopes, ...stack.node.findAll()].some((c) => Aspects.of(c).all.length > 0);
}
