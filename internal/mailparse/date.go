package mailparse

import (
	"strconv"
	"strings"
	"time"
)

// minSaneDate is the earliest Date taken at face value: list mail from before 1985
// is a broken clock, not history.
var minSaneDate = time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC)

// maxFutureSkew is how far past the reference time a Date may be.
const maxFutureSkew = 48 * time.Hour

// zoneOffsets maps zone names seen in Date headers to their UTC offset in minutes.
// time.Parse would give unknown abbreviations a zero offset, hours off for "EST".
var zoneOffsets = map[string]int{
	"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
	"BST": 60, "WEST": 60, "CET": 60, "MET": 60, "MEZ": 60,
	"CEST": 120, "MEST": 120, "MESZ": 120, "EET": 120, "SAST": 120,
	"EEST": 180, "MSK": 180, "IST": 330,
	"WIB": 420, "ICT": 420,
	"HKT": 480, "SGT": 480, "AWST": 480, "PHT": 480,
	"JST": 540, "KST": 540, "ACST": 570, "ACDT": 630,
	"AEST": 600, "EAST": 600, "AEDT": 660, "EADT": 660,
	"NZST": 720, "NZDT": 780,
	"NST": -210, "NDT": -150, "AST": -240, "ADT": -180,
	"EST": -300, "EDT": -240, "CST": -360, "CDT": -300,
	"MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
	"AKST": -540, "AKDT": -480, "HST": -600,
}

var monthNames = map[string]time.Month{
	"jan": time.January, "feb": time.February, "mar": time.March, "apr": time.April,
	"may": time.May, "jun": time.June, "jul": time.July, "aug": time.August,
	"sep": time.September, "oct": time.October, "nov": time.November, "dec": time.December,
}

// dateFields accumulates what a date string says.
type dateFields struct {
	year, month, day     int
	hour, minute, second int
	offset               int // minutes east of UTC
	haveTime, pm, am     bool
	gotNumZone           bool // a numeric offset was seen; it beats a zone name
}

// parseDate parses a Date or Received date leniently: day names optional, 2- and
// 3-digit years, named zones, "GMT+10", numeric months, ISO 8601, asctime order,
// trailing comments and non-ASCII junk. ok is false when no complete date is found.
func parseDate(s string) (time.Time, bool) {
	s = stripComments(s)
	var df dateFields
	for _, tok := range dateTokens(s) {
		df.token(tok)
	}
	return df.time()
}

// dateTokens splits a date into tokens, replacing non-ASCII bytes and punctuation
// (other than the ones that carry meaning) with separators.
func dateTokens(s string) []string {
	b := []byte(s)
	for i, c := range b {
		if c >= 0x80 || c < 0x20 || c == ',' || c == '"' || c == '\'' {
			b[i] = ' '
		}
	}
	// "2026-03-03T10:00:00Z": split the ISO separator.
	for i := 1; i+1 < len(b); i++ {
		if b[i] == 'T' && isDigit(b[i-1]) && isDigit(b[i+1]) {
			b[i] = ' '
		}
	}
	s = string(b)
	var toks []string
	for _, f := range strings.Fields(s) {
		// "GMT+10", "UTC-0500": zone name glued to an offset.
		if i := strings.IndexAny(f, "+-"); i > 0 && isAlpha(f[:i]) {
			toks = append(toks, f[:i], f[i:])
			continue
		}
		// "10:00:00+1000", "10:00:00Z": time glued to a zone.
		if strings.Contains(f, ":") {
			if i := strings.IndexAny(f, "+-Z"); i > 0 && !strings.Contains(f[:i], "-") {
				toks = append(toks, f[:i], f[i:])
				continue
			}
		}
		toks = append(toks, f)
	}
	return toks
}

// token interprets one date token.
func (df *dateFields) token(tok string) {
	low := strings.ToLower(strings.Trim(tok, "."))
	switch {
	case low == "":
	case low == "am" || low == "a.m":
		df.am = true
	case low == "pm" || low == "p.m":
		df.pm = true
	case strings.Contains(tok, ":") && !df.haveTime && isDigit(tok[0]):
		df.clock(tok)
	case (tok[0] == '+' || tok[0] == '-') && len(tok) > 1 && isDigit(tok[1]):
		df.numericZone(tok)
	case strings.Count(tok, "-") == 2 && isDigit(tok[0]):
		df.isoDate(tok)
	case strings.Count(tok, "/") == 2 && isDigit(tok[0]):
		df.slashDate(tok)
	case isAlpha(tok):
		up := strings.ToUpper(tok)
		if off, ok := zoneOffsets[up]; ok {
			if !df.gotNumZone {
				df.offset = off
			}
		} else if m, ok := monthNames[low[:min(3, len(low))]]; ok && len(low) >= 3 && df.month == 0 {
			df.month = int(m)
		}
	case isDigits(tok):
		df.number(tok)
	}
}

