import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { RedriveUsageError } from "./options";

/** An AWS error as the service answered it: `name` is its type (`QueueDoesNotExist`, `ExecutionNotRedrivable`). */
export class AwsServiceError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** One operation of an AWS JSON 1.0 service: the request body in, the response body out. */
type JsonCall = <T = Record<string, unknown>>(operation: string, input: Record<string, unknown>) => Promise<T>;

/** The SDK's SigV4 signer, as the EventBridge client's resolved configuration holds it (untyped there). */
type SignerClass = new (options: { credentials: unknown; region: string; service: string; sha256: unknown }) => {
  sign(request: unknown): Promise<unknown>;
};

/** The clients the redrive command uses, with the region and credentials resolved once. */
export interface AwsSession {
  readonly region: string;
  readonly eventBridge: EventBridgeClient;
  readonly sqs: JsonCall;
  readonly stepFunctions: JsonCall;
}

/**
 * The AWS SDK's EventBridge client, and SQS and Step Functions calls made with that client's own
 * region and credential resolution, SigV4 signer and SHA-256 (AWS JSON 1.0 protocol, which both
 * services speak). Endpoints follow the SDK's settings: `AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL_SFN`
 * (or `AWS_ENDPOINT_URL`), else the service's regional endpoint. No region or no credentials is a
 * usage error, said in one line.
 */
export async function openSession(options: { readonly region?: string } = {}): Promise<AwsSession> {
  const eventBridge = new EventBridgeClient(options.region ? { region: options.region } : {});
  let region: string;
  try {
    region = await eventBridge.config.region();
  } catch {
    throw new RedriveUsageError("no AWS region: pass --region or set AWS_REGION (or a profile's region)");
  }
  if (!region) throw new RedriveUsageError("no AWS region: pass --region or set AWS_REGION (or a profile's region)");
  try {
    await eventBridge.config.credentials();
  } catch {
    throw new RedriveUsageError(
      "no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role provides them",
    );
  }
  const json = (service: { signingName: string; envName: string; host: string; targetPrefix: string }): JsonCall => {
    // The client's own signer class (SigV4, as every SDK client signs), given the service's signing name.
    const { signerConstructor: Signer } = eventBridge.config as unknown as { signerConstructor: SignerClass };
    const signer = new Signer({
      credentials: eventBridge.config.credentials,
      region,
      service: service.signingName,
      sha256: eventBridge.config.sha256,
    });
    const endpoint = new URL(
      process.env[`AWS_ENDPOINT_URL_${service.envName}`] ??
        process.env.AWS_ENDPOINT_URL ??
        `https://${service.host}.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`,
    );
    return async <T>(operation: string, input: Record<string, unknown>): Promise<T> => {
      const body = JSON.stringify(input);
      const signed = await signer.sign({
        method: "POST",
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        port: endpoint.port ? Number(endpoint.port) : undefined,
        path: endpoint.pathname,
        query: {},
        headers: {
          host: endpoint.host,
          "content-type": "application/x-amz-json-1.0",
          "x-amz-target": `${service.targetPrefix}.${operation}`,
        },
        body,
      } as never);
      const { status, text } = await post(endpoint, (signed as { headers: Record<string, string> }).headers, body);
      const parsed = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
      if (status >= 300) {
        const type = String(parsed.__type ?? parsed.code ?? `HTTP${status}`);
        throw new AwsServiceError(
          type.slice(type.lastIndexOf("#") + 1),
          String(parsed.message ?? parsed.Message ?? text),
          status,
        );
      }
      return parsed as T;
    };
  };
  return {
    region,
    eventBridge,
    sqs: json({ signingName: "sqs", envName: "SQS", host: "sqs", targetPrefix: "AmazonSQS" }),
    stepFunctions: json({ signingName: "states", envName: "SFN", host: "states", targetPrefix: "AWSStepFunctions" }),
  };
}

function post(endpoint: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const send = endpoint.protocol === "http:" ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = send(endpoint, { method: "POST", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}
