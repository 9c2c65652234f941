package main

// Decoding JSON as Python's json.loads does, so that the Go echo (with encode.go) writes
// the same bytes as the Python one:
//
//   - objects keep their key order; a repeated key keeps its first place and its last
//     value, like a Python dict built from the pairs;
//   - numbers keep their literal text (number), integers of any size survive;
//   - strings are generalized UTF-8: a lone surrogate (the escape \ud800, or the raw
//     bytes ED A0 80 that Python's json.loads accepts in a payload) is kept as its
//     3-byte form, as Python keeps it in a str (encode.go escapes it on output).
//
// Values: nil (null), bool, string, number, []any (array), *object.

import (
	"bytes"
	"errors"
	"strconv"
	"unicode/utf8"
)

const maxDepth = 1000 // nesting limit, about Python's default recursion limit

// number is a JSON number's literal text.
type number string

// object is a JSON object in key order.
type object struct {
	keys  []string
	vals  []any
	index map[string]int
}

// lookup returns the value of key k and whether the object has it.
func (o *object) lookup(k string) (any, bool) {
	i, ok := o.index[k]
	if !ok {
		return nil, false
	}
	return o.vals[i], true
}

// get returns the value of key k, nil when absent (Python's dict.get).
func (o *object) get(k string) any {
	v, _ := o.lookup(k)
	return v
}

func (o *object) set(k string, v any) {
	if i, ok := o.index[k]; ok {
		o.vals[i] = v
		return
	}
	o.index[k] = len(o.keys)
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, v)
}

type parser struct {
	data  []byte
	pos   int
	depth int
}

// parseJSON decodes one JSON document (strict RFC 8259 plus lone surrogates).
func parseJSON(data []byte) (any, error) {
	p := &parser{data: data}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(p.data) {
		return nil, p.fail("extra data after the document")
	}
	return v, nil
}

func (p *parser) fail(what string) error {
	return errors.New("invalid JSON at byte " + strconv.Itoa(p.pos) + ": " + what)
}

func (p *parser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value() (any, error) {
	p.space()
	if p.pos >= len(p.data) {
		return nil, p.fail("unexpected end")
	}
	switch c := p.data[p.pos]; {
	case c == '{' || c == '[':
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, p.fail("nested too deeply")
		}
		if c == '{' {
			return p.object()
		}
		return p.array()
	case c == '"':
		return p.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return p.literal()
}

func (p *parser) literal() (any, error) {
	for _, lit := range [...]struct {
		word string
		v    any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if bytes.HasPrefix(p.data[p.pos:], []byte(lit.word)) {
			p.pos += len(lit.word)
			return lit.v, nil
		}
	}
	return nil, p.fail("unexpected character")
}

// expect consumes c after optional white space.
func (p *parser) expect(c byte) bool {
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

func (p *parser) object() (any, error) {
	p.pos++ // {
	o := &object{index: map[string]int{}}
	if p.expect('}') {
		return o, nil
	}
	for {
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.fail("expected a key")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		if !p.expect(':') {
			return nil, p.fail("expected ':'")
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		o.set(k, v)
		if p.expect('}') {
			return o, nil
		}
		if !p.expect(',') {
			return nil, p.fail("expected ',' or '}'")
		}
	}
}

func (p *parser) array() (any, error) {
	p.pos++ // [
	a := []any{}
	if p.expect(']') {
		return a, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		if p.expect(']') {
			return a, nil
		}
		if !p.expect(',') {
			return nil, p.fail("expected ',' or ']'")
		}
	}
}

func (p *parser) digits() int {
	start := p.pos
	for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
		p.pos++
	}
	return p.pos - start
}

func (p *parser) number() (any, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	if p.pos < len(p.data) && p.data[p.pos] == '0' {
		p.pos++
	} else if p.digits() == 0 {
		return nil, p.fail("expected a digit")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if p.digits() == 0 {
			return nil, p.fail("expected a digit")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if p.digits() == 0 {
			return nil, p.fail("expected a digit")
		}
	}
	return number(p.data[start:p.pos]), nil
}

func (p *parser) str() (string, error) {
	p.pos++ // opening quote
	var b []byte
	start := p.pos
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			b = append(b, p.data[start:p.pos]...)
			p.pos++
			return string(b), nil
		case c == '\\':
			b = append(b, p.data[start:p.pos]...)
			var err error
			if b, err = p.escape(b); err != nil {
				return "", err
			}
			start = p.pos
		case c < 0x20:
			return "", p.fail("control character in a string")
		case c < 0x80:
			p.pos++
		default:
			n := utf8Size(p.data[p.pos:])
			if n == 0 {
				return "", p.fail("invalid UTF-8")
			}
			p.pos += n
		}
	}
	return "", p.fail("unterminated string")
}

// utf8Size is the length of the UTF-8 sequence (a surrogate's too) at the start of b, 0
// when b does not start with one.
func utf8Size(b []byte) int {
	if len(b) >= 3 && b[0] == 0xED && b[1]&0xE0 == 0xA0 && b[2]&0xC0 == 0x80 {
		return 3
	}
	if r, n := utf8.DecodeRune(b); r != utf8.RuneError || n > 1 {
		return n
	}
	return 0
}

func (p *parser) escape(b []byte) ([]byte, error) {
	if p.pos+1 >= len(p.data) {
		return nil, p.fail("unterminated string")
	}
	c := p.data[p.pos+1]
	p.pos += 2
	switch c {
	case '"', '\\', '/':
		return append(b, c), nil
	case 'b':
		return append(b, '\b'), nil
	case 'f':
		return append(b, '\f'), nil
	case 'n':
		return append(b, '\n'), nil
	case 'r':
		return append(b, '\r'), nil
	case 't':
		return append(b, '\t'), nil
	case 'u':
		r, ok := p.hex4(p.pos)
		if !ok {
			return nil, p.fail("invalid \\u escape")
		}
		p.pos += 4
		// A high surrogate joins a \u low surrogate right after it (as Python does).
		if r >= 0xD800 && r < 0xDC00 && p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
			if low, ok := p.hex4(p.pos + 2); ok && low >= 0xDC00 && low < 0xE000 {
				r = 0x10000 + (r-0xD800)<<10 + (low - 0xDC00)
				p.pos += 6
			}
		}
		return appendRune(b, r), nil
	}
	return nil, p.fail("invalid escape")
}

func (p *parser) hex4(at int) (rune, bool) {
	if at+4 > len(p.data) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p.data[at:at+4]), 16, 32)
	return rune(v), err == nil
}

// appendRune appends r in generalized UTF-8 (surrogates as 3 bytes).
func appendRune(b []byte, r rune) []byte {
	if r >= 0xD800 && r < 0xE000 {
		return append(b, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
	}
	return utf8.AppendRune(b, r)
}
