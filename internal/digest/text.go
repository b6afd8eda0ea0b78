package digest

import (
	"strings"
	"unicode/utf8"
)

// textWidth is where plain-text lines wrap. Words and links are never broken: a longer token
// gets a line of its own.
const textWidth = 72

// itemIndent starts the continuation lines of an item, under its subject.
const itemIndent = "    "

// renderText writes the plain-text part: contents, period and noise lines, then numbered
// sections of numbered items separated by blank lines, subject lines as "- " bullets, and
// the count lines. No rules or boxes: a screen reader reads every character.
func renderText(v *view) string {
	var b strings.Builder
	wrap(&b, phrases(v.Contents), "", "")
	for _, l := range []string{v.Period, v.Noise} {
		if l != "" {
			wrap(&b, words(l), "", "")
		}
	}
	for _, s := range v.Sections {
		b.WriteByte('\n')
		wrap(&b, words(heading(s.Number, s.Title)), "", "")
		for _, it := range s.Full {
			b.WriteByte('\n')
			writeFull(&b, it)
		}
		if len(s.Short) > 0 {
			b.WriteByte('\n')
			for _, sv := range s.Short {
				// The author's name stays in one piece: "(Priya" and "Nair)" on two lines
				// read as two things.
				chunks := words(sv.Subject)
				if sv.Author != "" {
					chunks = append(chunks, "("+sv.Author+")")
				}
				wrap(&b, chunks, "- ", "  ")
			}
		}
		if s.More != "" {
			b.WriteByte('\n')
			wrap(&b, words(s.More), "", "")
		}
	}
	if v.Also != "" {
		b.WriteByte('\n')
		wrap(&b, phrases(v.Also), "", "")
	}
	return b.String()
}

// fullText is one item in full as renderText writes it.
func fullText(it itemView) string {
	var b strings.Builder
	writeFull(&b, it)
	return b.String()
}

// writeFull writes one item in full: its number and heading, then one line each for who,
// gist, status and reply link. The link line is not wrapped: "Reply:" alone on a line, away
// from its link, would read worse than a long line.
func writeFull(b *strings.Builder, it itemView) {
	wrap(b, words(it.Head), it.Number+" ", itemIndent)
	if it.Who != "" {
		wrap(b, phrases(it.Who), itemIndent, itemIndent)
	}
	for _, l := range []string{it.Gist, it.Status} {
		if l != "" {
			wrap(b, words(l), itemIndent, itemIndent)
		}
	}
	if it.Reply != "" {
		b.WriteString(itemIndent + "Reply: " + it.Reply + "\n")
	}
	for _, l := range it.Links {
		b.WriteString(itemIndent + l.Text + ": " + l.URL + "\n")
	}
}

// words splits s at spaces: wrapping may break between any two words.
func words(s string) []string {
	return strings.Fields(s)
}

// phrases splits a list ("3 book requests, 2 HITs") after its commas, so that wrapping keeps
// each count with its noun and each name in one piece.
func phrases(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ", ") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p+",")
		}
	}
	if n := len(out); n > 0 {
		out[n-1] = strings.TrimSuffix(out[n-1], ",")
	}
	return out
}

// wrap writes chunks separated by spaces as lines of at most textWidth runes: the first line
// starts with first, the others with indent. It breaks between chunks, and inside a chunk
// only when the chunk is wider than a whole line; it never breaks a word.
func wrap(b *strings.Builder, chunks []string, first, indent string) {
	b.WriteString(first)
	w := lineWriter{b: b, width: utf8.RuneCountInString(first), empty: true, indent: indent}
	for _, c := range chunks {
		if !w.fits(c) && !w.empty {
			w.newline()
		}
		if w.fits(c) || !strings.Contains(c, " ") {
			w.add(c)
			continue
		}
		for word := range strings.FieldsSeq(c) {
			if !w.fits(word) && !w.empty {
				w.newline()
			}
			w.add(word)
		}
	}
	b.WriteByte('\n')
}

// lineWriter writes words to b, keeping the width of the current line.
type lineWriter struct {
	b      *strings.Builder
	width  int
	empty  bool // nothing but the prefix on the line yet
	indent string
}

func (w *lineWriter) fits(s string) bool {
	sep := 1
	if w.empty {
		sep = 0
	}
	return w.width+sep+utf8.RuneCountInString(s) <= textWidth
}

func (w *lineWriter) add(s string) {
	if !w.empty {
		w.b.WriteByte(' ')
		w.width++
	}
	w.b.WriteString(s)
	w.width += utf8.RuneCountInString(s)
	w.empty = false
}

func (w *lineWriter) newline() {
	w.b.WriteByte('\n')
	w.b.WriteString(w.indent)
	w.width, w.empty = utf8.RuneCountInString(w.indent), true
}
