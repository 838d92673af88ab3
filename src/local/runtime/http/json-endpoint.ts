import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { AwsServiceError } from "../service-error";
import type { AddressInfo } from "node:net";

/** One operation of an AWS JSON 1.0 service: the request body in, the response body out. */
type JsonOperation = (input: Record<string, unknown>) => unknown;

/** A service's operations by X-Amz-Target (`AmazonSQS.ReceiveMessage`), and its error namespace. */
export interface JsonService {
  /** The target prefix: `AmazonSQS`, `AWSStepFunctions`. */
  readonly targetPrefix: string;
  /** The smithy namespace error types carry (`com.amazonaws.sqs`), as the service sends them. */
  readonly errorNamespace?: string;
  /**
   * For a service that answers in its Query API's terms too (SQS): the Query error code of an error type,
   * sent as `x-amzn-query-error: <code>;Sender|Receiver`. The SDK's clients of such a service
   * (awsQueryCompatible) name and type their exceptions from that header.
   */
  readonly queryErrorCode?: (type: string) => string;
  readonly operations: Readonly<Record<string, JsonOperation>>;
}

export interface JsonEndpoint {
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * Serves AWS JSON 1.0 services (SQS and Step Functions speak it) on one loopback port: POST /, the
 * operation in `X-Amz-Target`, JSON in and out, each answer with its `x-amzn-RequestId`, errors as
 * `{ "__type", "message" }` with their status (and `x-amzn-query-error` where the service sends it), so
 * the AWS SDK's clients and the CLI reach the local services with only their endpoint changed
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html).
 * Signatures are not checked and no policy is evaluated: the callers are the operator's tools.
 */
export async function startJsonEndpoint(services: readonly JsonService[]): Promise<JsonEndpoint> {
  const byPrefix = new Map(services.map((s) => [s.targetPrefix, s]));
  const server = createServer((req, res) => {
    void answer(req, res, byPrefix);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, services: Map<string, JsonService>): Promise<void> {
  const target = String(req.headers["x-amz-target"] ?? "");
  const [prefix = "", operationName = ""] = target.split(".");
  const service = services.get(prefix);
  const operation = service?.operations[operationName];
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (!service || !operation)
    return reply(res, 400, { __type: "UnknownOperationException", message: `Unknown operation ${target}` });
  let input: Record<string, unknown>;
  try {
    const text = Buffer.concat(chunks).toString("utf8");
    input = text.trim() === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    return reply(res, 400, { __type: "SerializationException", message: "The request body is not JSON" });
  }
  try {
    reply(res, 200, (await operation(input)) ?? {});
  } catch (error) {
    // A service's refusal (an AwsServiceError) is answered with its status and type; anything else is a fault.
    if (!(error instanceof AwsServiceError))
      return reply(res, 500, { __type: "InternalFailure", message: (error as Error).message });
    const type = service.errorNamespace ? `${service.errorNamespace}#${error.name}` : error.name;
    const fault = error.statusCode >= 500 ? "Receiver" : "Sender";
    const queryError: Record<string, string> = service.queryErrorCode
      ? { "x-amzn-query-error": `${service.queryErrorCode(error.name)};${fault}` }
      : {};
    reply(res, error.statusCode, { __type: type, message: error.message }, queryError);
  }
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
    ...headers,
  });
  res.end(text);
}
