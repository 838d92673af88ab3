import { ResourceConfig, StackDocument } from "../../../terraform/stack-document";
import { UserInputError } from "../../../user-input-error";
import { ExpressionError, UnknownValue, Value, evaluate, indexValue, parseTemplate, toStringValue } from "./expression";

/** The account and region local resources live in; ARNs are built from them. */
export interface LocalAccount {
  readonly accountId: string;
  readonly region: string;
}

/** LocalStack's convention: an account id that no real account has. */
export const LOCAL_ACCOUNT_ID = "000000000000";

/** The label of every local table's stream (AWS uses the stream's creation time, ISO-8601). */
const LOCAL_STREAM_LABEL = "1970-01-01T00:00:00.000";

type Attributes = (name: (attr: string) => string, account: LocalAccount) => Value;

const arn = (service: string, account: LocalAccount, resource: string, regional = true) =>
  `arn:aws:${service}:${regional ? account.region : ""}:${account.accountId}:${resource}`;

/**
 * Attributes that AWS computes (ARNs, ids, URLs), by resource type, built from the resource's own
 * arguments the way AWS builds them. Anything else a resource exports is "known after apply".
 */
const COMPUTED: Record<string, Record<string, Attributes>> = {
  aws_cloudwatch_event_bus: {
    arn: (a, acc) => arn("events", acc, `event-bus/${a("name")}`),
    id: (a) => a("name"),
  },
  aws_cloudwatch_event_archive: {
    arn: (a, acc) => arn("events", acc, `archive/${a("name")}`),
    id: (a) => a("name"),
  },
  aws_cloudwatch_event_rule: {
    arn: (a, acc) => {
      const bus = busName(a);
      return arn("events", acc, bus === "default" ? `rule/${a("name")}` : `rule/${bus}/${a("name")}`);
    },
    id: (a) => (busName(a) === "default" ? a("name") : `${busName(a)}/${a("name")}`),
  },
  aws_sqs_queue: {
    arn: (a, acc) => arn("sqs", acc, a("name")),
    url: (a, acc) => `https://sqs.${acc.region}.amazonaws.com/${acc.accountId}/${a("name")}`,
    id: (a, acc) => `https://sqs.${acc.region}.amazonaws.com/${acc.accountId}/${a("name")}`,
  },
  aws_lambda_function: {
    arn: (a, acc) => arn("lambda", acc, `function:${a("function_name")}`),
    qualified_arn: (a, acc) => arn("lambda", acc, `function:${a("function_name")}:$LATEST`),
    invoke_arn: (a, acc) =>
      `arn:aws:apigateway:${acc.region}:lambda:path/2015-03-31/functions/${arn("lambda", acc, `function:${a("function_name")}`)}/invocations`,
    version: () => "$LATEST",
    id: (a) => a("function_name"),
  },
  aws_sfn_state_machine: {
    arn: (a, acc) => arn("states", acc, `stateMachine:${a("name")}`),
    id: (a, acc) => arn("states", acc, `stateMachine:${a("name")}`),
  },
  aws_dynamodb_table: {
    arn: (a, acc) => arn("dynamodb", acc, `table/${a("name")}`),
    id: (a) => a("name"),
    // AWS labels a stream with its creation time; a local table's stream is always this one.
    stream_arn: (a, acc) => arn("dynamodb", acc, `table/${a("name")}/stream/${LOCAL_STREAM_LABEL}`),
    stream_label: () => LOCAL_STREAM_LABEL,
  },
  aws_pipes_pipe: {
    arn: (a, acc) => arn("pipes", acc, `pipe/${a("name")}`),
    id: (a) => a("name"),
  },
  aws_iam_role: {
    arn: (a, acc) => `arn:aws:iam::${acc.accountId}:role/${a("name")}`,
    id: (a) => a("name"),
  },
  aws_iam_policy: {
    arn: (a, acc) => `arn:aws:iam::${acc.accountId}:policy/${a("name")}`,
    id: (a, acc) => `arn:aws:iam::${acc.accountId}:policy/${a("name")}`,
  },
  aws_cloudwatch_log_group: {
    arn: (a, acc) => arn("logs", acc, `log-group:${a("name")}`),
    id: (a) => a("name"),
  },
  aws_sns_topic: {
    arn: (a, acc) => arn("sns", acc, a("name")),
    id: (a, acc) => arn("sns", acc, a("name")),
  },
  aws_cloudwatch_metric_alarm: {
    arn: (a, acc) => arn("cloudwatch", acc, `alarm:${a("alarm_name")}`),
    id: (a) => a("alarm_name"),
  },
  aws_cloudwatch_dashboard: {
    dashboard_arn: (a, acc) => arn("cloudwatch", acc, `dashboard/${a("dashboard_name")}`, false),
    id: (a) => a("dashboard_name"),
  },
};

