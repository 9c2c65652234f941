// Command bootstrap is ddbwizard's echo handler in Go for a DynamoDB stream: a custom
// runtime (provided.al2023) built as a static binary named bootstrap. Standard library
// only; it speaks the Lambda Runtime API itself (runtime.go).
//
// It is the twin of echo.py and echo.mjs: for the same event it writes byte-identical
// lines on stdout and returns an equal value. The contract, in short (echo.py's
// docstring has it in full):
//
//   - one JSON line per stream record (INFO level): eventName, eventID, sequenceNumber,
//     approximateCreationDateTime, keys, [userIdentity], [sizeBytes], [newImage],
//     [oldImage]; DynamoDB JSON turned into plain JSON with N's exact digits; map keys
//     in JavaScript property order; strings escaped like JSON.stringify;
//   - a line longer than maxLineBytes keeps its head and gets truncated (true),
//     originalBytes and a prefix of each image's JSON text, shared by water-filling;
//   - a record that is not a stream record becomes {"error":"unrecognized record",...};
//     no record is dropped, the batch never fails;
//   - result: {"batchItemFailures":[]} when REPORT_BATCH_ITEM_FAILURES is "true", the
//     tumbling-window state {"state":{"records":N}} (and a windowSummary line on the
//     final invoke), null otherwise; AWS_LAMBDA_LOG_LEVEL WARN/ERROR/FATAL mutes the lines.
//
// The settings (environment variables) are read once, at init.
package main

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

const (
	maxLineBytes = 256*1024 - 1024
	chunkRecords = 500 // records per stdout write
)

var errBad = errors.New("not a stream record")

func main() {
	address := os.Getenv("AWS_LAMBDA_RUNTIME_API")
	if address == "" {
		fmt.Fprintln(os.Stderr, "bootstrap: AWS_LAMBDA_RUNTIME_API is not set: this program runs as a Lambda function")
		os.Exit(1)
	}
	if err := serve(newRuntimeAPI(address), newEcho); err != nil {
		fmt.Fprintln(os.Stderr, "bootstrap:", err)
		os.Exit(1)
	}
}

// echo holds the settings, read like echo.py reads them (str.strip, upper, lower).
type echo struct {
	quiet          bool // AWS_LAMBDA_LOG_LEVEL is WARN, ERROR or FATAL
	reportFailures bool // REPORT_BATCH_ITEM_FAILURES is "true"
}

func newEcho() handler {
	level := strings.ToUpper(pyStrip(os.Getenv("AWS_LAMBDA_LOG_LEVEL")))
	e := echo{
		quiet:          level == "WARN" || level == "ERROR" || level == "FATAL",
		reportFailures: strings.ToLower(pyStrip(os.Getenv("REPORT_BATCH_ITEM_FAILURES"))) == "true",
	}
	return e.handle
}

// pyStrip is Python's str.strip(): str.isspace is unicode.IsSpace plus U+001C..U+001F.
func pyStrip(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || (r >= 0x1C && r <= 0x1F) })
}

func (e echo) handle(inv *invocation) ([]byte, *failure) {
	v, err := parseJSON(inv.payload)
	if err != nil {
		return nil, &failure{Message: err.Error(), Type: "Runtime.UnmarshalError"}
	}
	event, ok := v.(*object)
	if !ok {
		event = &object{}
	}
	records, _ := event.get("Records").([]any)
	if !e.quiet {
		err = emit(records)
	}
	var fields []string
	if e.reportFailures {
		fields = append(fields, `"batchItemFailures":[]`)
	}
	if _, ok := event.lookup("window"); ok {
		n := windowRecords(event.get("state"), len(records))
		if err == nil && !e.quiet && event.get("isFinalInvokeForWindow") == true {
			err = write(windowSummary(event, n))
		}
		fields = append(fields, `"state":{"records":`+string(n)+`}`)
	}
	switch {
	case err != nil:
		return nil, &failure{Message: err.Error(), Type: "StdoutError"}
	case fields == nil:
		return []byte("null"), nil
	}
	return []byte("{" + strings.Join(fields, ",") + "}"), nil
}

