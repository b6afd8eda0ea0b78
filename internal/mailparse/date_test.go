package mailparse

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	utc := func(y int, m time.Month, d, h, min, s int) time.Time {
		return time.Date(y, m, d, h, min, s, 0, time.UTC)
	}
	tests := []struct {
		in   string
		want time.Time // zero: must not parse
	}{
		{"Tue, 3 Mar 2026 09:04:33 -0500", utc(2026, 3, 3, 14, 4, 33)},
		{"3 Mar 2026 09:04:33 -0500", utc(2026, 3, 3, 14, 4, 33)},
		{"Tue, 03 Mar 26 09:04 EST", utc(2026, 3, 3, 14, 4, 0)},
		{"Tue, 3 Mar 2026 09:04:33 -0700 (PDT)", utc(2026, 3, 3, 16, 4, 33)},
		{"Tue, 3 Mar 2026 09:04:33 PDT", utc(2026, 3, 3, 16, 4, 33)},
		{"Tue, 3 Mar 2026 19:04:33 GMT+10", utc(2026, 3, 3, 9, 4, 33)},
		{"Tue, 3 Mar 2026 19:04:33 AEDT", utc(2026, 3, 3, 8, 4, 33)},
		{"Tue, 3 Mar 2026 09:04:33 -0800 PDT", utc(2026, 3, 3, 17, 4, 33)}, // the number wins
		{"Tuesday, March 3, 2026 9:04 AM", utc(2026, 3, 3, 9, 4, 0)},
		{"Tue Mar  3 09:04:33 2026", utc(2026, 3, 3, 9, 4, 33)},
		{"2026-03-03T09:04:33Z", utc(2026, 3, 3, 9, 4, 33)},
		{"2026-03-03 09:04:33 +0100", utc(2026, 3, 3, 8, 4, 33)},
		{"\xc0\xfa, 27 6 2001 15:23:36", utc(2001, 6, 27, 15, 23, 36)},
		{"Fri,  6 Apr 2007 15:43:55 -0700 (PDT) trailing junk", utc(2007, 4, 6, 22, 43, 55)},
		{"Mon, 2 Jan 99 00:00:00 +0000", utc(1999, 1, 2, 0, 0, 0)},
		{"Mon, 2 Jan 101 00:00:00 +0000", utc(2001, 1, 2, 0, 0, 0)},
		{"03-Mar-2026 09:04:33 +0000", utc(2026, 3, 3, 9, 4, 33)},
		{"Tue, 31 Feb 2026 09:04:33 +0000", time.Time{}},
		{"Tue, 3 Mar 2026 25:04:33 +0000", time.Time{}},
		{"yesterday", time.Time{}},
		{"", time.Time{}},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in)
		if ok != !tt.want.IsZero() || (ok && !got.Equal(tt.want)) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
}

func TestDateFallback(t *testing.T) {
	const received = "Received: from a by b; Mon, 2 Mar 2026 10:00:00 +0000\nReceived: from c by a; Mon, 2 Mar 2026 09:59:00 +0000\n"
	arrival := time.Date(2026, 3, 10, 11, 0, 0, 0, time.UTC)
	tests := []struct {
		name, header string
		noArrival    bool
		want         time.Time
		source       string
	}{
		{"good date", "Date: Mon, 2 Mar 2026 09:58:00 +0000\n" + received, false, time.Date(2026, 3, 2, 9, 58, 0, 0, time.UTC), "date"},
		{"future date uses topmost Received", "Date: Mon, 2 Mar 2099 09:58:00 +0000\n" + received, false, time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), "received"},
		{"unparseable date", "Date: sometime\n" + received, false, time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), "received"},
		{"no date, no Received", "", false, arrival, "arrival"},
		{"nothing at all", "", true, time.Time{}, "arrival"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOpts()
			opts.Arrival = arrival
			if tt.noArrival {
				opts.Arrival = time.Time{}
			}
			m, _ := mustParse(t, tt.name, []byte(tt.header+"Subject: x\n\nbody"), opts)
			if !m.Date.Equal(tt.want) || m.DateSource != tt.source {
				t.Errorf("Date, DateSource = %v, %q; want %v, %q", m.Date, m.DateSource, tt.want, tt.source)
			}
		})
	}
}
