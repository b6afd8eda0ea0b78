// Package schedule turns a recipient's cron expression and time zone into send times that
// are neither lost nor doubled across daylight-saving changes.
//
// robfig/cron evaluates a schedule in the zone's real time, so a slot inside a spring-forward
// gap is skipped and one inside a fall-back overlap can fire twice. Here the expression is
// evaluated on the wall clock instead (as if the zone had no transitions) and each wall-clock
// slot is then placed in the zone with time.Date: a slot in the gap moves forward by the
// gap's length (02:30 becomes 03:30), a slot in the overlap happens once (at its first
// occurrence). Every local day with a slot therefore gets exactly one send.
package schedule

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule is a parsed cron expression in a time zone.
type Schedule struct {
	spec cron.Schedule
	loc  *time.Location
	expr string
}

// Parse parses a standard 5-field cron expression or descriptor (@daily, @every is refused:
// it has no wall-clock meaning) for the zone loc. A CRON_TZ= or TZ= prefix is refused: the zone
// is given separately, so that there is one source of truth.
func Parse(expr string, loc *time.Location) (*Schedule, error) {
	e := strings.TrimSpace(expr)
	if strings.HasPrefix(e, "CRON_TZ=") || strings.HasPrefix(e, "TZ=") {
		return nil, fmt.Errorf("schedule %q: give the time zone separately, not as a prefix", expr)
	}
	if strings.HasPrefix(e, "@every") {
		return nil, fmt.Errorf("schedule %q: @every has no time of day; use a cron expression such as \"0 7 * * *\"", expr)
	}
	spec, err := cron.ParseStandard(e)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", expr, err)
	}
	if loc == nil {
		loc = time.Local
	}
	return &Schedule{spec: spec, loc: loc, expr: e}, nil
}

// Location is the schedule's zone.
func (s *Schedule) Location() *time.Location { return s.loc }

// wall returns t's wall-clock reading as a UTC time (no transitions).
func wall(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// place puts a wall-clock reading into loc. A reading inside a spring-forward gap does not
// exist; time.Date then returns an instant whose wall clock is off by the gap in either
// direction, so it is moved to the first instant at or after the reading (02:30 → 03:30). In an
// overlap time.Date picks one of the two instants, and the other is never produced.
func place(w time.Time, loc *time.Location) time.Time {
	at := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, loc)
	if got := wall(at, loc); got.Before(w) {
		at = at.Add(w.Sub(got))
	}
	return at
}

// Next returns the first send time strictly after t.
func (s *Schedule) Next(t time.Time) time.Time {
	w := wall(t, s.loc)
	for i := 0; i < 1000; i++ {
		w = s.spec.Next(w)
		if w.IsZero() {
			return time.Time{}
		}
		if at := place(w, s.loc); at.After(t) {
			return at
		}
		// The slot mapped to an instant not after t (an overlap's second reading, or a gap
		// shift behind t): that slot is already covered; try the next one.
	}
	return time.Time{}
}

// Latest returns the last send time at or before now that is after since, and whether there
// is one. A daemon that was down at send time uses it on start-up to send the missed digest.
func (s *Schedule) Latest(since, now time.Time) (time.Time, bool) {
	var last time.Time
	for at := s.Next(since); !at.IsZero() && !at.After(now); at = s.Next(at) {
		last = at
	}
	return last, !last.IsZero()
}
