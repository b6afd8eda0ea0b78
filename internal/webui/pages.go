package webui

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"listdigest/internal/categorize"
	"listdigest/internal/digest"
	"listdigest/internal/dispatch"
	"listdigest/internal/mailparse"
	"listdigest/internal/store"
	"listdigest/internal/thread"
)

var funcs = template.FuncMap{
	"size": humanSize,
	// sameSubject: a reply's "Re: [list] Subject" needs no repeating under the thread's own.
	"sameSubject": func(a, b string) bool { return thread.NormalizeSubject(a) == thread.NormalizeSubject(b) },
	"snippet": func(s string) template.HTML {
		e := template.HTMLEscapeString(s)
		e = strings.ReplaceAll(e, store.MatchStart, "<mark>")
		return template.HTML(strings.ReplaceAll(e, store.MatchEnd, "</mark>"))
	},
}

// loc is the reader's time zone.
func (v *view) loc() *time.Location {
	if l := v.Reader.Recipient.Location; l != nil {
		return l
	}
	return time.Local
}

// When formats a time in the reader's zone: "Thu 19 Nov 14:05".
func (v *view) When(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.In(v.loc()).Format("Mon 2 Jan 2006 15:04")
}

// Day formats a date in the reader's zone: "Thu 19 Nov".
func (v *view) Day(t time.Time) string { return t.In(v.loc()).Format("Mon 2 Jan 2006") }

// ISO is the machine-readable form for <time datetime>.
func (v *view) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// visible reports whether the reader may see mail seen in these mailboxes: a reader limited to
// some mailboxes (one daemon serving several schools) sees only theirs.
func (v *view) visible(sources []string) bool {
	mine := v.Reader.Recipient.Mailboxes
	if len(mine) == 0 {
		return true
	}
	return slices.ContainsFunc(sources, func(s string) bool { return slices.Contains(mine, s) })
}

type dayGroup struct {
	Name  string
	Items []dayItem
}

type dayItem struct {
	digest.Item
	Unread bool
}

type dayData struct {
	Date             time.Time
	Prev, Next, ISO  string
	IsToday          bool
	Groups           []dayGroup
	Threads, Noise   int
	Unread           int
	ReturnPath, CSRF string
}

// day shows the threads active on one day of the reader's calendar, grouped by category in
// taxonomy order: what the digest would show, without the word budget.
func (h *Handler) day(w http.ResponseWriter, r *http.Request, v *view) {
	loc := v.loc()
	today := h.o.Now().In(loc)
	start := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	if s := r.PathValue("date"); s != "" {
		d, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil {
			h.errorPage(w, r, v, http.StatusNotFound, fmt.Sprintf("%q is not a date.", s), "Days are written like 2026-11-19.")
			return
		}
		start = d
	}
	end := start.AddDate(0, 0, 1)
	in, err := dispatch.Assemble(r.Context(), h.o.Store, v.Reader.Recipient, store.DigestQuery{From: start, To: end, ByDate: true})
	if err != nil {
		h.internalError(w, r, v, err)
		return
	}
	keys := make([]string, len(in.Items))
	for i, it := range in.Items {
		keys[i] = it.ThreadID
	}
	read, err := h.o.Store.ReadUpto(r.Context(), v.Reader.Recipient.Address, keys)
	if err != nil {
		h.internalError(w, r, v, err)
		return
	}
	d := dayData{Date: start, ISO: start.Format("2006-01-02"), Prev: start.AddDate(0, 0, -1).Format("2006-01-02"),
		IsToday: start.Equal(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)), Noise: in.Noise}
	if !d.IsToday {
		d.Next = start.AddDate(0, 0, 1).Format("2006-01-02")
	}
	seen := map[string]bool{}
	for _, c := range h.o.Store.Taxonomy().Categories {
		g := dayGroup{Name: c.Name}
		for _, it := range in.Items {
			if it.Category != c.Slug || seen[it.ThreadID] {
				continue // a cross-post comes once per list: one row is enough
			}
			seen[it.ThreadID] = true
			unread := it.LastAt.After(read[it.ThreadID])
			if unread {
				d.Unread++
			}
			g.Items = append(g.Items, dayItem{Item: it, Unread: unread})
		}
		if len(g.Items) > 0 {
			d.Threads += len(g.Items)
			d.Groups = append(d.Groups, g)
		}
	}
	v.Title, v.Nav, v.Data = v.Day(start), "day", d
	h.render(w, http.StatusOK, "day", v)
}

