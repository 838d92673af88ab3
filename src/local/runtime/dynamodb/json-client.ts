import { Agent, request } from "node:http";
import { AwsServiceError } from "../service-error";

/** A DynamoDB attribute value, as the API's JSON carries it. */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] };

/** The access key of the runtime's own calls (seeding, snapshots, the TTL sweep): not billed work. */
const RUNTIME_ACCESS_KEY_ID = "AKIALOCALRUNTIME0000";

/** The access key of the Step Functions DynamoDB integrations' calls. */
export const STATES_ACCESS_KEY_ID = "AKIALOCALSTATES00000";

/**
 * The runtime's own DynamoDB client: the JSON protocol spoken directly (`X-Amz-Target:
 * DynamoDB_20120810.<Action>`), so the Step Functions integrations pass their Parameters through as
 * the API request they are, without the SDK's per-call cost on the main thread. The functions keep
 * using the AWS SDK they bundle.
 */
export class DynamoDBJsonClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 32 });
  private readonly url: URL;

  constructor(
    endpoint: string,
    private readonly region: string,
    /** The access key its requests are signed with: who dynalite's meter counts them for. */
    private readonly accessKeyId: string = RUNTIME_ACCESS_KEY_ID,
  ) {
    this.url = new URL(endpoint);
  }

  call<T = Record<string, unknown>>(action: string, body: unknown): Promise<T> {
    const payload = JSON.stringify(body ?? {});
    const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, "");
    return new Promise<T>((resolve, reject) => {
      const req = request(
        {
          host: this.url.hostname,
          port: this.url.port,
          method: "POST",
          path: "/",
          agent: this.agent,
          headers: {
            "content-type": "application/x-amz-json-1.0",
            "content-length": Buffer.byteLength(payload),
            "x-amz-target": `DynamoDB_20120810.${action}`,
            "x-amz-date": date,
            // dynalite wants a SigV4-shaped header; it does not check the signature.
            authorization: `AWS4-HMAC-SHA256 Credential=${this.accessKeyId}/${date.slice(0, 8)}/${this.region}/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: Record<string, unknown>;
            try {
              parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
            } catch {
              return reject(
                new AwsServiceError("InternalServerError", `unreadable answer: ${text.slice(0, 200)}`, {
                  statusCode: res.statusCode ?? 500,
                }),
              );
            }
            if ((res.statusCode ?? 500) >= 300) {
              const type = String(parsed.__type ?? "InternalServerError");
              return reject(
                new AwsServiceError(
                  type.slice(type.lastIndexOf("#") + 1),
                  String(parsed.message ?? parsed.Message ?? text),
                  { statusCode: res.statusCode ?? 500 },
                ),
              );
            }
            resolve(parsed as T);
          });
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A DynamoDB item as plain JSON (numbers as numbers, sets as arrays, binary as base64 text). */
export function unmarshallItem(item: Readonly<Record<string, AttributeValue>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) out[k] = unmarshallValue(v);
  return out;
}

function unmarshallValue(v: AttributeValue): unknown {
  if ("S" in v) return v.S;
  if ("N" in v) return Number(v.N);
  if ("BOOL" in v) return v.BOOL;
  if ("NULL" in v) return null;
  if ("M" in v) return unmarshallItem(v.M);
  if ("L" in v) return v.L.map(unmarshallValue);
  if ("SS" in v) return [...v.SS];
  if ("NS" in v) return v.NS.map(Number);
  if ("B" in v) return v.B;
  if ("BS" in v) return [...v.BS];
  return undefined;
}