function busName(a: (attr: string) => string): string {
  try {
    return a("event_bus_name");
  } catch {
    return "default";
  }
}

/** A reference the local runtime cannot resolve; names the reference and why. */
export class ReferenceError extends UserInputError {
  override readonly name = "TerraformReferenceError";
}

/**
 * Resolves the `${...}` references of a synthesized stack to local values: variables from their
 * resolved values, resource arguments from the stack itself, ARNs/ids/URLs computed the way AWS
 * computes them (in the local account and region). Values only known after apply stay unknown,
 * and using one where a concrete value is needed is an error naming it.
 */
export class TerraformReferences {
  private readonly resolving: string[] = [];
  private readonly attributeCache = new Map<string, Value>();

  constructor(
    readonly document: StackDocument,
    readonly variables: Readonly<Record<string, Value>>,
    readonly account: LocalAccount,
  ) {}

  /** Resolves every string in `value` (deeply); cdktf metadata (`//`) is dropped. */
  resolve(value: unknown, where = "value"): Value {
    if (typeof value === "string") {
      try {
        return evaluate(parseTemplate(value), { lookup: (t) => this.lookup(t) });
      } catch (error) {
        if (error instanceof ExpressionError) throw new ReferenceError(`${where}: ${error.message}`, { cause: error });
        throw error;
      }
    }
    if (Array.isArray(value)) return value.map((v, i) => this.resolve(v, `${where}[${i}]`));
    if (value && typeof value === "object") {
      const out: Record<string, Value> = {};
      for (const [k, v] of Object.entries(value)) if (k !== "//") out[k] = this.resolve(v, `${where}.${k}`);
      return out;
    }
    if (value === undefined) return null;
    return value as Value;
  }

  /** Resolves a value that must be a concrete string (a name, an ARN). */
  resolveString(value: unknown, where: string): string {
    const v = this.resolve(value, where);
    if (v instanceof UnknownValue) throw new ReferenceError(`${where} is ${v}; the local runtime needs it now.`);
    try {
      return toStringValue(v, where);
    } catch (error) {
      throw new ReferenceError((error as Error).message, { cause: error });
    }
  }

  /** Resolves a value that must be concrete all the way down (no unknowns inside). */
  resolveConcrete(value: unknown, where: string): Value {
    const v = this.resolve(value, where);
    const unknown = findUnknown(v);
    if (unknown)
      throw new ReferenceError(`${where}${unknown.path} is ${unknown.value}; the local runtime needs it now.`);
    return v;
  }

  /** The argument or computed attribute of a resource, e.g. `("aws_sqs_queue", "q", "arn")`. */
  attribute(type: string, name: string, attr: string): Value {
    const key = `${type}.${name}.${attr}`;
    if (this.attributeCache.has(key)) return this.attributeCache.get(key) as Value;
    const config = this.document.resource?.[type]?.[name];
    if (!config) throw new ReferenceError(`${type}.${name} is not a resource of this stack`);
    const value = this.withCycleCheck(key, () => this.computeAttribute(type, name, attr, config));
    this.attributeCache.set(key, value);
    return value;
  }

