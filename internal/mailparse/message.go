package mailparse

import "time"

// DefaultMaxSize is the size above which a message keeps only its headers and first text part.
const DefaultMaxSize = 25 << 20

// Options tune Parse. The zero value is usable.
type Options struct {
	// MaxSize caps how much of a message is parsed (bytes); 0 means DefaultMaxSize.
	MaxSize int64
	// Arrival is when the message reached us (IMAP INTERNALDATE, mbox From_ line, file mtime).
	// It is the last-resort date when neither Date nor Received gives a sane one.
	Arrival time.Time
	// Now is the clock used to judge "absurd" future dates; nil means time.Now.
	Now func() time.Time
}

// Address is a decoded mailbox: display name and addr-spec.
type Address struct {
	Name string `json:"name,omitempty"`
	Addr string `json:"addr,omitempty"`
}

// ListIdentity says which mailing list a message came through.
type ListIdentity struct {
	// ID is the canonical, lower-case identity in List-Id form: the List-Id value without
	// brackets ("lm_net.listserv.syr.edu"), else the list's address name@host written as
	// name.host, which is what the list's List-Id is by convention, so that posts with and
	// without List-Id land in one list. Empty when the message is not recognised as list mail.
	ID string `json:"id,omitempty"`
	// Name is a short display name ("LM_NET", "aisle"), best effort.
	Name string `json:"name,omitempty"`
	// Source names the header the identity came from ("List-Id", "List-Post", "X-Mailing-List",
	// "Sender", "X-BeenThere", ...).
	Source string `json:"source,omitempty"`
	// Candidates holds every list identifier seen (List-Id, posting address, Sender address, ...),
	// lower-case, so that configured patterns can match any of them.
	Candidates []string `json:"candidates,omitempty"`
}

// Part describes one MIME leaf part, for later stages (attachments, content types).
// A message/rfc822 part is one leaf: the parts of a forwarded message are not listed.
type Part struct {
	// ContentType is the lower-case media type ("text/plain" when the part has none).
	ContentType string `json:"content_type"`
	// Charset is the lower-case charset parameter as declared, "" if none.
	Charset string `json:"charset,omitempty"`
	// Disposition is the lower-case Content-Disposition type ("inline", "attachment"), "" if none.
	Disposition string `json:"disposition,omitempty"`
	// Filename is the decoded file name (Content-Disposition filename, else Content-Type name).
	Filename string `json:"filename,omitempty"`
	// Size is the size in bytes of the part's body as it is in the message, still
	// transfer-encoded: cheap to know without decoding attachments.
	Size int `json:"size"`
}

// Message is what listdigest keeps of a parsed mail. Parse always fills what it can.
type Message struct {
	// MessageID is the normalised Message-ID without angle brackets. When the header is
	// missing or unusable it is a synthetic, stable id derived from a hash of the headers
	// and body, and Synthetic is true.
	MessageID string
	Synthetic bool
	// InReplyTo and References are normalised ids without angle brackets, in header order,
	// duplicates removed. Free text around ids is dropped; truncated ids are kept only
	// when they still look like ids.
	InReplyTo  []string
	References []string

	Subject string // decoded (RFC 2047), whitespace-folded, original prefixes kept

	// From is the author as a reader knows them: DMARC rewriting by the list undone
	// ("Jane Smith via OZTL_NET <list@...>" becomes Jane Smith, with the address from
	// Reply-To / X-Original-From when present).
	From Address
	// HeaderFrom is the From header exactly as decoded.
	HeaderFrom Address
	ReplyTo    []Address
	To         []Address
	Cc         []Address

	// Date is in UTC. DateSource is "date", "received" or "arrival".
	Date       time.Time
	DateSource string

	List ListIdentity

	// Headers kept for threading, categorising and auto-reply detection.
	ThreadIndex   string
	ThreadTopic   string
	AutoSubmitted string
	Precedence    string
	XAutoreply    string

	ContentType string // top-level media type, lower-case ("multipart/alternative")
	Parts       []Part

	// Text is the readable body: text/plain preferred, HTML converted to text otherwise,
	// with the list footer removed. TextSource is "text/plain", "text/html" or "" (no text).
	Text       string
	TextSource string
	// Footer is the list footer that was removed from Text, if one was recognised.
	Footer string

	Size      int  // raw size in bytes
	Truncated bool // the message exceeded MaxSize; only headers and first text part were kept
	// Notes are human-readable remarks about problems that did not stop parsing
	// ("unknown charset x-foo in part 2, shown as UTF-8 with replacement characters").
	Notes []string
}
