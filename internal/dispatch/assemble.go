// Package dispatch turns stored threads into digests and sends each recipient theirs exactly
// once per period.
//
// The database is the schedule. Every pass (RunOnce) asks, per recipient, for the latest
// scheduled send time after the end of their last digest; if there is one, it claims the
// ledger row for that slot (a unique row: a second pass, a second process or a restart finds
// it taken), composes the digest for the period from the last digest's end to the slot, and
// delivers it. The row moves claimed → sending → sent, or retry (temporary failure, with
// backoff) or failed (permanent; the next digest covers the period again). A daemon that was
// down sends one catch-up digest for the whole gap, within the same word budget.
//
// Exactly once: the Message-ID is derived from recipient and slot, so a delivery repeated
// after a crash (a row left in "sending") is the same message. With IMAP append delivery the
// mailbox is searched for that Message-ID first, so the digest is stored once; over SMTP a
// crash in the instant between the server's acceptance and the ledger update can repeat the
// submission, carrying the same Message-ID for receivers that suppress duplicates.
package dispatch

import (
	"context"
	"slices"
	"strings"
	"time"

	"listdigest/internal/categorize"
	"listdigest/internal/digest"
	"listdigest/internal/gist"
	"listdigest/internal/mailparse"
	"listdigest/internal/store"
	"listdigest/internal/thread"
)

// gistWords is the length of the one-line gist of each item.
const gistWords = 30

// requests are the categories whose replies go privately to the asker (LM_NET etiquette).
var requests = []string{"book-request", "video-request", "help-request"}

// Recipient is one reader's digest settings.
type Recipient struct {
	Name, Address string
	Location      *time.Location
	BudgetWords   int
	// Lists are patterns of list identities to include; empty includes all.
	Lists []string
	// Categories are the slugs to include; empty includes every category shown in digests.
	Categories []string
	// Mailboxes are the configured mailboxes whose mail this reader gets; empty means all
	// (one mailbox can feed a whole district's librarians, each with their own digest).
	Mailboxes []string
	SendEmpty bool
}

func (r Recipient) reader() digest.Reader {
	loc := r.Location
	if loc == nil {
		loc = time.Local
	}
	return digest.Reader{Name: r.Name, Address: r.Address, Location: loc, BudgetWords: r.BudgetWords}
}

// Assemble gathers the digest input for a recipient and period from the store.
func Assemble(ctx context.Context, st *store.Store, r Recipient, q store.DigestQuery) (digest.Input, error) {
	q.Recipient = r.Address
	threads, noise, err := st.DigestThreads(ctx, q)
	if err != nil {
		return digest.Input{}, err
	}
	tax := st.Taxonomy()
	in := digest.Input{Reader: r.reader(), From: q.From, To: q.To, Noise: noise}
	for _, t := range threads {
		cat, ok := tax.Category(t.Category)
		if !ok || !cat.Digest {
			in.Noise += t.NewInPeriod // noise threads are counted, never shown
			continue
		}
		if len(r.Categories) > 0 && !slices.Contains(r.Categories, t.Category) {
			continue
		}
		if !onLists(t.Lists, r.Lists) {
			continue
		}
		if len(r.Mailboxes) > 0 && !slices.ContainsFunc(t.Sources, func(s string) bool { return slices.Contains(r.Mailboxes, s) }) {
			continue
		}
		it := item(t, cat)
		in.Items = append(in.Items, it)
		for _, l := range it.Lists {
			if !slices.Contains(in.Lists, l) {
				in.Lists = append(in.Lists, l)
			}
		}
	}
	slices.Sort(in.Lists) // with more than one list, each item says where it was posted
	return in, nil
}

func onLists(lists map[string]string, patterns []string) bool {
	if len(patterns) == 0 {
		return true
	}
	for id, name := range lists {
		if mailparse.MatchList(patterns, mailparse.ListIdentity{ID: id, Name: name}) {
			return true
		}
	}
	return false
}

// item turns a stored thread into a digest item.
func item(t store.DigestThread, cat categorize.Category) digest.Item {
	it := digest.Item{
		ThreadID:        t.Key,
		Category:        t.Category,
		CategoryName:    cat.Name,
		Subject:         thread.DisplaySubject(t.Subject),
		OriginalSubject: t.Subject,
		AuthorName:      t.AuthorName,
		AuthorAddr:      t.AuthorAddr,
		School:          gist.School(t.Text, t.AuthorAddr),
		Gist:            gist.Gist(t.Subject, t.Text, gistWords),
		Replies:         max(t.Messages-1, 0),
		NewInPeriod:     t.NewInPeriod,
		Answered:        t.Answered,
		FollowUp:        t.Flagged && (t.NewInPeriod > 0 || t.HitInPeriod || t.RemindInPeriod),
		FollowUpWhy:     followUpWhy(t),
		Note:            t.FlagNote,
		MessageID:       t.MessageID,
		FirstAt:         t.FirstAt,
		LastAt:          t.LastAt,
	}
	if t.Answers != "" {
		it.Answers = thread.DisplaySubject(t.Answers)
	}
	var ids []string
	for id := range t.Lists {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		it.Lists = append(it.Lists, listName(id, t.Lists[id]))
	}
	it.ReplyTo = t.AuthorAddr
	if !slices.Contains(requests, t.Category) && len(ids) > 0 {
		it.ReplyTo = listAddress(ids[0]) // discussions continue on the list
	}
	return it
}

// followUpWhy says what brought a flagged thread back, most telling first.
func followUpWhy(t store.DigestThread) string {
	var why []string
	if t.HitInPeriod {
		why = append(why, "a HIT answering it was posted")
	}
	if t.NewInPeriod > 0 {
		why = append(why, "it has new replies")
	}
	if t.RemindInPeriod {
		why = append(why, "of your reminder")
	}
	return strings.Join(why, " and ")
}

// listName is a list's display name, or its identity's first label.
func listName(id, name string) string {
	if name != "" {
		return name
	}
	first, _, _ := strings.Cut(id, ".")
	return first
}

// listAddress turns a canonical list identity (name.host) back into the posting address.
func listAddress(id string) string {
	name, host, ok := strings.Cut(id, ".")
	if !ok {
		return ""
	}
	return name + "@" + host
}
