package httpapi

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"
)

// encodingJSON is what jsonSerializer's fallback writes for v.
func encodingJSON(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jsonEncode(&buf, v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func appended(a jsonAppender) []byte { return append(a.appendJSON(nil), '\n') }

// Strings that exercise every escape encoding/json makes.
var trickyStrings = []string{
	"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr", "\b\f\x00\x01\x1f\x7f",
	"<b>&amp;</b>", "Zoë – café ✓ 🎉", "line\u2028sep\u2029para", "bad \xff\xfe utf8", "\xe2\x82",
	"=SUM(A1)", "日本語のメモ",
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	pick := func() string { return trickyStrings[rng.IntN(len(trickyStrings))] }
	ptr := func() *int64 {
		if rng.IntN(2) == 0 {
			return nil
		}
		v := rng.Int64N(1<<40) - 1<<20
		return &v
	}
	// maybe is v or, half the time, nil (money hidden from an assistant).
	maybe := func(v int64) *int64 {
		if rng.IntN(2) == 0 {
			return nil
		}
		return &v
	}
	when := func() time.Time {
		return time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)*int64(rng.IntN(2))).UTC()
	}
	for n := range 300 {
		items := make([]timeEntryJSON, rng.IntN(4))
		for i := range items {
			items[i] = timeEntryJSON{ID: rng.Int64(), ClientID: rng.Int64N(100), ServiceID: -rng.Int64N(5), ProjectID: ptr(),
				TaskID: ptr(), UserID: rng.Int64N(9), StartedAt: when(), Minutes: rng.Int64N(1000), Billable: rng.IntN(2) == 0,
				BillableMinutes: rng.Int64N(1000), HourlyRate: maybe(rng.Int64()), Amount: maybe(-rng.Int64()), Currency: pick(), Note: pick(),
				InternalNote: pick() + pick(), InvoiceID: ptr(), DraftInvoiceID: ptr(), Locked: rng.IntN(2) == 0,
				Version: rng.Int64N(50), CreatedAt: when(), UpdatedAt: when().In(time.FixedZone("", 3600))}
		}
		page := entryPage{Items: items}
		if n%2 == 0 {
			next := pick()
			page.NextCursor = &next
		}
		if got, want := appended(page), encodingJSON(t, Page[timeEntryJSON](page)); !bytes.Equal(got, want) {
			t.Fatalf("page %d:\n got %s\nwant %s", n, got, want)
		}
		if len(items) > 0 {
			if got, want := appended(items[0]), encodingJSON(t, items[0]); !bytes.Equal(got, want) {
				t.Fatalf("entry %d:\n got %s\nwant %s", n, got, want)
			}
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := append(appendJSONString(nil, s), '\n')
		if want := encodingJSON(t, s); !bytes.Equal(got, want) {
			t.Fatalf("%q:\n got %s\nwant %s", s, got, want)
		}
	})
}
