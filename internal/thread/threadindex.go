package thread

import (
	"encoding/base64"
	"strings"
	"unicode"
)

// threadIndexHeader is the length of the header block of an Outlook Thread-Index: one reserved
// byte, five bytes of the conversation's start time and a 16-byte GUID. Every reply appends a
// 5-byte block and keeps the header, so the header names the whole conversation.
const threadIndexHeader = 22

// ConversationKey returns the conversation an Outlook Thread-Index belongs to: the base64 of its
// first 22 decoded bytes, shared by the opening message and every reply. It returns "" when the
// value is not base64 (padding may be missing), is shorter than 22 bytes, or has an all-zero
// header (a client filling the header with nothing would put every message in one conversation).
func ConversationKey(threadIndex string) string {
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, threadIndex)
	if len(s) < 28 { // 22 bytes need at least 30 base64 characters (28 + padding)
		return ""
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	}
	if err != nil || len(b) < threadIndexHeader || allZero(b[:threadIndexHeader]) {
		return ""
	}
	return base64.StdEncoding.EncodeToString(b[:threadIndexHeader])
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
