package digest

import "time"

// Reader is who a digest is for.
type Reader struct {
	Name    string
	Address string
	// Location is the reader's time zone: dates in the digest are shown in it.
	Location *time.Location
	// BudgetWords caps the words of the whole plain-text part (476 = two minutes at 238 wpm).
	BudgetWords int
}

// Item is one thread as the digest may show it. The caller fills every field from the store;
// Compose decides how much of it fits.
type Item struct {
	ThreadID string // public thread id
	Category string // taxonomy slug: book-request, video-request, help-request, hit, sharing, event, job, classified, admin
	// CategoryName is the human name of Category ("Book requests").
	CategoryName string
	// Subject is the cleaned subject: reply prefixes and list tags removed, the list keyword
	// (TARGET->, HIT:) removed too since the section says it.
	Subject string
	// OriginalSubject is the opening message's subject as sent, for reply links.
	OriginalSubject string
	AuthorName      string
	AuthorAddr      string
	// School is where the author works, from their signature or mail domain ("" if unknown).
	School string
	// Lists are the display names of the lists the thread was seen on (a cross-post has several).
	Lists []string
	// Gist is one line in the poster's own words (quotes, signatures, footers removed).
	Gist string
	// Replies is the number of replies in the thread (all messages but the opening one, noise excluded).
	Replies int
	// NewInPeriod is how many of the thread's messages arrived in the digest's period.
	NewInPeriod int
	// Answered is set on a request whose HIT has been posted.
	Answered bool
	// Answers is, on a HIT, the cleaned subject of the request it answers ("" if unknown).
	Answers string
	// FollowUp marks a thread the reader flagged that has new activity.
	FollowUp bool
	// FollowUpWhy says why a follow-up is back ("a HIT was posted", "your reminder").
	FollowUpWhy string
	// Note is the reader's own note on their flag.
	Note string
	// Links are one-click actions for this item (flag, done, snooze), signed for the reader;
	// none when the daemon serves no links.
	Links []Link
	// ReplyTo is the address a reply link goes to: the poster for requests (LM_NET etiquette:
	// answers go privately), the list for discussions.
	ReplyTo string
	// MessageID is the opening message's Message-ID without brackets, for In-Reply-To in reply links.
	MessageID string
	FirstAt   time.Time
	LastAt    time.Time
}

// Input is everything one digest is composed from.
type Input struct {
	Reader Reader
	// From and To bound the period the digest covers.
	From, To time.Time
	Items    []Item
	// Lists are the display names of the lists the reader's digest covers. When there are
	// several, every full item names its lists; when empty, the lists named by Items decide.
	Lists []string
	// Noise is how many noise messages (auto-replies, bounces, "unsubscribe") arrived in the
	// period; they are never shown, only counted in one line.
	Noise int
}

// Digest is a composed digest.
type Digest struct {
	// Subject summarises the day: "Lists digest Thu 5 Mar: 3 book requests, 2 HITs".
	Subject string
	// Contents is the contents line at the top ("3 book requests, 2 HITs, 1 job").
	Contents string
	Text     string // the plain-text part, within Reader.BudgetWords words
	HTML     string // the HTML part, the same content
	Words    int    // words in Text, as CountWords counts them
	// Full, Short and Counted say how many threads were shown in full, as subject-only lines,
	// and only counted ("+6 more in Sharing"). Full+Short+Counted is the number of distinct
	// non-noise threads of Input.Items (a thread passed twice, or a cross-post passed once per
	// list with one Message-ID, is one): no thread is silently dropped.
	Full, Short, Counted int
}

// Link is an action link shown with an item.
type Link struct {
	// Text labels it in the plain-text part, kept short ("Flag"); Label in HTML ("Flag for follow-up").
	Text, Label string
	URL         string
}
