/**
 * A synthesized stack, indexed for the rules: resources by type and address, variable defaults, the
 * environment the stack deploys, and parsed JSON documents (policies, definitions, dashboards) shared
 * between rules so each document is parsed once.
 */
import {
  Reference,
  StackDocument,
  block,
  blocks,
  constructPathInStack,
  parseReference,
} from "../terraform/stack-document";
import { resolveWithDefaults } from "./terraform-values";
import type { SynthesizedResource } from "./types";

/** Environments whose stacks hold production data. */
const PRODUCTION_ENVIRONMENTS = new Set(["prod", "production", "prd"]);

export type ParsedJson =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

export class StackContext {
  readonly stackName: string;
  /** The environment, from the aws provider's default `environment` tag or, failing that, the stack name. */
  readonly environment: string | undefined;
  readonly isProduction: boolean;
  /** `terraform.backend` of the stack, if any. */
  readonly backend: Readonly<Record<string, unknown>> | undefined;
  private readonly byType = new Map<string, SynthesizedResource[]>();
  private readonly byAddress = new Map<string, SynthesizedResource>();
  private readonly defaults = new Map<string, unknown>();
  private readonly parsed = new Map<string, ParsedJson>();

  constructor(stackName: string, json: StackDocument) {
    this.stackName = stackName;
    for (const [type, resources] of Object.entries(json.resource ?? {})) {
      const list: SynthesizedResource[] = [];
      for (const [name, raw] of Object.entries(resources)) {
        const { "//": _meta, ...config } = raw;
        const resource: SynthesizedResource = {
          type,
          name,
          address: `${type}.${name}`,
          constructPath: constructPathInStack(raw),
          config,
        };
        list.push(resource);
        this.byAddress.set(resource.address, resource);
      }
      this.byType.set(type, list);
    }
    for (const [name, variable] of Object.entries(json.variable ?? {})) {
      if ("default" in variable) this.defaults.set(name, variable.default);
    }
    this.backend = block(json.terraform?.backend);
    this.environment = environmentOf(json, stackName, (v) => this.resolve(v));
    this.isProduction = this.environment !== undefined && PRODUCTION_ENVIRONMENTS.has(this.environment.toLowerCase());
  }

  /** Resources of one type, in the order the stack lists them. */
  resources(type: string): readonly SynthesizedResource[] {
    return this.byType.get(type) ?? [];
  }

  resource(address: string): SynthesizedResource | undefined {
    return this.byAddress.get(address);
  }

  /** The value with variables at their defaults (see `resolveWithDefaults`). */
  resolve(value: unknown): unknown {
    return resolveWithDefaults(value, this.defaults);
  }

  /** The resource a value refers to (`${type.name.attr}`), if it is in this stack and of one of `types`. */
  referenced(
    value: unknown,
    ...types: string[]
  ): (SynthesizedResource & { readonly reference: Reference }) | undefined {
    const reference = parseReference(value);
    if (!reference || (types.length > 0 && !types.includes(reference.type))) return undefined;
    const resource = this.byAddress.get(`${reference.type}.${reference.name}`);
    return resource ? { ...resource, reference } : undefined;
  }

  /** Whether `value` names `target`: a reference to it, or (for `literalKey`) the same literal value. */
  refersTo(value: unknown, target: SynthesizedResource, literalKey?: string): boolean {
    const reference = parseReference(value);
    if (reference) return reference.type === target.type && reference.name === target.name && reference.suffix === "";
    return literalKey !== undefined && typeof value === "string" && value === target.config[literalKey];
  }

  /** A JSON document held in a string argument, parsed once per stack. */
  parseJson(text: unknown): ParsedJson {
    if (typeof text !== "string") return { ok: false, error: `expected a JSON string, found ${typeof text}` };
    let result = this.parsed.get(text);
    if (!result) {
      try {
        result = { ok: true, value: JSON.parse(text) };
      } catch (error) {
        result = { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
      this.parsed.set(text, result);
    }
    return result;
  }
}

function environmentOf(json: StackDocument, stackName: string, resolve: (v: unknown) => unknown): string | undefined {
  for (const provider of blocks(json.provider?.aws)) {
    for (const defaultTags of blocks(provider.default_tags)) {
      const environment = resolve(block(defaultTags.tags)?.environment);
      if (typeof environment === "string" && environment !== "") return environment;
    }
  }
  const words = stackName.toLowerCase().split(/[-_.]/);
  return words.find((w) => PRODUCTION_ENVIRONMENTS.has(w)) ?? (words.length > 1 ? words[words.length - 1] : undefined);
}
