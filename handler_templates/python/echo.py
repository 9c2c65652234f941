"""ddbwizard echo handler (Python) for a DynamoDB stream.

Deployed inline (CloudFormation Code.ZipFile -> index.py, handler index.handler):
one self-contained file, standard library only.

Output: one JSON line per stream record on stdout (INFO level), written with
sys.stdout.write in chunks. The Node.js twin (echo.mjs) writes byte-identical
lines for the same event. Field order of a record line (optional ones only
when present and not null):

  eventName, eventID, sequenceNumber, approximateCreationDateTime, keys,
  [userIdentity], [sizeBytes], [newImage], [oldImage]

Values are DynamoDB JSON turned into plain JSON: S/B -> string, N -> number
with exactly the digits DynamoDB sent, SS/BS -> array of strings, NS -> array
of numbers, L -> array, M -> object, NULL -> null, BOOL -> true/false.
Compact separators; strings escaped like JSON.stringify (non-ASCII kept as
UTF-8, lone surrogates as \\udxxx). Map attribute names come out in
JavaScript property order: array-index keys ("0".."4294967294", no leading
zero) first in ascending order, then the other keys in event order.

Oversize: a line longer than MAX_LINE_BYTES (UTF-8) becomes

  eventName, eventID, sequenceNumber, approximateCreationDateTime, keys,
  [userIdentity], [sizeBytes], truncated (true), originalBytes,
  [newImageTruncated], [oldImageTruncated]

where each *Truncated value is a string holding a prefix of the image's JSON
text. Cut rule: E = the JSON-escaped image text (what goes between the
quotes); the free bytes A = MAX_LINE_BYTES - bytes of the line with all
*Truncated strings empty are shared by water-filling (images by ascending
UTF-8 length of E, ties in field order; each gets min(len, floor(left / n
images left))); E is cut at the largest byte offset <= its share that neither
splits a UTF-8 sequence nor a two-character escape (backslash pairs).

A record that is not a well-formed stream record becomes
{"error":"unrecognized record","record":<the record as JSON>} (same
truncation, field "recordTruncated"). No record is dropped; the batch never
fails.

Return: {"batchItemFailures": []} when REPORT_BATCH_ITEM_FAILURES is "true";
with a tumbling window ("window" in the event) {"state": {"records": N}}
(N = incoming state.records + records in this batch) and, on the final
invoke of the window, one more line
{"windowSummary":{"start":..,"end":..,"records":N,"shardId":..}}.
Both keys together when both apply; otherwise None. AWS_LAMBDA_LOG_LEVEL
WARN/ERROR/FATAL suppresses the lines (they are INFO).
"""

import json.encoder
import math
import numbers
import os
import re
import sys

MAX_LINE_BYTES = 256 * 1024 - 1024
_CHUNK = 500  # records per stdout write
_QUIET = ("WARN", "ERROR", "FATAL")

_enc = json.encoder.c_encode_basestring or json.encoder.py_encode_basestring
_KC: dict = {}  # attribute name -> '"name":' (never array-index names)
_KC_MAX = 50000
_I53 = 2**53
_SUR = re.compile("[\ud800-\udfff]")


class _Bad(Exception):
    pass


def _is_index(k):
    # JavaScript array index: canonical decimal below 2**32 - 1.
    return (
        k.isdigit()
        and k.isascii()
        and len(k) <= 10
        and (k[0] != "0" or k == "0")
        and int(k) < 4294967295
    )


def _js_keys(d):
    ints = [k for k in d if _is_index(k)]
    if not ints:
        return list(d)
    ints.sort(key=int)
    return ints + [k for k in d if not _is_index(k)]


def _jsfloat(x):
    # Number.prototype.toString for a finite double (shortest round-trip digits).
    if not math.isfinite(x):
        return "null"
    if x == 0:
        return "0"
    if -_I53 < x < _I53 and x.is_integer():
        return str(int(x))
    mant, _, ex = repr(abs(x)).partition("e")
    ip, _, fp = mant.partition(".")
    digits = ip + fp
    n = len(ip) + (int(ex) if ex else 0)
    s = digits.lstrip("0")
    n -= len(digits) - len(s)
    digits = s.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        s = digits + "0" * (n - k)
    elif 0 < n <= 21:
        s = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        s = "0." + "0" * -n + digits
    else:
        e = n - 1
        s = (
            digits[0]
            + ("." + digits[1:] if k > 1 else "")
            + ("e+" if e >= 0 else "e-")
            + str(abs(e))
        )
    return "-" + s if x < 0 else s


