package schedule

import (
	"testing"
	"time"
	_ "time/tzdata" // zones without relying on the host's zoneinfo
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no zoneinfo for %s: %v", name, err)
	}
	return loc
}

// sends lists the send times in [from, to).
func sends(s *Schedule, from, to time.Time) []time.Time {
	var out []time.Time
	for at := s.Next(from.Add(-time.Nanosecond)); !at.IsZero() && at.Before(to); at = s.Next(at) {
		out = append(out, at)
	}
	return out
}

func TestDSTDays(t *testing.T) {
	chicago := mustLoc(t, "America/Chicago")
	sydney := mustLoc(t, "Australia/Sydney")
	tests := []struct {
		name     string
		expr     string
		loc      *time.Location
		day      time.Time // local midnight of the transition day
		wantWall string    // local wall time of the one send that day
	}{
		{"Chicago spring forward, slot in the gap", "30 2 * * *", chicago, time.Date(2026, 3, 8, 0, 0, 0, 0, chicago), "03:30"},
		{"Chicago spring forward, normal slot", "0 7 * * *", chicago, time.Date(2026, 3, 8, 0, 0, 0, 0, chicago), "07:00"},
		{"Chicago fall back, slot in the overlap", "30 1 * * *", chicago, time.Date(2026, 11, 1, 0, 0, 0, 0, chicago), "01:30"},
		{"Sydney fall back (April), slot in the overlap", "30 2 * * *", sydney, time.Date(2026, 4, 5, 0, 0, 0, 0, sydney), "02:30"},
		{"Sydney spring forward (October), slot in the gap", "15 2 * * *", sydney, time.Date(2026, 10, 4, 0, 0, 0, 0, sydney), "03:15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.expr, tt.loc)
			if err != nil {
				t.Fatal(err)
			}
			got := sends(s, tt.day, tt.day.AddDate(0, 0, 1))
			if len(got) != 1 {
				t.Fatalf("sends on %s = %v; want exactly one", tt.day.Format("2006-01-02"), got)
			}
			if w := got[0].In(tt.loc).Format("15:04"); w != tt.wantWall {
				t.Errorf("send at %s local; want %s", w, tt.wantWall)
			}
			// The days around it have their one send too: nothing lost, nothing doubled.
			week := sends(s, tt.day.AddDate(0, 0, -3), tt.day.AddDate(0, 0, 4))
			if len(week) != 7 {
				t.Errorf("sends over 7 days around the change = %d: %v", len(week), week)
			}
		})
	}
}

func TestLatestCatchesUpAfterDowntime(t *testing.T) {
	loc := mustLoc(t, "Australia/Sydney")
	s, err := Parse("0 7 * * *", loc)
	if err != nil {
		t.Fatal(err)
	}
	lastSent := time.Date(2026, 3, 2, 7, 0, 0, 0, loc)
	now := time.Date(2026, 3, 6, 9, 15, 0, 0, loc) // down since Monday; back on Friday morning
	at, ok := s.Latest(lastSent, now)
	if !ok || !at.Equal(time.Date(2026, 3, 6, 7, 0, 0, 0, loc)) {
		t.Errorf("Latest = %v, %v; want Friday 07:00: one catch-up digest, not four", at, ok)
	}
	if _, ok := s.Latest(time.Date(2026, 3, 6, 7, 0, 0, 0, loc), now); ok {
		t.Error("Latest after today's send found another slot")
	}
}

func TestParseRefusals(t *testing.T) {
	for _, expr := range []string{"CRON_TZ=UTC 0 7 * * *", "TZ=0", "@every 10m", "61 * * * *", ""} {
		if _, err := Parse(expr, time.UTC); err == nil {
			t.Errorf("Parse(%q) succeeded; want an error", expr)
		}
	}
	if _, err := Parse("@daily", time.UTC); err != nil {
		t.Errorf("Parse(@daily) = %v", err)
	}
}