// pickDay answers the date picker's form (GET /day?date=...), which cannot build a path.
func (h *Handler) pickDay(w http.ResponseWriter, r *http.Request, v *view) {
	d, err := time.Parse("2006-01-02", r.URL.Query().Get("date"))
	if err != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/day/"+d.Format("2006-01-02"), http.StatusSeeOther)
}

type shownMessage struct {
	store.StoredMessage
	Body        messageBody
	Attachments []attachment
}

type threadData struct {
	store.ThreadDetail
	Messages     []shownMessage
	CategoryName string
	Categories   []categorize.Category
	Unread       bool
	// RemindChoices are the reminder dates offered, in the reader's calendar.
	RemindChoices []remindChoice
}

type remindChoice struct {
	Label, Date string
}

func (h *Handler) thread(w http.ResponseWriter, r *http.Request, v *view) {
	d, ok := h.loadThread(w, r, v)
	if !ok {
		return
	}
	td := threadData{ThreadDetail: d, Unread: d.Unread(), Categories: h.o.Store.Taxonomy().Categories}
	if c, ok := h.o.Store.Taxonomy().Category(d.Category); ok {
		td.CategoryName = c.Name
	}
	for _, m := range d.Messages {
		var raw []byte
		if m.TextSource == "text/html" {
			var err error
			if raw, err = h.o.Store.Raw(r.Context(), m.ID); err != nil {
				h.o.Log.Warn("read stored message", "message_id", m.MessageID, "error", err)
			}
		}
		td.Messages = append(td.Messages, shownMessage{StoredMessage: m, Body: bodyOf(m.Text, m.TextSource, raw), Attachments: attachmentsOf(m.Parts)})
	}
	today := h.o.Now().In(v.loc())
	for _, c := range []struct {
		label string
		days  int
	}{{"Tomorrow", 1}, {"In 3 days", 3}, {"In a week", 7}, {"In a month", 30}} {
		td.RemindChoices = append(td.RemindChoices, remindChoice{c.label, today.AddDate(0, 0, c.days).Format("2006-01-02")})
	}
	v.Title, v.Nav, v.Data = d.Subject, "thread", td
	h.render(w, http.StatusOK, "thread", v)
}

