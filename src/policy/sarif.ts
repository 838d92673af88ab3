/**
 * The policy result of one stack as SARIF 2.1.0, for code-scanning tools: one reporting descriptor per
 * rule (with the scanner rules it mirrors), one result per finding located at its construct path and at
 * its place in cdk.tf.json (a JSON pointer, and a line once the file is written), accepted exceptions
 * as suppressions carrying their reason, and stale exceptions as tool configuration notifications.
 */
import { createHash } from "node:crypto";
import { SUPPRESSIONS_FILE } from "./report";
import { Suppression, globMatches, suppressionLabel } from "./suppression-matching";
import type { PolicyOutcome } from "./check";
import type { Finding } from "./evaluate";
import type { PolicyRule } from "./types";

const SARIF_VERSION = "2.1.0";
const SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SARIF_TOOL_NAME = "orders-policy";

export interface SarifOptions {
  /** The stack whose findings the log reports. */
  readonly stackName: string;
  /** Every rule that ran (the outcome names findings, not the rules that found nothing). */
  readonly rules: readonly PolicyRule[];
  /** `cdk.tf.json` of the stack, relative to the project root (the `%SRCROOT%` base). */
  readonly stackFileUri: string;
  /** The written `cdk.tf.json`, to give each result its line. Default: results carry no line. */
  readonly stackFileText?: string;
}

/** The JSON pointer of a finding's place in cdk.tf.json: `/resource/<type>/<name>`, or the stack setting's path. */
export function jsonPointerOf(address: string): string {
  const segments = address.startsWith("terraform.") ? address.split(".") : ["resource", ...splitAddress(address)];
  return segments.map((s) => `/${s.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

function splitAddress(address: string): string[] {
  const dot = address.indexOf(".");
  return dot < 0 ? [address] : [address.slice(0, dot), address.slice(dot + 1)];
}

/**
 * The 1-based line where the value at `pointer` starts in JSON text pretty-printed with two spaces per
 * level (as cdktf writes cdk.tf.json), or undefined when it is not there.
 */
export function lineOfPointer(text: string, pointer: string): number | undefined {
  const keys = pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  let at = 0;
  for (let depth = 0; depth < keys.length; depth++) {
    // The first key at this indentation after its parent's line is the parent's own child: deeper
    // entries are indented further, and the parent's children come before any later sibling's.
    const needle = `\n${"  ".repeat(depth + 1)}${JSON.stringify(keys[depth])}: `;
    const found = text.indexOf(needle, at);
    if (found < 0) return undefined;
    at = found + 1;
  }
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < at; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

type Json = Record<string, unknown>;

/** The SARIF log of one stack's policy result. */
export function policySarif(outcome: PolicyOutcome, options: SarifOptions): Json {
  const ruleIndex = new Map(options.rules.map((rule, i) => [rule.id, i]));
  const ofStack = (f: Finding) => f.stackName === options.stackName;
  const results = [
    ...outcome.violations.filter(ofStack).map((finding) => result(finding, undefined)),
    ...outcome.excepted.filter((e) => ofStack(e.finding)).map((e) => result(e.finding, e.suppression)),
  ];

  function result(finding: Finding, suppression: Suppression | undefined): Json {
    const pointer = jsonPointerOf(finding.address);
    const line = options.stackFileText === undefined ? undefined : lineOfPointer(options.stackFileText, pointer);
    const subject = finding.problem.subject;
    return {
      ruleId: finding.rule.id,
      ...(ruleIndex.has(finding.rule.id) ? { ruleIndex: ruleIndex.get(finding.rule.id) } : {}),
      level: "error",
      message: { text: `${finding.address}${subject ? ` (${subject})` : ""}: ${finding.problem.message}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: options.stackFileUri, uriBaseId: "%SRCROOT%" },
            ...(line === undefined ? {} : { region: { startLine: line } }),
          },
          logicalLocations: [
            {
              name: finding.address,
              fullyQualifiedName: finding.constructPath
                ? `${finding.stackName}/${finding.constructPath}`
                : `${finding.stackName}/${finding.address}`,
              kind: "resource",
            },
          ],
          properties: { jsonPointer: pointer },
        },
      ],
      partialFingerprints: { "orders-policy/v1": fingerprint(finding) },
      properties: {
        stack: finding.stackName,
        address: finding.address,
        ...(finding.constructPath ? { constructPath: finding.constructPath } : {}),
        ...(subject ? { subject } : {}),
      },
      ...(suppression
        ? {
            suppressions: [
              {
                kind: "external",
                status: "accepted",
                justification: suppression.reason,
                location: {
                  physicalLocation: { artifactLocation: { uri: SUPPRESSIONS_FILE, uriBaseId: "%SRCROOT%" } },
                },
                properties: { exception: suppressionLabel(suppression), knownDefect: suppression.knownDefect === true },
              },
            ],
          }
        : {}),
    };
  }

  const stale = outcome.stale.filter((s) => globMatches(s.stacks ?? "*", options.stackName));
  const notifications = [
    ...stale.map((s) => ({
      level: "error",
      descriptor: { id: "stale-exception" },
      message: {
        text: `exception ${suppressionLabel(s)} matches no finding in ${options.stackName}: remove it from ${SUPPRESSIONS_FILE}`,
      },
      locations: [{ physicalLocation: { artifactLocation: { uri: SUPPRESSIONS_FILE, uriBaseId: "%SRCROOT%" } } }],
    })),
    ...outcome.invalid.map((error) => ({
      level: "error",
      descriptor: { id: "invalid-exception" },
      message: { text: `${error}: correct it in ${SUPPRESSIONS_FILE}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: SUPPRESSIONS_FILE, uriBaseId: "%SRCROOT%" } } }],
    })),
  ];

  return {
    $schema: SARIF_SCHEMA_URI,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: SARIF_TOOL_NAME,
            informationUri: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html",
            rules: options.rules.map(ruleDescriptor),
          },
        },
        automationDetails: { id: `${SARIF_TOOL_NAME}/${options.stackName}/` },
        invocations: [{ executionSuccessful: true, toolConfigurationNotifications: notifications }],
        results,
        columnKind: "unicodeCodePoints",
      },
    ],
  };
}

function ruleDescriptor(rule: PolicyRule): Json {
  const mirrors = rule.mirrors.length > 0 ? `\n\nMirrors: ${rule.mirrors.join(", ")}.` : "";
  return {
    id: rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.explanation },
    help: { text: `${rule.fix}${mirrors}` },
    defaultConfiguration: { level: "error" },
    properties: { mirrors: [...rule.mirrors], scope: rule.scope },
  };
}

/** Stable across synths while the same rule finds the same problem on the same resource. */
function fingerprint(f: Finding): string {
  return createHash("sha256")
    .update([f.rule.id, f.stackName, f.address, f.problem.subject ?? "", f.problem.message].join("\u0000"))
    .digest("hex")
    .slice(0, 32);
}
