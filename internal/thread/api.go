package thread

import "time"

// Message is what threading needs to know about one message.
type Message struct {
	ID         string // normalised Message-ID, no angle brackets
	InReplyTo  []string
	References []string
	Subject    string // decoded, as sent (prefixes and list tags still in)
	Date       time.Time
	Lists      []string // list identities of every copy (a cross-post has several)
	From       string   // author address, lower-case
	// ThreadIndex and ThreadTopic are Outlook's headers, raw (ThreadIndex is base64).
	ThreadIndex string
	ThreadTopic string
	// Text is the readable body, used to place replies to digests by what they quote.
	Text string
}

// Candidate is an existing thread offered by an Index, with the message that matched.
type Candidate struct {
	Thread int64
	// Subject is the normalised subject of the thread's opening message.
	Subject string
	Lists   []string
	FirstAt time.Time
	LastAt  time.Time
	// MessageID, MessageDate and MessageSubject describe the matched message (for reference
	// lookups: the parent or child found; for subject lookups: the thread's latest message with
	// that subject in the window; for quoted-text lookups: the earliest message containing the
	// line). MessageSubject is as sent; Place normalises it. Place uses MessageDate for the gap
	// rule and to pick the most recent thread, so it must be set.
	MessageID      string
	MessageDate    time.Time
	MessageSubject string
}

// Index answers the lookups that place one message. The store implements it with indexed SQL;
// MemIndex implements it in memory. Every method must cost the same whatever the mailbox size
// (index lookups, bounded results), so that adding a message stays cheap. "On one of lists"
// means the thread (any of its messages, every copy of a cross-post) was seen on one of them.
// Returning the same thread twice is harmless: Place deduplicates.
type Index interface {
	// ByMessageIDs returns one Candidate per message found with one of these Message-IDs
	// (parents, ancestors; m's own id, to recognise a copy already stored). Place passes at
	// most 65 ids.
	ByMessageIDs(ids []string) ([]Candidate, error)
	// ByReference returns the threads of messages whose In-Reply-To/References contain one of
	// these ids (replies that arrived before their parent; siblings under a missing parent),
	// one Candidate per thread, through one of those messages.
	ByReference(ids []string) ([]Candidate, error)
	// ByConversation returns the threads holding messages with this Outlook conversation key
	// (ConversationKey of their Thread-Index), one Candidate per thread.
	ByConversation(key string) ([]Candidate, error)
	// BySubject returns the threads holding a message whose normalised subject
	// (NormalizeSubject) is subject, dated within [since, until], on one of lists (any list
	// when lists is empty), one Candidate per thread through the latest such message. Any
	// message counts, not only the opening one: a thread renamed "New (was: Old)" is then found
	// under its new subject.
	BySubject(subject string, lists []string, since, until time.Time) ([]Candidate, error)
	// ByQuotedText returns threads on one of lists with a message dated within [since, until]
	// whose text contains the given line, ignoring case and differences in white space (line
	// breaks included), one Candidate per thread through the earliest such message. It is used
	// only for replies to digests, with lines of 30 characters or more. May return nil when the
	// implementation has no text search.
	ByQuotedText(line string, lists []string, since, until time.Time) ([]Candidate, error)
}

// Decision says where a message goes.
type Decision struct {
	// Threads are the existing threads the message joins; several are merged (the message
	// bridges them). Empty means the message starts a new thread.
	Threads []int64
	// Method is how the decision was made: "references", "in-reply-to", "children",
	// "duplicate" (a copy of a message already stored), "thread-index", "subject", "digest",
	// "new", "new-after-gap". The Method* constants name them.
	Method string
	// Reason explains it to a person: which header, which id, which window.
	Reason string
}
