package thread

import (
	"encoding/base64"
	"strings"
	"testing"
)

// tiHeader builds the 22-byte header block of a Thread-Index: reserved byte, five bytes of
// start time, 16-byte GUID, all derived from seed.
func tiHeader(seed byte) []byte {
	b := make([]byte, threadIndexHeader)
	b[0] = 0x01
	for i := 1; i < len(b); i++ {
		b[i] = seed ^ byte(i*37)
	}
	return b
}

// tiValue returns the base64 Thread-Index of a message `replies` levels below the opening
// message of conversation seed: the header plus one 5-byte block per reply.
func tiValue(seed byte, replies int) string {
	b := tiHeader(seed)
	for r := range replies {
		b = append(b, byte(r), 0x20, seed, byte(r*7), 0x42)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func TestConversationKey(t *testing.T) {
	root := base64.StdEncoding.EncodeToString(tiHeader(7))
	tests := []struct {
		name, in, want string
	}{
		{"opening message", tiValue(7, 0), root},
		{"reply", tiValue(7, 1), root},
		{"reply to reply", tiValue(7, 3), root},
		{"no padding", strings.TrimRight(tiValue(7, 1), "="), root},
		{"folded header value", tiValue(7, 2)[:20] + "\r\n " + tiValue(7, 2)[20:], root},
		{"other conversation", tiValue(8, 1), base64.StdEncoding.EncodeToString(tiHeader(8))},
		{"Outlook-shaped opening", "AcLC5DQkg/xYDJnxTVOPyMYtW3v2Ng==", "AcLC5DQkg/xYDJnxTVOPyMYtW3v2Ng=="},
		{"Outlook-shaped reply", "AcLC5DQkg/xYDJnxTVOPyMYtW3v2NgABgk5Q", "AcLC5DQkg/xYDJnxTVOPyMYtW3v2Ng=="},
		{"too short", base64.StdEncoding.EncodeToString(make([]byte, 21)), ""},
		{"all zero header", base64.StdEncoding.EncodeToString(make([]byte, 27)), ""},
		{"not base64", "this is not base64 at all, sorry!!", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ConversationKey(tt.in); got != tt.want {
				t.Errorf("ConversationKey(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}
