/**
 * A Step Functions definition (Amazon States Language) as a state machine resource holds it: a JSON
 * string in `definition`. Terraform references appear inside string values, so the string parses as
 * is. States are visited in every scope: the top level, each Parallel branch and each Map processor.
 */
import { nonCompliant, verdictOf, type Problem, type SynthesizedResource, type Verdict } from "./types";
import type { StackContext } from "./stack-context";

export interface AslRetrier {
  readonly ErrorEquals?: readonly string[];
  readonly MaxAttempts?: number;
}

interface AslCatcher {
  readonly ErrorEquals?: readonly string[];
  readonly Next?: string;
}

export interface AslState {
  readonly Type?: string;
  readonly Resource?: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Default?: string;
  readonly Choices?: readonly { readonly Next?: string }[];
  readonly Retry?: readonly AslRetrier[];
  readonly Catch?: readonly AslCatcher[];
  readonly TimeoutSeconds?: number;
  readonly TimeoutSecondsPath?: string;
  readonly ResultPath?: string | null;
  readonly QueryLanguage?: string;
  readonly Parameters?: Readonly<Record<string, unknown>>;
  readonly Branches?: readonly AslScope[];
  readonly Iterator?: AslScope;
  readonly ItemProcessor?: AslScope;
}

export interface AslScope {
  readonly StartAt?: string;
  readonly QueryLanguage?: string;
  readonly States?: Readonly<Record<string, AslState>>;
}

/** A state in its scope; `path` names it for messages (`ProcessPayment`, or `Fanout/branch 1/Charge`). */
export interface VisitedState {
  readonly name: string;
  readonly path: string;
  readonly state: AslState;
  readonly scope: AslScope;
  /** The query language in force for the state (JSONPath unless the definition says otherwise). */
  readonly queryLanguage: string;
}

type ParsedDefinition = { readonly ok: true; readonly root: AslScope } | { readonly ok: false; readonly error: string };

function parseDefinition(machine: SynthesizedResource, stack: StackContext): ParsedDefinition {
  const parsed = stack.parseJson(machine.config.definition);
  if (!parsed.ok)
    return { ok: false, error: `definition is not a JSON document the policy check can read (${parsed.error})` };
  const root = parsed.value as AslScope;
  if (root === null || typeof root !== "object" || typeof root.States !== "object")
    return { ok: false, error: "definition has no States" };
  return { ok: true, root };
}

/**
 * A definition rule's verdict: the problems `find` adds while it walks the definition, or
 * non-compliant when the definition cannot be read at all.
 */
export function checkDefinition(
  machine: SynthesizedResource,
  stack: StackContext,
  find: (root: AslScope, problems: Problem[]) => void,
): Verdict {
  const definition = parseDefinition(machine, stack);
  if (!definition.ok) return nonCompliant(definition.error);
  const problems: Problem[] = [];
  find(definition.root, problems);
  return verdictOf(problems);
}

/** Every state of the definition, nested scopes included. */
export function allStates(root: AslScope): VisitedState[] {
  const out: VisitedState[] = [];
  const visit = (scope: AslScope, prefix: string, inherited: string) => {
    const language = scope.QueryLanguage ?? inherited;
    for (const [name, state] of Object.entries(scope.States ?? {})) {
      const path = prefix + name;
      out.push({ name, path, state, scope, queryLanguage: state.QueryLanguage ?? language });
      (state.Branches ?? []).forEach((branch, i) => visit(branch, `${path}/branch ${i}/`, language));
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) visit(processor, `${path}/items/`, language);
    }
  };
  visit(root, "", root.QueryLanguage ?? "JSONPath");
  return out;
}

/** Task states only. */
export const taskStates = (root: AslScope): VisitedState[] => allStates(root).filter((s) => s.state.Type === "Task");

/** The states a state hands over to when it succeeds: Next, or a Choice's branches and Default. */
export function successors(state: AslState): string[] {
  const next = [
    ...(state.Next ? [state.Next] : []),
    ...(state.Choices ?? []).map((c) => c.Next),
    ...(state.Default ? [state.Default] : []),
  ];
  return next.filter((n): n is string => typeof n === "string");
}

/** Whether a Task invokes a Lambda function (optimized integration or the function ARN as Resource). */
export function isLambdaTask(state: AslState): boolean {
  const resource = state.Resource ?? "";
  return (
    resource.startsWith("arn:aws:states:::lambda:invoke") ||
    /^arn:aws[a-z-]*:lambda:/.test(resource) ||
    resource.includes("${aws_lambda_function.")
  );
}

/** Whether a retrier or catcher with these error names applies to an error called `error`. */
export function errorMatches(errorEquals: readonly string[] | undefined, error: string): boolean {
  const names = errorEquals ?? [];
  return (
    names.includes(error) ||
    names.includes("States.ALL") ||
    (names.includes("States.TaskFailed") && error !== "States.Timeout")
  );
}

/** The retry attempts a retrier allows (ASL's default is 3). */
export const maxAttempts = (retrier: AslRetrier): number => retrier.MaxAttempts ?? 3;
