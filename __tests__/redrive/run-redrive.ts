import { runRedrive } from "../../src/redrive/command";

/** Runs the redrive command in this process, as `npm run redrive -- <args>` would: its exit status and lines. */
export async function redrive(...args: string[]): Promise<{ status: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runRedrive(
    args,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { status, out, err };
}
