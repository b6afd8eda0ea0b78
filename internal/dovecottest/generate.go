package dovecottest

import "listdigest/internal/sample"

// The list-mail generator lives in internal/sample, where the demo can use it too; these
// names keep the tests that load Dovecot with it short.

// ListStyle selects the list a generated message imitates.
type ListStyle = sample.ListStyle

// GenerateOptions configures ListMessage.
type GenerateOptions = sample.GenerateOptions

// The generated lists.
const (
	MixedLists     = sample.MixedLists
	LMNet          = sample.LMNet
	OZTLNet        = sample.OZTLNet
	LMNetAddress   = sample.LMNetAddress
	OZTLNetAddress = sample.OZTLNetAddress
	OZTLNetListID  = sample.OZTLNetListID
)

// ListMessage returns message i of the deterministic corpus of librarian list mail.
func ListMessage(i int, opts ...GenerateOptions) []byte { return sample.ListMessage(i, opts...) }

// ListMessageID returns the Message-ID of ListMessage(i, opts...).
func ListMessageID(i int, opts ...GenerateOptions) string { return sample.ListMessageID(i, opts...) }
