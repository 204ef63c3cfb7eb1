package httpapi

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

// Entries write their own times; they must read exactly as time.Time's own
// JSON does, whatever the zone and precision.
func TestAppendTimeIsTimeMarshalJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	times := []time.Time{time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 9, 0, 0, 120000000, time.UTC)}
	for range 1000 {
		// Years 1 to 9999, the range time.Time's JSON accepts.
		at := time.Unix(rng.Int64N(315_000_000_000)-62_100_000_000, rng.Int64N(1e9)*int64(rng.IntN(2))).
			In(time.FixedZone("", (rng.IntN(48)-24)*1800))
		times = append(times, at, at.UTC(), at.Truncate(time.Second))
	}
	for _, at := range times {
		want, err := json.Marshal(at)
		if err != nil {
			t.Fatal(err)
		}
		got := appendTime([]byte{'{'}, "t", at)
		if string(got) != `{"t":`+string(want) {
			t.Fatalf("%v: %s, time.Time writes %s", at, got, want)
		}
	}
}
