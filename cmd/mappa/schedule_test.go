package main

import (
	"errors"
	"testing"
	"time"
)

// TestParseSchedule: the schedules operators write, read in Europe/London
// by default, so 07:00 stays 07:00 on the clock across the change to and
// from summer time; what cron would misread is refused as a usage error.
func TestParseSchedule(t *testing.T) {
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		name, spec, tz string
		from           time.Time
		want           []time.Time // the next runs, in UTC
		wantErr        bool
	}{
		{name: "daily at 7 into summer time", spec: "0 7 * * *", tz: "Europe/London", from: utc("2026-03-28T08:00:00Z"),
			want: []time.Time{utc("2026-03-29T06:00:00Z"), utc("2026-03-30T06:00:00Z")}},
		{name: "daily at 7 out of summer time", spec: "0 7 * * *", tz: "Europe/London", from: utc("2026-10-24T12:00:00Z"),
			want: []time.Time{utc("2026-10-25T07:00:00Z"), utc("2026-10-26T07:00:00Z")}},
		{name: "descriptor", spec: "@daily", tz: "Europe/London", from: utc("2026-07-01T12:00:00Z"),
			want: []time.Time{utc("2026-07-01T23:00:00Z"), utc("2026-07-02T23:00:00Z")}},
		{name: "weekdays in UTC", spec: "30 6 * * 1-5", tz: "UTC", from: utc("2026-11-27T07:00:00Z"), // a Friday
			want: []time.Time{utc("2026-11-30T06:30:00Z"), utc("2026-12-01T06:30:00Z")}},
		{name: "every", spec: "@every 6h", tz: "Europe/London", from: utc("2026-11-27T07:00:00Z"),
			want: []time.Time{utc("2026-11-27T13:00:00Z"), utc("2026-11-27T19:00:00Z")}},
		{name: "six fields", spec: "0 0 7 * * *", tz: "Europe/London", wantErr: true},
		{name: "out of range", spec: "0 25 * * *", tz: "Europe/London", wantErr: true},
		{name: "empty", spec: "", tz: "Europe/London", wantErr: true},
		{name: "unknown zone", spec: "@daily", tz: "Europe/Atlantis", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sched, loc, err := parseSchedule(tc.spec, tc.tz)
			if tc.wantErr {
				var ue usageError
				if !errors.As(err, &ue) {
					t.Fatalf("parseSchedule(%q, %q) = %v, want a usage error", tc.spec, tc.tz, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseSchedule(%q, %q): %v", tc.spec, tc.tz, err)
			}
			at := tc.from.In(loc)
			for i, want := range tc.want {
				at = sched.Next(at)
				if !at.Equal(want) {
					t.Errorf("run %d at %v, want %v", i+1, at.UTC(), want)
				}
			}
		})
	}
}
