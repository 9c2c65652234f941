// ddbwizard echo handler (Node.js) for a DynamoDB stream.
//
// Deployed inline (CloudFormation Code.ZipFile -> index.js, handler
// index.handler). CloudFormation writes inline Node.js code to index.js, which
// Node loads as CommonJS, so ddbwizard replaces the last line
// "export { handler };" with "exports.handler = handler;" when inlining.
// Keep this file free of imports and keep that line as the only export.
//
// Output: one JSON line per stream record written with process.stdout.write
// (not console.log, which wraps lines in Lambda's log envelope), INFO level.
// The Python twin (echo.py) writes byte-identical lines for the same event.
// Field order of a record line (optional ones only when present, not null):
//
//   eventName, eventID, sequenceNumber, approximateCreationDateTime, keys,
//   [userIdentity], [sizeBytes], [newImage], [oldImage]
//
// Values are DynamoDB JSON turned into plain JSON: S/B -> string, N -> number
// with exactly the digits DynamoDB sent, SS/BS -> array of strings, NS ->
// array of numbers, L -> array, M -> object, NULL -> null, BOOL -> true/false.
// Compact, strings escaped by JSON.stringify. Map attribute names come out in
// JavaScript property order (array-index names first, ascending; then the
// others in event order), which the Python twin reproduces.
//
// Oversize: a line longer than MAX_LINE_BYTES (UTF-8) becomes
//
//   eventName, eventID, sequenceNumber, approximateCreationDateTime, keys,
//   [userIdentity], [sizeBytes], truncated (true), originalBytes,
//   [newImageTruncated], [oldImageTruncated]
//
// where each *Truncated value is a string holding a prefix of the image's JSON
// text. Cut rule: E = the JSON-escaped image text (what goes between the
// quotes); the free bytes A = MAX_LINE_BYTES - bytes of the line with all
// *Truncated strings empty are shared by water-filling (images by ascending
// UTF-8 length of E, ties in field order; each gets min(len, floor(left / n
// images left))); E is cut at the largest byte offset <= its share that
// neither splits a UTF-8 sequence nor a two-character escape (backslash pairs).
//
// A record that is not a well-formed stream record becomes
// {"error":"unrecognized record","record":<the record as JSON>} (same
// truncation, field "recordTruncated"). No record is dropped; the batch never
// fails.
//
// Return: {batchItemFailures: []} when REPORT_BATCH_ITEM_FAILURES is "true";
// with a tumbling window ("window" in the event) {state: {records: N}}
// (N = incoming state.records + records in this batch) and, on the final
// invoke of the window, one more line
// {"windowSummary":{"start":..,"end":..,"records":N,"shardId":..}}.
// Both keys together when both apply; otherwise undefined.
// AWS_LAMBDA_LOG_LEVEL WARN/ERROR/FATAL suppresses the lines (they are INFO).

const MAX_LINE_BYTES = 256 * 1024 - 1024;
const CHUNK = 500; // records per stdout write
const QUIET = new Set(["WARN", "ERROR", "FATAL"]);
const KC = new Map(); // attribute name -> '"name":'
const KC_MAX = 50000;
const str = JSON.stringify;

class Bad extends Error {}

function isObj(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function plain(v) {
  return v === undefined ? "null" : str(v);
}

function key(k) {
  let kk = KC.get(k);
  if (kk === undefined) {
    kk = str(k) + ":";
    if (KC.size < KC_MAX) KC.set(k, kk);
  }
  return kk;
}

function strs(v) {
  if (!Array.isArray(v)) throw new Bad();
  let s = "";
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== "string") throw new Bad();
    s += (i ? "," : "") + str(v[i]);
  }
  return "[" + s + "]";
}

function other(av) {
  if (Array.isArray(av)) throw new Bad();
  let t;
  let n = 0;
  for (const x in av) {
    t = x;
    if (++n > 1) throw new Bad();
  }
  const v = av[t];
  switch (t) {
    case "M":
      return m2(v);
    case "L":
      return l2(v);
    case "BOOL":
      if (v === true) return "true";
      if (v === false) return "false";
      throw new Bad();
    case "NULL":
      return "null";
    case "B":
      if (typeof v !== "string") throw new Bad();
      return str(v);
    case "SS":
    case "BS":
      return strs(v);
    case "NS": {
      if (!Array.isArray(v)) throw new Bad();
      for (let i = 0; i < v.length; i++) if (typeof v[i] !== "string") throw new Bad();
      return "[" + v.join(",") + "]";
    }
    default:
      throw new Bad();
  }
}

function val(av) {
  let v;
  if ("S" in av) {
    v = av.S;
    if (typeof v !== "string") throw new Bad();
    return str(v);
  }
  if ("N" in av) {
    v = av.N;
    if (typeof v !== "string") throw new Bad();
    return v;
  }
  return other(av);
}

