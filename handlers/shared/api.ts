/**
 * The two ways a service can be called: with the request itself (direct invoke, the
 * local runtime, tests) or API-Gateway style, `{ body: "<json>", headers, ... }`.
 * Direct calls get the result object or a thrown named error; API-style calls always
 * get `{ statusCode, headers, body }` with a JSON body (errors included).
 */
import { ServiceError, ValidationError } from "./errors";

/** An API-Gateway-style request (REST proxy or HTTP API payload 1.0/2.0). */
export interface ApiRequest {
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
}

export interface ApiResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export function isApiRequest(event: unknown): event is ApiRequest {
  return typeof event === "object" && event !== null && !Array.isArray(event) && "body" in event;
}

/** Reads a header case-insensitively. */
export function header(request: ApiRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value ?? undefined;
  }
  return undefined;
}

/** Decodes and parses the JSON body; refuses bodies over `maxBytes` before parsing. */
export function parseJsonBody(request: ApiRequest, maxBytes: number): unknown {
  if (request.body === undefined || request.body === null || request.body === "") {
    throw new ValidationError([{ field: "body", rule: "is required (a JSON object)" }]);
  }
  if (typeof request.body !== "string") {
    throw new ValidationError([{ field: "body", rule: "must be a JSON string" }]);
  }
  const text = request.isBase64Encoded ? Buffer.from(request.body, "base64").toString("utf8") : request.body;
  const size = Buffer.byteLength(text, "utf8");
  if (size > maxBytes) {
    throw new ValidationError([{ field: "body", rule: `must be at most ${maxBytes} bytes (got ${size})` }]);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError([{ field: "body", rule: "must be valid JSON" }]);
  }
}

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { statusCode, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/** The API response for an error: named service errors keep their status; others are 500. */
export function errorResponse(error: unknown): ApiResponse {
  if (error instanceof ServiceError) {
    return jsonResponse(error.statusCode, error.toJSON());
  }
  return jsonResponse(500, { error: "InternalError", message: "internal error", retryable: true });
}