// windowRecords is state.records plus the batch's records, with Python's arithmetic:
// an integral count (any size) stays exact, a fractional one stays a double, anything
// else counts as 0.
func windowRecords(state any, batch int) number {
	var prev number = "0"
	if st, ok := state.(*object); ok {
		if n, ok := st.get("records").(number); ok {
			prev = n
		}
	}
	i := new(big.Int)
	if isInteger(prev) {
		i.SetString(string(prev), 10)
	} else if f, _ := strconv.ParseFloat(string(prev), 64); f != math.Trunc(f) {
		return number(strconv.FormatFloat(f+float64(batch), 'e', -1, 64))
	} else if !math.IsInf(f, 0) {
		big.NewFloat(f).Int(i)
	}
	return number(i.Add(i, big.NewInt(int64(batch))).String())
}

func windowSummary(event *object, n number) []byte {
	w, ok := event.get("window").(*object)
	if !ok {
		w = &object{}
	}
	b := appendPlain([]byte(`{"windowSummary":{"start":`), w.get("start"))
	b = appendPlain(append(b, `,"end":`...), w.get("end"))
	b = append(append(b, `,"records":`...), plainNumber(n)...)
	b = appendPlain(append(b, `,"shardId":`...), event.get("shardId"))
	return append(b, "}}\n"...)
}

func write(b []byte) error {
	_, err := os.Stdout.Write(fixSurrogates(b))
	return err
}

