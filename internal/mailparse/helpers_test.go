package mailparse

import (
	"fmt"
	"runtime/debug"
	"testing"
	"time"
	"unicode/utf8"
)

// testOpts is a fixed clock and arrival time, so results do not depend on today.
func testOpts() Options {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	return Options{Arrival: now.Add(-time.Hour), Now: func() time.Time { return now }}
}

// mustParse runs parse (not Parse: no panic guard, so a bug fails the test) and
// returns the message and error. A panic is reported as a test failure with its stack.
func mustParse(t testing.TB, name string, raw []byte, opts Options) (msg *Message, err error) {
	t.Helper()
	msg = &Message{}
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("parse(%s) panicked: %v\n%s", name, r, debug.Stack())
		}
	}()
	err = parse(raw, opts, msg)
	return msg, err
}

// checkInvariants reports violations of the invariants every Message must keep.
func checkInvariants(m *Message) error {
	if m == nil {
		return fmt.Errorf("nil message")
	}
	if m.MessageID == "" {
		return fmt.Errorf("empty MessageID")
	}
	strs := map[string]string{
		"MessageID": m.MessageID, "Subject": m.Subject, "Text": m.Text, "Footer": m.Footer,
		"ThreadIndex": m.ThreadIndex, "ThreadTopic": m.ThreadTopic, "AutoSubmitted": m.AutoSubmitted,
		"Precedence": m.Precedence, "XAutoreply": m.XAutoreply, "ContentType": m.ContentType,
		"DateSource": m.DateSource, "TextSource": m.TextSource,
		"From.Name": m.From.Name, "From.Addr": m.From.Addr,
		"HeaderFrom.Name": m.HeaderFrom.Name, "HeaderFrom.Addr": m.HeaderFrom.Addr,
		"List.ID": m.List.ID, "List.Name": m.List.Name, "List.Source": m.List.Source,
	}
	for i, s := range m.InReplyTo {
		strs[fmt.Sprintf("InReplyTo[%d]", i)] = s
	}
	for i, s := range m.References {
		strs[fmt.Sprintf("References[%d]", i)] = s
	}
	for i, s := range m.List.Candidates {
		strs[fmt.Sprintf("Candidates[%d]", i)] = s
	}
	for i, s := range m.Notes {
		strs[fmt.Sprintf("Notes[%d]", i)] = s
	}
	for _, l := range [][]Address{m.ReplyTo, m.To, m.Cc} {
		for i, a := range l {
			strs[fmt.Sprintf("addr[%d].Name", i)] = a.Name
			strs[fmt.Sprintf("addr[%d].Addr", i)] = a.Addr
		}
	}
	for i, p := range m.Parts {
		strs[fmt.Sprintf("Parts[%d].ContentType", i)] = p.ContentType
		strs[fmt.Sprintf("Parts[%d].Filename", i)] = p.Filename
		strs[fmt.Sprintf("Parts[%d].Charset", i)] = p.Charset
	}
	for k, s := range strs {
		if !utf8.ValidString(s) {
			return fmt.Errorf("%s is not valid UTF-8: %q", k, s)
		}
	}
	if len(m.Text) > maxTextBytes || len(m.Footer) > maxTextBytes {
		return fmt.Errorf("Text or Footer over the cap: %d, %d", len(m.Text), len(m.Footer))
	}
	if m.Date.Location().String() != "UTC" {
		return fmt.Errorf("Date not in UTC: %v", m.Date)
	}
	switch m.DateSource {
	case "date", "received", "arrival":
	default:
		return fmt.Errorf("DateSource = %q", m.DateSource)
	}
	return nil
}
