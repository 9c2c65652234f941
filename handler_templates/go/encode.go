package main

// Encoding JSON as echo.py does: strings like json.encoder.c_encode_basestring, lone
// surrogates escaped like its _fix, numbers like its _plain and _jsfloat, object keys in
// JavaScript property order.

import (
	"bytes"
	"math"
	"sort"
	"strconv"
	"strings"
)

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string the way echo.py's encoder writes it
// (json.encoder.c_encode_basestring): ", \ and control characters escaped, the rest
// (non-ASCII, DEL, U+2028) as it is, lone surrogates left raw.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// fixSurrogates replaces every lone surrogate (3-byte form) in b with its \udxxx escape.
func fixSurrogates(b []byte) []byte {
	if bytes.IndexByte(b, 0xED) < 0 {
		return b
	}
	var out []byte
	start := 0
	for i := 0; i+2 < len(b); i++ {
		if b[i] != 0xED || b[i+1] < 0xA0 {
			continue
		}
		r := 0xD000 | rune(b[i+1]&0x3F)<<6 | rune(b[i+2]&0x3F)
		out = append(out, b[start:i]...)
		out = append(out, '\\', 'u', 'd', hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
		i += 2
		start = i + 1
	}
	if out == nil {
		return b
	}
	return append(out, b[start:]...)
}

// appendPlain appends v as JSON (echo.py's _plain, JSON.stringify of a parsed value).
func appendPlain(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case string:
		return appendString(b, x)
	case number:
		return append(b, plainNumber(x)...)
	case []any:
		b = append(b, '[')
		for i, item := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPlain(b, item)
		}
		return append(b, ']')
	}
	o := v.(*object)
	b = append(b, '{')
	for n, i := range jsOrder(o) {
		if n > 0 {
			b = append(b, ',')
		}
		b = append(appendString(b, o.keys[i]), ':')
		b = appendPlain(b, o.vals[i])
	}
	return append(b, '}')
}

// jsOrder gives the indexes of o's keys in JavaScript property order: array-index keys
// ("0".."4294967294", no leading zero) ascending, then the others in document order.
func jsOrder(o *object) []int {
	var ints, rest []int
	for i, k := range o.keys {
		if arrayIndex(k) >= 0 {
			ints = append(ints, i)
		} else {
			rest = append(rest, i)
		}
	}
	if ints == nil {
		return rest
	}
	sort.Slice(ints, func(a, b int) bool { return arrayIndex(o.keys[ints[a]]) < arrayIndex(o.keys[ints[b]]) })
	return append(ints, rest...)
}

// arrayIndex is k's value when k is a JavaScript array index, else -1.
func arrayIndex(k string) int64 {
	if k == "" || len(k) > 10 || (k[0] == '0' && k != "0") {
		return -1
	}
	v, err := strconv.ParseUint(k, 10, 64)
	if err != nil || v >= 4294967295 {
		return -1
	}
	return int64(v)
}

// isInteger tells a JSON integer literal (Python's int) from a float one.
func isInteger(n number) bool {
	return !strings.ContainsAny(string(n), ".eE")
}

// plainNumber writes a parsed number like echo.py's _plain: integers within 2**53
// exactly, other numbers as the nearest double in JavaScript's Number#toString form
// (null when out of range).
func plainNumber(n number) string {
	if isInteger(n) {
		if v, err := strconv.ParseInt(string(n), 10, 64); err == nil && v >= -(1<<53) && v <= 1<<53 {
			return strconv.FormatInt(v, 10)
		}
	}
	f, _ := strconv.ParseFloat(string(n), 64) // ±Inf when out of range
	return jsFloat(f)
}

// jsFloat is Number.prototype.toString for a double (echo.py's _jsfloat).
func jsFloat(x float64) string {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return "null"
	}
	if x == 0 {
		return "0"
	}
	if x > -(1<<53) && x < 1<<53 && x == math.Trunc(x) {
		return strconv.FormatInt(int64(x), 10)
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(math.Abs(x), 'e', -1, 64), "e")
	digits := strings.TrimRight(strings.Replace(mant, ".", "", 1), "0")
	e, _ := strconv.Atoi(exp)
	n, k := e+1, len(digits)
	var s string
	switch {
	case k <= n && n <= 21:
		s = digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		s = digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		s = "0." + strings.Repeat("0", -n) + digits
	default:
		s = digits[:1]
		if k > 1 {
			s += "." + digits[1:]
		}
		if n-1 >= 0 {
			s += "e+" + strconv.Itoa(n-1)
		} else {
			s += "e-" + strconv.Itoa(1-n)
		}
	}
	if x < 0 {
		return "-" + s
	}
	return s
}