function m2(m) {
  if (!isObj(m)) throw new Bad();
  let s = "";
  for (const k in m) s += "," + key(k) + val(m[k]);
  return s === "" ? "{}" : "{" + s.slice(1) + "}";
}

function l2(l) {
  if (!Array.isArray(l)) throw new Bad();
  let s = "";
  for (let i = 0; i < l.length; i++) s += (i ? "," : "") + val(l[i]);
  return "[" + s + "]";
}

function u8(s) {
  return Buffer.byteLength(s, "utf8");
}

function cut(e, budget) {
  const b = Buffer.from(e, "utf8");
  if (budget >= b.length) return e;
  let i = Math.max(budget, 0);
  while (i > 0 && (b[i] & 0xc0) === 0x80) i--;
  let j = i;
  while (j > 0 && b[j - 1] === 0x5c) j--;
  if ((i - j) & 1) i--;
  return b.toString("utf8", 0, i);
}

function fit(line, head, bigs) {
  if (line.length * 3 <= MAX_LINE_BYTES) return line;
  const n = u8(line);
  if (n <= MAX_LINE_BYTES) return line;
  head += ',"truncated":true,"originalBytes":' + n;
  const es = bigs.map(([, t]) => str(t).slice(1, -1));
  const lens = es.map(u8);
  let left = MAX_LINE_BYTES - u8(head) - 1;
  for (const [f] of bigs) left -= f.length + 6;
  const share = new Array(bigs.length).fill(0);
  const order = bigs.map((_, i) => i).sort((a, b) => lens[a] - lens[b]);
  order.forEach((i, pos) => {
    share[i] = Math.min(lens[i], Math.floor(Math.max(left, 0) / (order.length - pos)));
    left -= share[i];
  });
  let s = head;
  bigs.forEach(([f], i) => {
    s += ',"' + f + '":"' + cut(es[i], share[i]) + '"';
  });
  return s + "}";
}

function line(rec) {
  if (!isObj(rec)) throw new Bad();
  const d = rec.dynamodb;
  if (!isObj(d)) throw new Bad();
  const keys = d.Keys;
  let head =
    '{"eventName":' +
    plain(rec.eventName) +
    ',"eventID":' +
    plain(rec.eventID) +
    ',"sequenceNumber":' +
    plain(d.SequenceNumber) +
    ',"approximateCreationDateTime":' +
    plain(d.ApproximateCreationDateTime) +
    ',"keys":' +
    (keys == null ? "null" : m2(keys));
  let v = rec.userIdentity;
  if (v != null) head += ',"userIdentity":' + str(v);
  v = d.SizeBytes;
  if (v != null) head += ',"sizeBytes":' + str(v);
  const nw = d.NewImage == null ? null : m2(d.NewImage);
  const od = d.OldImage == null ? null : m2(d.OldImage);
  let s = head;
  if (nw !== null) s += ',"newImage":' + nw;
  if (od !== null) s += ',"oldImage":' + od;
  s += "}";
  if (s.length * 3 <= MAX_LINE_BYTES) return s;
  const bigs = [];
  if (nw !== null) bigs.push(["newImageTruncated", nw]);
  if (od !== null) bigs.push(["oldImageTruncated", od]);
  return fit(s, head, bigs);
}

function badLine(rec) {
  const head = '{"error":"unrecognized record"';
  let body;
  try {
    body = plain(rec);
  } catch {
    body = "null";
  }
  return fit(head + ',"record":' + body + "}", head, [["recordTruncated", body]]);
}

function emit(records) {
  let out = "";
  for (let i = 0; i < records.length; i++) {
    let s;
    try {
      s = line(records[i]);
    } catch {
      s = badLine(records[i]);
    }
    out += s + "\n";
    if ((i + 1) % CHUNK === 0) {
      process.stdout.write(out);
      out = "";
    }
  }
  if (out !== "") process.stdout.write(out);
}

function num(v) {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

async function handler(event, context) {
  const env = process.env;
  const quiet = QUIET.has((env.AWS_LAMBDA_LOG_LEVEL || "").trim().toUpperCase());
  if (!isObj(event)) event = {};
  const records = Array.isArray(event.Records) ? event.Records : [];
  if (!quiet) emit(records);
  const result = {};
  let any = false;
  if ((env.REPORT_BATCH_ITEM_FAILURES || "").trim().toLowerCase() === "true") {
    result.batchItemFailures = [];
    any = true;
  }
  if ("window" in event) {
    const state = event.state;
    const n = num(isObj(state) ? state.records : undefined) + records.length;
    if (event.isFinalInvokeForWindow === true && !quiet) {
      const w = isObj(event.window) ? event.window : {};
      process.stdout.write(
        '{"windowSummary":{"start":' +
          plain(w.start) +
          ',"end":' +
          plain(w.end) +
          ',"records":' +
          n +
          ',"shardId":' +
          plain(event.shardId) +
          "}}\n",
      );
    }
    result.state = { records: n };
    any = true;
  }
  return any ? result : undefined;
}

export { handler };