  private computeAttribute(type: string, name: string, attr: string, config: ResourceConfig): Value {
    const computed = COMPUTED[type]?.[attr];
    if (computed) return computed((a) => this.resolveString(config[a], `${type}.${name}.${a}`), this.account);
    if (attr in config) return this.resolve(config[attr], `${type}.${name}.${attr}`);
    if (attr === "id" && "name" in config) return this.resolve(config.name, `${type}.${name}.name`);
    return new UnknownValue(`${type}.${name}.${attr}`);
  }

  private dataAttribute(type: string, name: string, attr: string): Value {
    const config = this.document.data?.[type]?.[name];
    if (!config) throw new ReferenceError(`data.${type}.${name} is not a data source of this stack`);
    if (attr in config)
      return this.withCycleCheck(`data.${type}.${name}.${attr}`, () =>
        this.resolve(config[attr], `data.${type}.${name}.${attr}`),
      );
    return new UnknownValue(`data.${type}.${name}.${attr}`);
  }

  private withCycleCheck<T>(key: string, fn: () => T): T {
    if (this.resolving.includes(key))
      throw new ReferenceError(`reference cycle: ${[...this.resolving, key].join(" -> ")}`);
    this.resolving.push(key);
    try {
      return fn();
    } finally {
      this.resolving.pop();
    }
  }

  private lookup(traversal: readonly (string | number)[]): Value {
    const [root, ...rest] = traversal;
    const str = (i: number) => {
      const v = rest[i];
      if (typeof v !== "string")
        throw new ExpressionError(`${traversal.join(".")}: expected a name at position ${i + 2}`);
      return v;
    };
    let value: Value;
    let consumed: number;
    switch (root) {
      case "var": {
        const name = str(0);
        if (!(name in this.variables)) throw new ExpressionError(`var.${name} is not declared by the stack`);
        value = this.variables[name] as Value;
        consumed = 1;
        break;
      }
      case "local": {
        const name = str(0);
        const locals = this.document.locals ?? {};
        if (!(name in locals)) throw new ExpressionError(`local.${name} is not defined by the stack`);
        value = this.withCycleCheck(`local.${name}`, () => this.resolve(locals[name], `local.${name}`));
        consumed = 1;
        break;
      }
      case "data":
        if (rest.length < 3) throw new ExpressionError(`${traversal.join(".")} must name a data source attribute`);
        value = this.dataAttribute(str(0), str(1), str(2));
        consumed = 3;
        break;
      case "module":
      case "path":
      case "terraform":
      case "count":
      case "each":
      case "self":
        throw new ExpressionError(
          `${traversal.join(".")}: ${root}.* references are not supported by the local runtime`,
        );
      default: {
        if (typeof root !== "string" || rest.length < 2)
          throw new ExpressionError(`${traversal.join(".")} is not a resource attribute`);
        value = this.attribute(root, str(0), str(1));
        consumed = 2;
      }
    }
    for (const step of rest.slice(consumed)) {
      if (value instanceof UnknownValue) return value;
      value = indexValue(value, step);
    }
    return value;
  }
}

/** The first unknown value inside `v`, with its path. */
export function findUnknown(v: Value, path = ""): { path: string; value: UnknownValue } | undefined {
  if (v instanceof UnknownValue) return { path, value: v };
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const found = findUnknown(v[i] as Value, `${path}[${i}]`);
      if (found) return found;
    }
  } else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      const found = findUnknown(x, `${path}.${k}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** The region of the stack's AWS provider (its first, unaliased block). */
export function providerRegion(
  document: StackDocument,
  resolve: (v: unknown) => Value,
  fallback = "us-east-1",
): string {
  const blocks = document.provider?.aws ?? [];
  const main = blocks.find((b) => !("alias" in b)) ?? blocks[0];
  if (!main || main.region === undefined) return fallback;
  const region = resolve(main.region);
  return typeof region === "string" && region ? region : fallback;
}
