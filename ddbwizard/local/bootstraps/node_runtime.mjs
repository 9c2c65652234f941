// ddbwizard's local Node.js runtime: Lambda's Runtime API loop around a handler (no packages).
//
// Run as `node node_runtime.mjs` with AWS_LAMBDA_RUNTIME_API, LAMBDA_TASK_ROOT (the code
// folder) and _HANDLER (module.function, e.g. index.handler or src/app.handler) set. The
// module is index.js, .mjs or .cjs, ES module or CommonJS; an async handler (or one returning
// a value) is awaited. An import failure goes to /runtime/init/error. stdout to a file is
// synchronous in Node, so an invocation's lines are written before its result is posted.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";

const PREFIX = "/2018-06-01/runtime";
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(":");
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(method, target, body = null, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host, port, method, path: PREFIX + target, agent, headers },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (body !== null) req.write(body);
    req.end();
  });
}

function errorDocument(error) {
  const err = error instanceof Error ? error : new Error(String(error));
  return JSON.stringify({
    errorType: err.name || "Error",
    errorMessage: err.message,
    stackTrace: String(err.stack || "").split("\n"),
  });
}

function post(target, body, errorType = "") {
  const headers = { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) };
  if (errorType) headers["Lambda-Runtime-Function-Error-Type"] = errorType;
  return request("POST", target, body, headers);
}

async function loadHandler() {
  const spec = process.env._HANDLER;
  const dot = spec.lastIndexOf(".");
  const base = path.join(process.env.LAMBDA_TASK_ROOT, spec.slice(0, dot));
  const name = spec.slice(dot + 1);
  const file = [".js", ".mjs", ".cjs"].map((suffix) => base + suffix).find((f) => fs.existsSync(f));
  if (file === undefined) throw new Error(`Cannot find module '${spec.slice(0, dot)}'`);
  const module = await import(pathToFileURL(file).href);
  const handler = module[name] ?? module.default?.[name];
  if (typeof handler !== "function") throw new Error(`${spec} is undefined or not exported`);
  return handler;
}

function context(headers) {
  const deadline = Number(headers["lambda-runtime-deadline-ms"] || 0);
  const env = process.env;
  return {
    awsRequestId: headers["lambda-runtime-aws-request-id"],
    invokedFunctionArn: headers["lambda-runtime-invoked-function-arn"] || "",
    functionName: env.AWS_LAMBDA_FUNCTION_NAME || "",
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION || "$LATEST",
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE || "128",
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME || "",
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME || "",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

async function main() {
  let handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    await post("/init/error", errorDocument(error), "Runtime.ImportModuleError");
    process.exit(1);
  }
  for (;;) {
    const next = await request("GET", "/invocation/next");
    if (next.status !== 200) process.exit(0); // the API is closing
    const ctx = context(next.headers);
    let body;
    try {
      const result = await handler(JSON.parse(next.body.toString("utf8")), ctx);
      body = JSON.stringify(result === undefined ? null : result);
    } catch (error) {
      await post(`/invocation/${ctx.awsRequestId}/error`, errorDocument(error), "Unhandled");
      continue;
    }
    await post(`/invocation/${ctx.awsRequestId}/response`, body);
  }
}

main();
