/**
 * The code of one sandbox (a worker thread), as Lambda's Node.js runtime would run a function: load
 * the module named by `handler` from the code directory once (the cold start), then run one
 * invocation at a time with the event parsed from JSON and a Lambda context, and answer with the JSON
 * result or the error as Lambda reports it ({ errorType, errorMessage, trace }).
 *
 * It is kept as source text and run with `eval`, so it works the same from the CLI's bundle, from
 * Jest and from the bench, without a separate file to locate.
 */
export const SANDBOX_SOURCE = String.raw`
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const path = require("node:path");
const fs = require("node:fs");
const { codeDir, handler, functionName, functionArn, memoryMb, logGroupName, logStreamName, logFile, echoLogs } = workerData;

// The function's output (console, Powertools) is appended to the log file by this thread itself,
// each line prefixed with the function name, and echoed to stderr when asked.
const logFd = logFile ? fs.openSync(logFile, "a") : undefined;
let pendingLog = "";
let flushScheduled = false;
function flushLog(sync) {
  flushScheduled = false;
  const text = pendingLog;
  pendingLog = "";
  if (!text) return;
  // One synchronous write per tick (this is the sandbox's own thread): an asynchronous one could still be
  // in flight when a stop exits the thread, and its lines would be lost. On stop, the echo is written at once too.
  if (logFd !== undefined) fs.writeSync(logFd, text);
  if (echoLogs) sync ? fs.writeSync(2, text) : fs.write(2, text, () => {});
}
// Bytes written since the last answer: what CloudWatch Logs would ingest of this invocation.
let logBytes = 0;
function captureOutput(chunk, encoding, callback) {
  logBytes += typeof chunk === "string" ? Buffer.byteLength(chunk, "utf8") : chunk.length;
  if (logFd !== undefined || echoLogs) {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    for (const line of text.split("\n")) if (line) pendingLog += functionName + " " + line + "\n";
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushLog);
    }
  }
  const done = typeof encoding === "function" ? encoding : callback;
  if (typeof done === "function") done();
  return true;
}
process.stdout.write = captureOutput;
process.stderr.write = captureOutput;

function errorOf(e, fallbackType) {
  const errorType = (e && typeof e === "object" && typeof e.name === "string" && e.name) || fallbackType || "Error";
  const errorMessage = e && typeof e === "object" && "message" in e ? String(e.message) : String(e);
  const trace = e && typeof e.stack === "string" ? e.stack.split("\n") : [];
  return { errorType, errorMessage, trace };
}

let fn;
const dot = handler.lastIndexOf(".");
const moduleName = dot > 0 ? handler.slice(0, dot) : handler;
const exportName = dot > 0 ? handler.slice(dot + 1) : "handler";
try {
  const mod = require(path.join(codeDir, moduleName));
  fn = mod[exportName];
  if (typeof fn !== "function") {
    throw Object.assign(new Error(moduleName + "." + exportName + " is undefined or not exported"), { name: "Runtime.HandlerNotFound" });
  }
  parentPort.postMessage({ type: "ready" });
} catch (e) {
  const code = e && e.code === "MODULE_NOT_FOUND" ? "Runtime.ImportModuleError" : undefined;
  parentPort.postMessage({ type: "init-error", error: errorOf(e, code) });
}

parentPort.on("message", async (msg) => {
  if (msg.type === "stop") {
    flushLog(true);
    process.exit(0);
  }
  if (msg.type !== "invoke") return;
  let settled = false;
  const answer = (m) => {
    if (settled) return;
    settled = true;
    m.logBytes = logBytes;
    logBytes = 0;
    parentPort.postMessage(m);
  };
  const context = {
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: functionArn,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: msg.requestId,
    logGroupName,
    logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, msg.deadline - Date.now()),
    done: (err, res) => (err ? fail(err) : succeed(res)),
    succeed: (res) => succeed(res),
    fail: (err) => fail(err),
  };
  const succeed = (result) => {
    let payload;
    try {
      payload = JSON.stringify(result === undefined ? null : result);
    } catch (e) {
      return answer({ type: "result", id: msg.id, error: errorOf(e, "Runtime.MarshalError") });
    }
    answer({ type: "result", id: msg.id, payload });
  };
  const fail = (e) => answer({ type: "result", id: msg.id, error: errorOf(e) });
  try {
    const event = JSON.parse(msg.event);
    if (fn.length >= 3) {
      fn(event, context, (err, res) => (err ? fail(err) : succeed(res)));
    } else {
      succeed(await fn(event, context));
    }
  } catch (e) {
    fail(e);
  }
});
`;
