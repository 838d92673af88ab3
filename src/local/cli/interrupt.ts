/** Exit status of a run ended by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_STATUS = 130;

/**
 * Ctrl-C during a run: the first SIGINT aborts `signal` and resolves `interrupted`, so the run stops
 * submitting, reports what finished and stops the runtime; a second one exits at once.
 */
export class Interrupt {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  readonly interrupted: Promise<void>;
  private readonly onSignal: () => void;

  constructor(private readonly out: NodeJS.WritableStream = process.stderr) {
    let resolve!: () => void;
    this.interrupted = new Promise((r) => (resolve = r));
    this.onSignal = () => {
      if (this.signal.aborted) {
        this.out.write("interrupted again: exiting without cleaning up\n");
        process.exit(INTERRUPTED_EXIT_STATUS);
      }
      this.out.write(
        "\ninterrupted: no more orders are submitted; reporting what finished and stopping the runtime (Ctrl-C again to quit at once)\n",
      );
      this.controller.abort();
      resolve();
    };
    process.on("SIGINT", this.onSignal);
  }

  get aborted(): boolean {
    return this.signal.aborted;
  }

  dispose(): void {
    process.off("SIGINT", this.onSignal);
  }
}
