package httpapi

import (
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// jsonAppender is an answer that writes its own JSON: byte for byte what
// encoding/json (without HTML escaping, as jsonSerializer sets it) writes
// for the same value, without the reflection. Only the busiest answers are
// worth one; TestAppendJSONMatchesEncodingJSON holds them to it.
type jsonAppender interface{ appendJSON(b []byte) []byte }

// appendBufs recycles the buffers appenders write into; a buffer that grew
// past maxPooledAnswer (an export-sized page) is left to the collector.
var appendBufs = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

const maxPooledAnswer = 1 << 20

func writeAppended(w interface{ Write([]byte) (int, error) }, a jsonAppender) error {
	buf := appendBufs.Get().(*[]byte)
	b := a.appendJSON((*buf)[:0])
	b = append(b, '\n') // as json.Encoder ends each value
	_, err := w.Write(b)
	if cap(b) <= maxPooledAnswer {
		*buf = b[:0]
		appendBufs.Put(buf)
	}
	return err
}

// appendPage writes a Page of items that append themselves.
func appendPage[T jsonAppender](b []byte, items []T, next *string) []byte {
	b = append(b, `{"items":[`...)
	for i := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = items[i].appendJSON(b)
	}
	b = append(b, `],"next_cursor":`...)
	if next == nil {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, *next)
	}
	return append(b, '}')
}

// appendKey writes ,"key": (or {"key": for the first field, first
// written by the caller as '{').
func appendKey(b []byte, key string) []byte {
	if b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

func appendInt(b []byte, key string, v int64) []byte {
	return strconv.AppendInt(appendKey(b, key), v, 10)
}

func appendIntPtr(b []byte, key string, v *int64) []byte {
	b = appendKey(b, key)
	if v == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, *v, 10)
}

func appendBool(b []byte, key string, v bool) []byte {
	return strconv.AppendBool(appendKey(b, key), v)
}

// appendTime writes t as time.Time's MarshalJSON does (RFC 3339 with the
// nanoseconds it has, in t's own zone).
func appendTime(b []byte, key string, t time.Time) []byte {
	b = append(appendKey(b, key), '"')
	return append(t.AppendFormat(b, time.RFC3339Nano), '"')
}

func appendStr(b []byte, key, v string) []byte {
	return appendJSONString(appendKey(b, key), v)
}

const hexDigits = "0123456789abcdef"

// plainASCII marks the ASCII bytes a JSON string holds as they are.
var plainASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendJSONString quotes s as encoding/json does with HTML escaping off:
// quote, backslash and control characters escaped (\b \f \n \r \t by name),
// invalid UTF-8 as \ufffd, and U+2028 and U+2029 escaped for JavaScript.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if plainASCII[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