// emit writes one line per record, chunkRecords lines per write.
func emit(records []any) error {
	var buf []byte
	for i, rec := range records {
		line, err := recordLine(rec)
		if err != nil {
			line = badLine(rec)
		}
		buf = append(append(buf, line...), '\n')
		if (i+1)%chunkRecords == 0 || i == len(records)-1 {
			if err := write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	return nil
}

// field is a line's field that may be truncated: its name and its JSON text.
type field struct {
	name string
	text []byte
}

func recordLine(v any) ([]byte, error) {
	rec, ok := v.(*object)
	if !ok {
		return nil, errBad
	}
	d, ok := rec.get("dynamodb").(*object)
	if !ok {
		return nil, errBad
	}
	head := appendPlain([]byte(`{"eventName":`), rec.get("eventName"))
	head = appendPlain(append(head, `,"eventID":`...), rec.get("eventID"))
	head = appendPlain(append(head, `,"sequenceNumber":`...), d.get("SequenceNumber"))
	head = appendPlain(append(head, `,"approximateCreationDateTime":`...), d.get("ApproximateCreationDateTime"))
	head = append(head, `,"keys":`...)
	if keys := d.get("Keys"); keys == nil {
		head = append(head, "null"...)
	} else if head, ok = appendMap(head, keys); !ok {
		return nil, errBad
	}
	if v := rec.get("userIdentity"); v != nil {
		head = appendPlain(append(head, `,"userIdentity":`...), v)
	}
	if v := d.get("SizeBytes"); v != nil {
		head = appendPlain(append(head, `,"sizeBytes":`...), v)
	}
	line := append([]byte(nil), head...)
	var bigs []field
	for _, img := range [...]struct{ key, name string }{{"NewImage", "newImage"}, {"OldImage", "oldImage"}} {
		v := d.get(img.key)
		if v == nil {
			continue
		}
		text, ok := appendMap(nil, v)
		if !ok {
			return nil, errBad
		}
		line = append(append(line, `,"`+img.name+`":`...), text...)
		bigs = append(bigs, field{img.name + "Truncated", text})
	}
	return fit(append(line, '}'), head, bigs), nil
}

func badLine(rec any) []byte {
	head := []byte(`{"error":"unrecognized record"`)
	body := appendPlain(nil, rec)
	line := append(append(append(append([]byte(nil), head...), `,"record":`...), body...), '}')
	return fit(line, head, []field{{"recordTruncated", body}})
}

// fit returns line (surrogates escaped) when it is at most maxLineBytes long; else head
// plus truncated, originalBytes and each big field's JSON text cut to its share of what
// is left, as a string (water-filling: the shortest first, each min(its length, an even
// share of the rest)).
func fit(line, head []byte, bigs []field) []byte {
	line = fixSurrogates(line)
	if len(line) <= maxLineBytes {
		return line
	}
	out := append(fixSurrogates(append([]byte(nil), head...)), `,"truncated":true,"originalBytes":`...)
	out = strconv.AppendInt(out, int64(len(line)), 10)
	escaped := make([][]byte, len(bigs))
	left := maxLineBytes - len(out) - 1
	for i, f := range bigs {
		s := appendString(nil, string(fixSurrogates(f.text)))
		escaped[i] = s[1 : len(s)-1]
		left -= len(f.name) + 6
	}
	order := make([]int, len(bigs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return len(escaped[order[a]]) < len(escaped[order[b]]) })
	share := make([]int, len(bigs))
	for pos, i := range order {
		even := 0
		if left > 0 {
			even = left / (len(order) - pos)
		}
		share[i] = len(escaped[i])
		if even < share[i] {
			share[i] = even
		}
		left -= share[i]
	}
	for i, f := range bigs {
		out = append(append(append(out, `,"`+f.name+`":"`...), cut(escaped[i], share[i])...), '"')
	}
	return append(out, '}')
}

// cut is the longest prefix of the escaped text e within budget bytes that splits
// neither a UTF-8 sequence nor a backslash pair.
func cut(e []byte, budget int) []byte {
	if budget >= len(e) {
		return e
	}
	i := budget
	if i < 0 {
		i = 0
	}
	for i > 0 && e[i]&0xC0 == 0x80 {
		i--
	}
	j := i
	for j > 0 && e[j-1] == '\\' {
		j--
	}
	if (i-j)&1 == 1 {
		i--
	}
	return e[:i]
}

// appendMap appends a DynamoDB map (attribute name -> attribute value) as a JSON object.
func appendMap(b []byte, m any) ([]byte, bool) {
	o, ok := m.(*object)
	if !ok {
		return nil, false
	}
	b = append(b, '{')
	for n, i := range jsOrder(o) {
		if n > 0 {
			b = append(b, ',')
		}
		b = append(appendString(b, o.keys[i]), ':')
		if b, ok = appendValue(b, o.vals[i]); !ok {
			return nil, false
		}
	}
	return append(b, '}'), true
}

// appendValue appends one DynamoDB attribute value ({"S": ...}, {"N": ...}, ...) as
// plain JSON. Like echo.py: S wins over any other key, then N (its text as it is).
func appendValue(b []byte, av any) ([]byte, bool) {
	o, ok := av.(*object)
	if !ok {
		return nil, false
	}
	if v, ok := o.lookup("S"); ok {
		s, ok := v.(string)
		return appendString(b, s), ok
	}
	if v, ok := o.lookup("N"); ok {
		s, ok := v.(string)
		return append(b, s...), ok
	}
	if len(o.keys) != 1 {
		return nil, false
	}
	return appendTyped(b, o.keys[0], o.vals[0])
}

func appendTyped(b []byte, t string, v any) ([]byte, bool) {
	switch t {
	case "M":
		return appendMap(b, v)
	case "NULL":
		return append(b, "null"...), true
	case "BOOL":
		x, ok := v.(bool)
		return strconv.AppendBool(b, x), ok
	case "B":
		s, ok := v.(string)
		return appendString(b, s), ok
	case "L", "SS", "BS", "NS":
		return appendList(b, t, v)
	}
	return nil, false
}

// appendList appends an L (attribute values), SS or BS (strings) or NS (numbers' text).
func appendList(b []byte, t string, v any) ([]byte, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	b = append(b, '[')
	for i, item := range list {
		if i > 0 {
			b = append(b, ',')
		}
		if t == "L" {
			if b, ok = appendValue(b, item); !ok {
				return nil, false
			}
			continue
		}
		s, ok := item.(string)
		switch {
		case !ok:
			return nil, false
		case t == "NS":
			b = append(b, s...)
		default:
			b = appendString(b, s)
		}
	}
	return append(b, ']'), true
}
