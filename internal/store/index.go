package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"listdigest/internal/thread"
)

// maxCandidates bounds every index lookup: placing one message must cost the same whatever
// the size of the mailbox.
const maxCandidates = 50

// txIndex answers threading lookups inside the writer's transaction. The message being
// placed is already stored but has no thread yet, so "thread_id IS NOT NULL" excludes it.
type txIndex struct {
	ctx context.Context
	w   *writer
}

const candidateCols = `t.id, t.norm_subject, t.first_at, t.last_at, m.message_id, m.date, m.subject`

// candidates runs a lookup. perThread keeps the first row of each thread (the query's order
// says which); without it every matching message is a candidate. Lists are read once per thread.
func (x *txIndex) candidates(perThread bool, q string, args ...any) ([]thread.Candidate, error) {
	rows, err := x.w.query(x.ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []thread.Candidate
	seen := map[int64]bool{}
	for rows.Next() {
		var c thread.Candidate
		var first, last, date int64
		if err := rows.Scan(&c.Thread, &c.Subject, &first, &last, &c.MessageID, &date, &c.MessageSubject); err != nil {
			rows.Close()
			return nil, err
		}
		if perThread && seen[c.Thread] {
			continue
		}
		seen[c.Thread] = true
		c.FirstAt, c.LastAt, c.MessageDate = unix(first), unix(last), unix(date)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	lists := map[int64][]string{}
	for i := range out {
		l, ok := lists[out[i].Thread]
		if !ok {
			if l, err = x.w.threadLists(x.ctx, out[i].Thread); err != nil {
				return nil, err
			}
			lists[out[i].Thread] = l
		}
		out[i].Lists = l
	}
	return out, nil
}

func unix(s int64) time.Time { return time.Unix(s, 0).UTC() }

func idArgs(ids []string) []any {
	if len(ids) > maxRefs {
		ids = ids[len(ids)-maxRefs:]
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

func (x *txIndex) ByMessageIDs(ids []string) ([]thread.Candidate, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := idArgs(ids)
	return x.candidates(false, `SELECT `+candidateCols+` FROM messages m JOIN threads t ON t.id = m.thread_id
		WHERE m.message_id IN (`+placeholders(len(args))+`) LIMIT `+itoa(maxCandidates), args...)
}

func (x *txIndex) ByReference(ids []string) ([]thread.Candidate, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := idArgs(ids)
	return x.candidates(true, `SELECT `+candidateCols+` FROM message_refs r JOIN messages m ON m.id = r.message_id
		JOIN threads t ON t.id = m.thread_id
		WHERE r.ref IN (`+placeholders(len(args))+`) LIMIT `+itoa(maxCandidates), args...)
}

func (x *txIndex) ByConversation(key string) ([]thread.Candidate, error) {
	if key == "" {
		return nil, nil
	}
	return x.candidates(true, `SELECT `+candidateCols+` FROM messages m JOIN threads t ON t.id = m.thread_id
		WHERE m.conv_key = ? ORDER BY m.date DESC LIMIT `+itoa(maxCandidates), key)
}

func (x *txIndex) BySubject(subject string, lists []string, since, until time.Time) ([]thread.Candidate, error) {
	if subject == "" {
		return nil, nil
	}
	cs, err := x.candidates(true, `SELECT `+candidateCols+` FROM messages m JOIN threads t ON t.id = m.thread_id
		WHERE m.norm_subject = ? AND m.date BETWEEN ? AND ?
		ORDER BY m.date DESC LIMIT `+itoa(maxCandidates), subject, since.Unix(), until.Unix())
	return onLists(cs, lists), err
}

func (x *txIndex) ByQuotedText(line string, lists []string, since, until time.Time) ([]thread.Candidate, error) {
	line = strings.ToLower(strings.Join(strings.Fields(line), " "))
	if line == "" {
		return nil, nil
	}
	// Case and line breaks are folded on both sides; runs of spaces inside the stored text
	// are not, which costs a miss now and then but keeps this a plain scan of a date range.
	cs, err := x.candidates(true, `SELECT `+candidateCols+` FROM messages m JOIN threads t ON t.id = m.thread_id
		WHERE m.date BETWEEN ? AND ?
			AND instr(replace(replace(lower(m.body_text), char(13), ''), char(10), ' '), ?) > 0
		ORDER BY m.date LIMIT `+itoa(maxCandidates), since.Unix(), until.Unix(), line)
	return onLists(cs, lists), err
}

// onLists keeps candidates that share a list with lists (all of them when lists is empty).
func onLists(cs []thread.Candidate, lists []string) []thread.Candidate {
	if len(lists) == 0 {
		return cs
	}
	var out []thread.Candidate
	for _, c := range cs {
		if slices.ContainsFunc(c.Lists, func(l string) bool { return slices.Contains(lists, l) }) {
			out = append(out, c)
		}
	}
	return out
}

// threadLists returns the list identities a thread's messages were seen on.
func (w *writer) threadLists(ctx context.Context, tid int64) ([]string, error) {
	rows, err := w.query(ctx, `SELECT DISTINCT l.list_id FROM messages m JOIN locations l ON l.message_id = m.id
		WHERE m.thread_id = ? AND l.list_id != '' LIMIT 20`, tid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var lists []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, err
		}
		lists = append(lists, l)
	}
	return lists, rows.Err()
}