def _plain(v):
    # JSON.stringify of a JSON.parse'd value.
    t = type(v)
    if t is str:
        return _enc(v)
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if t is dict:
        return "{" + ",".join([_enc(k) + ":" + _plain(v[k]) for k in _js_keys(v)]) + "}"
    if t is list:
        return "[" + ",".join([_plain(x) for x in v]) + "]"
    if isinstance(v, int):
        if -_I53 <= v <= _I53:
            return str(int(v))
        try:
            return _jsfloat(float(v))
        except OverflowError:
            return "null"
    if isinstance(v, numbers.Number):  # float, Decimal: as JSON.parse would read it
        return _jsfloat(float(v))
    raise _Bad


def _other(t, v):
    if t == "M":
        return _m(v)
    if t == "L":
        if type(v) is not list:
            raise _Bad
        return _l(v)
    if t == "BOOL":
        if v is True:
            return "true"
        if v is False:
            return "false"
        raise _Bad
    if t == "NULL":
        return "null"
    if t == "B":
        return _enc(v)
    if t in ("SS", "BS"):
        if type(v) is not list:
            raise _Bad
        return "[" + ",".join(map(_enc, v)) + "]"
    if t == "NS":
        if type(v) is not list:
            raise _Bad
        return "[" + ",".join(v) + "]"
    raise _Bad


def _m(m, _kc=_KC, _enc=_enc, _other=_other):
    out = []
    ap = out.append
    try:
        for k, av in m.items():
            if "S" in av:
                ap(_kc[k] + _enc(av["S"]))
            elif "N" in av:
                ap(_kc[k] + av["N"])
            else:
                ((t, v),) = av.items()
                if t == "M":
                    ap(_kc[k] + _m(v))
                elif t == "BOOL" and (v is True or v is False):
                    ap(_kc[k] + ("true" if v else "false"))
                elif t == "NULL":
                    ap(_kc[k] + "null")
                else:
                    ap(_kc[k] + _other(t, v))
    except KeyError:
        return _m_slow(m)
    return "{" + ",".join(out) + "}"


def _m_slow(m):
    # Uncached or array-index attribute names: JS order, fill the name cache.
    for k in m:
        if k not in _KC and len(_KC) < _KC_MAX and not _is_index(k):
            _KC[k] = _enc(k) + ":"
    return "{" + ",".join([(_KC.get(k) or _enc(k) + ":") + _val(m[k]) for k in _js_keys(m)]) + "}"


def _val(av):
    if "S" in av:
        return _enc(av["S"])
    if "N" in av:
        v = av["N"]
        if type(v) is not str:
            raise _Bad
        return v
    ((t, v),) = av.items()
    return _other(t, v)


def _l(lst, _enc=_enc, _other=_other):
    out = []
    ap = out.append
    for av in lst:
        if "S" in av:
            ap(_enc(av["S"]))
        elif "N" in av:
            ap(av["N"])
        else:
            ((t, v),) = av.items()
            ap(_other(t, v))
    return "[" + ",".join(out) + "]"


def _p(v):
    return _enc(v) if type(v) is str else _plain(v)


def _fix(s):
    return _SUR.sub(lambda mo: f"\\u{ord(mo.group()):04x}", s)


def _u8(s):
    return len(s) if s.isascii() else len(s.encode("utf-8"))


def _cut(e, budget):
    b = e.encode("utf-8")
    if budget >= len(b):
        return e
    i = max(budget, 0)
    while i > 0 and (b[i] & 0xC0) == 0x80:
        i -= 1
    j = i
    while j > 0 and b[j - 1] == 0x5C:
        j -= 1
    if (i - j) & 1:
        i -= 1
    return b[:i].decode("utf-8")