// number assigns a bare number to the day, month or year.
func (df *dateFields) number(tok string) {
	n, err := strconv.Atoi(tok)
	if err != nil {
		return
	}
	switch {
	case len(tok) >= 3 && df.year == 0:
		df.year = n
		if len(tok) == 3 {
			df.year = 1900 + n // RFC 5322 obs-year
		}
	case df.day == 0 && n >= 1 && n <= 31:
		df.day = n
	case df.month == 0 && n >= 1 && n <= 12:
		df.month = n
	case df.year == 0:
		df.year = twoDigitYear(n)
	}
}

func twoDigitYear(n int) int {
	switch {
	case n >= 100:
		return n
	case n < 50:
		return 2000 + n
	default:
		return 1900 + n
	}
}

// clock parses "15:04", "15:04:05" and "15:04:05.999".
func (df *dateFields) clock(tok string) {
	parts := strings.Split(tok, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return
	}
	if i := strings.IndexByte(parts[len(parts)-1], '.'); i >= 0 {
		parts[len(parts)-1] = parts[len(parts)-1][:i]
	}
	var v [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return
		}
		v[i] = n
	}
	df.hour, df.minute, df.second, df.haveTime = v[0], v[1], v[2], true
}

// numericZone parses "+1000", "-0700", "+10", "+10:00", "+5".
func (df *dateFields) numericZone(tok string) {
	sign := 1
	if tok[0] == '-' {
		sign = -1
	}
	d := strings.ReplaceAll(tok[1:], ":", "")
	if !isDigits(d) {
		return
	}
	var h, m int
	switch len(d) {
	case 1, 2:
		h, _ = strconv.Atoi(d)
	case 3:
		h, _ = strconv.Atoi(d[:1])
		m, _ = strconv.Atoi(d[1:])
	case 4:
		h, _ = strconv.Atoi(d[:2])
		m, _ = strconv.Atoi(d[2:])
	default:
		return
	}
	if h > 14 || m > 59 {
		return
	}
	// Set, not add: "GMT+10" has a zero base, and in "-0800 PDT" the number wins.
	df.offset = sign * (h*60 + m)
	df.gotNumZone = true
}

// isoDate parses "2026-03-03".
func (df *dateFields) isoDate(tok string) {
	p := strings.Split(tok, "-")
	y, e1 := strconv.Atoi(p[0])
	m, e2 := strconv.Atoi(p[1])
	d, e3 := strconv.Atoi(p[2])
	if e1 == nil && e2 == nil && e3 == nil && len(p[0]) == 4 {
		df.year, df.month, df.day = y, m, d
		return
	}
	// "03-Mar-2026": take the pieces one by one.
	for _, piece := range p {
		if piece != "" {
			df.token(piece)
		}
	}
}

// slashDate parses "3/27/2026" (US order) or "2026/03/27".
func (df *dateFields) slashDate(tok string) {
	p := strings.Split(tok, "/")
	a, e1 := strconv.Atoi(p[0])
	b, e2 := strconv.Atoi(p[1])
	c, e3 := strconv.Atoi(p[2])
	if e1 != nil || e2 != nil || e3 != nil {
		return
	}
	if len(p[0]) == 4 {
		df.year, df.month, df.day = a, b, c
		return
	}
	df.month, df.day, df.year = a, b, twoDigitYear(c)
	if a > 12 {
		df.month, df.day = b, a
	}
}

// time assembles the fields into a UTC time.
func (df *dateFields) time() (time.Time, bool) {
	if df.pm && df.hour < 12 {
		df.hour += 12
	}
	if df.am && df.hour == 12 {
		df.hour = 0
	}
	if df.second == 60 {
		df.second = 59 // leap second
	}
	if df.year < 100 && df.year > 0 {
		df.year = twoDigitYear(df.year)
	}
	if df.year < 1000 || df.year > 9999 || df.month < 1 || df.month > 12 || df.day < 1 ||
		df.day > daysIn(time.Month(df.month), df.year) || df.hour > 23 || df.minute > 59 || df.second > 59 {
		return time.Time{}, false
	}
	t := time.Date(df.year, time.Month(df.month), df.day, df.hour, df.minute, df.second, 0, time.UTC)
	return t.Add(-time.Duration(df.offset) * time.Minute), true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isAlpha(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			if s[i] != '.' {
				return false
			}
		}
	}
	return true
}

// receivedDate returns the date of a Received header: the part after the last ";".
func receivedDate(v string) (time.Time, bool) {
	i := strings.LastIndexByte(v, ';')
	if i < 0 {
		return time.Time{}, false
	}
	return parseDate(v[i+1:])
}

// saneDate reports whether t is plausible for list mail received around ref.
func saneDate(t, ref time.Time) bool {
	return !t.Before(minSaneDate) && !t.After(ref.Add(maxFutureSkew))
}