// loadThread reads the thread of the request, or writes the error page.
func (h *Handler) loadThread(w http.ResponseWriter, r *http.Request, v *view) (store.ThreadDetail, bool) {
	d, err := h.o.Store.ThreadDetail(r.Context(), v.Reader.Recipient.Address, r.PathValue("key"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && !v.visible(d.Sources())) {
		h.errorPage(w, r, v, http.StatusNotFound, "No such thread.", "It may have been merged into another: search for its subject.")
		return d, false
	}
	if err != nil {
		h.internalError(w, r, v, err)
		return d, false
	}
	return d, true
}

type flaggedData struct {
	All   bool
	Flags []store.FlagView
}

func (h *Handler) flagged(w http.ResponseWriter, r *http.Request, v *view) {
	all := r.URL.Query().Get("all") == "1"
	fs, err := h.o.Store.Flags(r.Context(), v.Reader.Recipient.Address, all)
	if err != nil {
		h.internalError(w, r, v, err)
		return
	}
	v.Title, v.Nav, v.Data = "Flagged", "flagged", flaggedData{All: all, Flags: fs}
	h.render(w, http.StatusOK, "flagged", v)
}

func (h *Handler) digests(w http.ResponseWriter, r *http.Request, v *view) {
	ds, err := h.o.Store.Digests(r.Context(), v.Reader.Recipient.Address, 200)
	if err != nil {
		h.internalError(w, r, v, err)
		return
	}
	v.Title, v.Nav, v.Data = "Digests", "digests", ds
	h.render(w, http.StatusOK, "digests", v)
}

type digestData struct {
	store.DigestRecord
	Kept bool
	Text string
}

// loadDigest reads the digest of the request if it is the reader's, or writes the error page.
func (h *Handler) loadDigest(w http.ResponseWriter, r *http.Request, v *view) (store.DigestRecord, []byte, bool) {
	id, perr := strconv.ParseInt(r.PathValue("id"), 10, 64)
	rec, err := h.o.Store.Digest(r.Context(), id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.internalError(w, r, v, err)
		return rec, nil, false
	}
	if perr != nil || err != nil || !strings.EqualFold(rec.Recipient, v.Reader.Recipient.Address) {
		h.errorPage(w, r, v, http.StatusNotFound, "No such digest.", "The digest archive lists yours.")
		return rec, nil, false
	}
	body, err := h.o.Store.DigestBody(r.Context(), rec.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.internalError(w, r, v, err)
		return rec, nil, false
	}
	return rec, body, true
}

func (h *Handler) digest(w http.ResponseWriter, r *http.Request, v *view) {
	rec, body, ok := h.loadDigest(w, r, v)
	if !ok {
		return
	}
	d := digestData{DigestRecord: rec, Kept: body != nil}
	if body != nil {
		d.Text, _ = mailparse.FirstPart(body, "text/plain", maxHTMLPart)
	}
	v.Title, v.Nav, v.Data = "Digest of "+v.Day(rec.Slot), "digests", d
	h.render(w, http.StatusOK, "digest", v)
}

// digestHTML serves the HTML part of a sent digest, for the frame on the digest page. The
// digest is our own rendering, with every string from mail escaped, but it is still treated
// as untrusted: a sandboxed document with no scripts, forms or remote loads.
func (h *Handler) digestHTML(w http.ResponseWriter, r *http.Request, v *view) {
	_, body, ok := h.loadDigest(w, r, v)
	if !ok {
		return
	}
	html, err := mailparse.FirstPart(body, "text/html", maxHTMLPart)
	if err != nil || body == nil {
		h.errorPage(w, r, v, http.StatusNotFound, "No HTML copy of this digest was kept.", "")
		return
	}
	hd := w.Header()
	hd.Set("Content-Security-Policy", "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'")
	hd.Set("X-Frame-Options", "SAMEORIGIN")
	hd.Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, html)
}

type searchData struct {
	Query string
	Hits  []store.SearchHit
	Total int
	Limit int
}

const searchLimit = 100

func (h *Handler) search(w http.ResponseWriter, r *http.Request, v *view) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	d := searchData{Query: q, Limit: searchLimit}
	if q != "" {
		var err error
		d.Hits, d.Total, err = h.o.Store.Search(r.Context(), q, store.SearchOptions{Sources: v.Reader.Recipient.Mailboxes, Limit: searchLimit})
		if err != nil {
			h.internalError(w, r, v, err)
			return
		}
	}
	v.Title, v.Nav, v.Data = "Search", "search", d
	if q != "" {
		v.Title = "Search: " + q
	}
	h.render(w, http.StatusOK, "search", v)
}

type mailboxStatus struct {
	Name     string
	Folders  []store.FolderState
	Disabled bool
	Reason   string
}

type statusData struct {
	Counts    store.Counts
	Mailboxes []mailboxStatus
	Digests   []store.DigestRecord
}

func (h *Handler) status(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	c, err := h.o.Store.Count(ctx)
	if err != nil {
		h.internalError(w, r, v, err)
		return
	}
	states, err := h.o.Store.SyncStates(ctx)
	if err != nil {
		h.internalError(w, r, v, err)
		return
	}
	d := statusData{Counts: c}
	names := slices.Clone(h.o.Mailboxes)
	for _, s := range states {
		if !slices.Contains(names, s.Mailbox) {
			names = append(names, s.Mailbox) // synced before, no longer configured
		}
	}
	for _, n := range names {
		if !v.visible([]string{n}) {
			continue
		}
		m := mailboxStatus{Name: n}
		for _, s := range states {
			if s.Mailbox == n {
				m.Folders = append(m.Folders, s)
				m.Disabled, m.Reason = s.Disabled, s.Reason
			}
		}
		d.Mailboxes = append(d.Mailboxes, m)
	}
	if d.Digests, err = h.o.Store.Digests(ctx, v.Reader.Recipient.Address, 5); err != nil {
		h.internalError(w, r, v, err)
		return
	}
	v.Title, v.Nav, v.Data = "Status", "status", d
	h.render(w, http.StatusOK, "status", v)
}
