package thread

import (
	"fmt"
	"testing"

	"listdigest/internal/mailparse"
)

// TestNotmuchHeaderRules replays the header cases of notmuch's T510-thread-replies.sh
// (paraphrased in the corpora's EXPECTED_threading.md) through mailparse and Group: junk in
// In-Reply-To must not stop a reply from joining the message its References name, and must
// not pull in a message it does not name.
func TestNotmuchHeaderRules(t *testing.T) {
	tests := []struct {
		name             string
		inReplyTo, refs  string // raw header values; "" leaves the header out
		parent, stranger string // the message the reply must join; one it must not
	}{
		{"broken In-Reply-To", "mumble", "<foo@one.com>", "foo@one.com", ""},
		{"dodgy In-Reply-To", "Your message of December 31 1999 <bar@baz.com>", "<foo@two.com>", "foo@two.com", ""},
		{"no References", "<foo@three.com>", "", "foo@three.com", ""},
		{"In-Reply-To with trailing comment", "<baz@four.com> (RFC822 4lyfe)", "<baz@four.com> <foo@four.com>", "foo@four.com", "bar@four.com"},
		{"garbage after References", "", "<foo@five.com> (garbage)", "foo@five.com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raws := []string{
				rawMessage(tt.parent, "Mon, 1 Jun 2026 10:00:00 +0000", "", "", "the parent"),
				rawMessage("reply@x", "Mon, 1 Jun 2026 11:00:00 +0000", tt.inReplyTo, tt.refs, "a follow-up without prefix"), // only headers can link it
			}
			if tt.stranger != "" {
				raws = append(raws, rawMessage(tt.stranger, "Mon, 1 Jun 2026 10:30:00 +0000", "", "", "something else"))
			}
			var msgs []Message
			for _, raw := range raws {
				pm, err := mailparse.Parse([]byte(raw), mailparse.Options{})
				if pm == nil {
					t.Fatalf("mailparse.Parse: %v", err)
				}
				msgs = append(msgs, fromParsed(pm))
			}
			got := groupCorpus(t, msgs)
			if got["reply@x"] != got[tt.parent] {
				t.Errorf("Group: reply in thread %d, <%s> in %d; want them together", got["reply@x"], tt.parent, got[tt.parent])
			}
			if tt.stranger != "" && got[tt.stranger] == got["reply@x"] {
				t.Errorf("Group: <%s> joined the reply's thread; want it apart", tt.stranger)
			}
		})
	}
}

// rawMessage writes a minimal RFC 5322 message.
func rawMessage(id, date, inReplyTo, refs, subject string) string {
	s := fmt.Sprintf("From: Someone <someone@example.org>\r\nTo: list@example.org\r\nMessage-ID: <%s>\r\nDate: %s\r\nSubject: %s\r\n", id, date, subject)
	if inReplyTo != "" {
		s += "In-Reply-To: " + inReplyTo + "\r\n"
	}
	if refs != "" {
		s += "References: " + refs + "\r\n"
	}
	return s + "\r\nbody\r\n"
}