def _fit(line, head, bigs):
    # head: leading fields ("{..." without closing brace); bigs: [(field, json)].
    if len(line) * 6 <= MAX_LINE_BYTES:
        return line
    try:
        n = _u8(line)
    except UnicodeEncodeError:
        line, head = _fix(line), _fix(head)
        bigs = [(f, _fix(t)) for f, t in bigs]
        n = _u8(line)
    if n <= MAX_LINE_BYTES:
        return line
    head += ',"truncated":true,"originalBytes":' + str(n)
    es = [_enc(t)[1:-1] for _, t in bigs]
    lens = [_u8(e) for e in es]
    left = MAX_LINE_BYTES - _u8(head) - 1 - sum(len(f) + 6 for f, _ in bigs)
    share = [0] * len(bigs)
    order = sorted(range(len(bigs)), key=lambda i: lens[i])
    for pos, i in enumerate(order):
        share[i] = min(lens[i], max(left, 0) // (len(order) - pos))
        left -= share[i]
    parts = [head]
    for i, (f, _) in enumerate(bigs):
        parts.append(',"' + f + '":"' + _cut(es[i], share[i]) + '"')
    parts.append("}")
    return "".join(parts)


def _line(rec):
    d = rec["dynamodb"]
    if type(d) is not dict:
        raise _Bad
    keys = d.get("Keys")
    head = (
        '{"eventName":'
        + _p(rec.get("eventName"))
        + ',"eventID":'
        + _p(rec.get("eventID"))
        + ',"sequenceNumber":'
        + _p(d.get("SequenceNumber"))
        + ',"approximateCreationDateTime":'
        + _p(d.get("ApproximateCreationDateTime"))
        + ',"keys":'
        + ("null" if keys is None else _m(keys))
    )
    v = rec.get("userIdentity")
    if v is not None:
        head += ',"userIdentity":' + _plain(v)
    v = d.get("SizeBytes")
    if v is not None:
        head += ',"sizeBytes":' + _p(v)
    new = d.get("NewImage")
    old = d.get("OldImage")
    new = None if new is None else _m(new)
    old = None if old is None else _m(old)
    if new is None:
        line = head + "}" if old is None else head + ',"oldImage":' + old + "}"
    elif old is None:
        line = head + ',"newImage":' + new + "}"
    else:
        line = head + ',"newImage":' + new + ',"oldImage":' + old + "}"
    if len(line) * 6 <= MAX_LINE_BYTES:
        return line
    bigs = []
    if new is not None:
        bigs.append(("newImageTruncated", new))
    if old is not None:
        bigs.append(("oldImageTruncated", old))
    return _fit(line, head, bigs)


def _bad_line(rec):
    head = '{"error":"unrecognized record"'
    try:
        body = _plain(rec)
    except Exception:
        body = "null"
    return _fit(head + ',"record":' + body + "}", head, [("recordTruncated", body)])


def _write(text):
    try:
        sys.stdout.write(text)
        return
    except UnicodeEncodeError:
        text = _fix(text)
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8", "replace"))
        sys.stdout.buffer.flush()


def _emit(records):
    out = []
    for rec in records:
        try:
            line = _line(rec)
        except Exception:
            line = _bad_line(rec)
        out.append(line)
        if len(out) >= _CHUNK:
            out.append("")
            _write("\n".join(out))
            out = []
    if out:
        out.append("")
        _write("\n".join(out))


def _number(v):
    if type(v) is bool or not isinstance(v, (int, float)) or not math.isfinite(v):
        return 0
    return int(v) if isinstance(v, float) and v.is_integer() else v


def handler(event, context):
    env = os.environ
    quiet = env.get("AWS_LAMBDA_LOG_LEVEL", "").strip().upper() in _QUIET
    if type(event) is not dict:
        event = {}
    records = event.get("Records")
    if type(records) is not list:
        records = []
    if not quiet:
        _emit(records)
    result = {}
    if env.get("REPORT_BATCH_ITEM_FAILURES", "").strip().lower() == "true":
        result["batchItemFailures"] = []
    if "window" in event:
        state = event.get("state")
        prev = state.get("records") if type(state) is dict else None
        n = _number(prev) + len(records)
        if event.get("isFinalInvokeForWindow") is True and not quiet:
            w = event.get("window")
            if type(w) is not dict:
                w = {}
            _write(
                '{"windowSummary":{"start":'
                + _plain(w.get("start"))
                + ',"end":'
                + _plain(w.get("end"))
                + ',"records":'
                + _plain(n)
                + ',"shardId":'
                + _plain(event.get("shardId"))
                + "}}\n"
            )
        result["state"] = {"records": n}
    return result or None
