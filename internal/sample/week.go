package sample

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The sample week (week/*.eml) is hand-written list traffic as a subscriber's
// mailbox holds it, for the demo: LM_NET on LISTSERV (Sender and Reply-To the
// list, List-Help and friends but no List-Id, the SIGNOFF/NOMAIL/DIGEST footer
// in every body), OZTL_NET on Mailman 2 ("[OZTL_NET]" tag, List-Id, footer
// appended to plain bodies and added as its own MIME part otherwise) and the
// state list [aisle] on Mailman 2 with DMARC rewriting ("Jane Smith via AISLE"
// <aisle@...>, the author in Reply-To). Files are named list-NN-slug.eml, NN
// counting the list's posts in the order they were sent. Among them:
//
//	TARGET/HIT pairs (HIT as a new message)  lmnet-01 + lmnet-22, oztl-06 + oztl-18
//	open requests                            lmnet-07, lmnet-24, oztl-03, oztl-19
//	Outlook replies without In-Reply-To      lmnet-04, oztl-04 (Thread-Index continues oztl-03's), aisle-07
//	localised prefixes                       lmnet-15 (AW:), lmnet-16 (SV:, no In-Reply-To), aisle-06 ([aisle] Re:)
//	HTML only (quoted-printable)              lmnet-09 (phone), lmnet-10 (inline styles, tracking pixel, script)
//	charsets                                 windows-1252 QP lmnet-04, oztl-04, oztl-09; ISO-8859-1 QP lmnet-11;
//	                                         UTF-8 base64 with macrons and emoji oztl-08, aisle-09; UTF-8 8bit lmnet-15, oztl-11
//	RFC 2047 subjects                        UTF-8 oztl-06, aisle-09 (emoji); windows-1252 oztl-09; ISO-8859-1 lmnet-11
//	auto-replies                             lmnet-08 (Auto-Submitted), aisle-04 (X-Autoreply only),
//	                                         oztl-10 ("Automatic reply:" subject only)
//	unsubscribe posted to the list           lmnet-12, answered by lmnet-13
//	attachment                               oztl-07 (Year5-resilience-booklist.pdf, application/octet-stream)
//	reply to the digest                      lmnet-17
//	long departmental disclaimers            oztl-03, oztl-16, oztl-19
//	Gmail replies quoting the list footer    aisle-02, aisle-03, aisle-06, aisle-10, aisle-12
//
// The files hold only ASCII and UTF-8 (other charsets are transfer-encoded),
// with LF line ends, and date placeholders instead of dates, so that the week
// can be placed before any end time. A placeholder
//
//	{{VERB DURATION ZONE}}
//
// stands for end minus DURATION (time.ParseDuration syntax, 0 < DURATION <
// 168h, such as 26h13m or 26h12m31s; truncated to the second) in the fixed
// zone ZONE (+1100, -0500, ...), written as VERB says:
//
//	ago         RFC 5322, for Date and Received:    Tue, 3 Mar 2026 09:04:33 -0500
//	agolong     Outlook en-AU/en-GB "Sent:" line:   Tuesday, 3 March 2026 9:04 AM
//	agous       Outlook en-US "Sent:" line:         Tuesday, March 3, 2026 9:04 AM
//	agogmail    Gmail en-US "On ... wrote:":        Tue, Mar 3, 2026 at 9:04 AM
//	agogmailau  Gmail en-AU "On ... wrote:":        Tue, 3 Mar 2026 at 9:04 am
//	agoapple    Apple Mail en-AU "On ... wrote:":   3 Mar 2026, at 9:04 am
//	agoappleus  Apple Mail en-US "On ... wrote:":   Mar 3, 2026, at 9:04 AM
//	agotb       Thunderbird en-US "On ... wrote:":  3/3/26 9:04 AM
//	agotbau     Thunderbird en-AU "On ... wrote:":  3/3/2026 9:04 am
//	agoday      LISTSERV digest titles:             3 Mar 2026
//	agode       Outlook German "Gesendet:" line:    Dienstag, 3. März 2026 09:04
//	agosv       Outlook Swedish "Skickat:" line:    den 3 mars 2026 09:04
//
// Only agode can produce non-ASCII text (März), so it stands only in 8bit
// UTF-8 bodies; the others may also stand in quoted-printable bodies, where
// the encoder must not break a line inside a placeholder. A quote of an
// earlier message uses that message's DURATION, so that the quoted time is
// the quoted message's Date. Received headers use slightly shorter durations
// than the Date header (the list relays a post some seconds after it is sent).

//go:embed week/*.eml
var weekFiles embed.FS

// WeekMessage is one message of the bundled sample week.
type WeekMessage struct {
	Name string    // file name, e.g. "lmnet-03-target-graphic-novels.eml"
	Date time.Time // the Date header's time
	Data []byte    // the whole message, CRLF line endings
}

// Week returns the bundled sample, with dates placed in the seven days before end, oldest first.
// The same end gives the same bytes. Every Date is before end; the newest is within the last 24 hours.
func Week(end time.Time) []WeekMessage {
	entries, err := weekFiles.ReadDir("week")
	if err != nil {
		panic("sample: reading the embedded week: " + err.Error())
	}
	out := make([]WeekMessage, 0, len(entries))
	for _, e := range entries {
		raw, err := weekFiles.ReadFile(path.Join("week", e.Name()))
		if err != nil {
			panic("sample: reading the embedded week: " + err.Error())
		}
		data, err := expandWeek(raw, end)
		if err != nil {
			panic(fmt.Sprintf("sample: week/%s: %v", e.Name(), err))
		}
		date, err := weekDate(data)
		if err != nil {
			panic(fmt.Sprintf("sample: week/%s: %v", e.Name(), err))
		}
		out = append(out, WeekMessage{Name: e.Name(), Date: date, Data: data})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Date.Equal(out[j].Date) {
			return out[i].Date.Before(out[j].Date)
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// weekFormats are the placeholder verbs and their layouts. Layouts holding
// month or weekday names that are not English are handled in formatWeekTime.
var weekFormats = map[string]string{
	"ago":        "Mon, 2 Jan 2006 15:04:05 -0700",
	"agolong":    "Monday, 2 January 2006 3:04 PM",
	"agous":      "Monday, January 2, 2006 3:04 PM",
	"agogmail":   "Mon, Jan 2, 2006 at 3:04 PM",
	"agogmailau": "Mon, 2 Jan 2006 at 3:04 pm",
	"agoapple":   "2 Jan 2006, at 3:04 pm",
	"agoappleus": "Jan 2, 2006, at 3:04 PM",
	"agotb":      "1/2/06 3:04 PM",
	"agotbau":    "2/1/2006 3:04 pm",
	"agoday":     "2 Jan 2006",
	"agode":      "",
	"agosv":      "",
}

var (
	germanDays    = [...]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"}
	germanMonths  = [...]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}
	swedishMonths = [...]string{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"}
)

func formatWeekTime(verb string, t time.Time) string {
	switch verb {
	case "agode":
		return fmt.Sprintf("%s, %d. %s %d %02d:%02d", germanDays[t.Weekday()], t.Day(), germanMonths[t.Month()-1], t.Year(), t.Hour(), t.Minute())
	case "agosv":
		return fmt.Sprintf("den %d %s %d %02d:%02d", t.Day(), swedishMonths[t.Month()-1], t.Year(), t.Hour(), t.Minute())
	}
	return t.Format(weekFormats[verb])
}

// expandWeek replaces the placeholders of a template and turns its line ends into CRLF.
func expandWeek(tmpl []byte, end time.Time) ([]byte, error) {
	s := strings.ReplaceAll(string(tmpl), "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s) + len(s)/40)
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("unterminated placeholder %.40q", s[i:])
		}
		t, verb, err := weekPlaceholder(s[i+2:i+j], end)
		if err != nil {
			return nil, err
		}
		b.WriteString(s[:i])
		b.WriteString(formatWeekTime(verb, t))
		s = s[i+j+2:]
	}
	b.WriteString(s)
	return []byte(strings.ReplaceAll(b.String(), "\n", "\r\n")), nil
}

// weekPlaceholder parses the inside of a placeholder, "ago 26h13m +1100".
func weekPlaceholder(p string, end time.Time) (time.Time, string, error) {
	f := strings.Fields(p)
	if len(f) != 3 {
		return time.Time{}, "", fmt.Errorf("placeholder {{%s}}: want {{VERB DURATION ZONE}}", p)
	}
	verb := f[0]
	if _, ok := weekFormats[verb]; !ok {
		return time.Time{}, "", fmt.Errorf("placeholder {{%s}}: unknown verb %q", p, verb)
	}
	d, err := time.ParseDuration(f[1])
	if err != nil || d <= 0 || d >= 7*24*time.Hour {
		return time.Time{}, "", fmt.Errorf("placeholder {{%s}}: duration must be within (0, 168h)", p)
	}
	zone, err := parseZone(f[2])
	if err != nil {
		return time.Time{}, "", fmt.Errorf("placeholder {{%s}}: %v", p, err)
	}
	return end.Add(-d).Truncate(time.Second).In(zone), verb, nil
}

// parseZone turns "+1100" or "-0430" into a fixed zone.
func parseZone(z string) (*time.Location, error) {
	if len(z) != 5 || (z[0] != '+' && z[0] != '-') {
		return nil, fmt.Errorf("bad zone %q", z)
	}
	hh, err1 := strconv.Atoi(z[1:3])
	mm, err2 := strconv.Atoi(z[3:5])
	if err1 != nil || err2 != nil || hh > 14 || mm > 59 {
		return nil, fmt.Errorf("bad zone %q", z)
	}
	off := hh*3600 + mm*60
	if z[0] == '-' {
		off = -off
	}
	return time.FixedZone("", off), nil
}

// weekDate reads the Date header of an expanded message.
func weekDate(data []byte) (time.Time, error) {
	head, _, _ := bytes.Cut(data, []byte("\r\n\r\n"))
	for _, line := range strings.Split(string(head), "\r\n") {
		if v, ok := strings.CutPrefix(line, "Date: "); ok {
			t, err := time.Parse(weekFormats["ago"], strings.TrimSpace(v))
			if err != nil {
				return time.Time{}, fmt.Errorf("date header: %v", err)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("no Date header")
}
