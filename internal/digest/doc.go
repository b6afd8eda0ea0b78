// Package digest composes one reader's daily digest of list threads under a word budget and
// renders it as plain text, HTML and a complete MIME message. It is pure: no I/O, no clock
// (the period comes from Input, the Date header from the caller), no globals that change.
//
// # Composition
//
// Threads are grouped into sections in priority order:
//
//  1. Follow-ups: threads the reader flagged that have new activity, whatever their category.
//  2. Requests: book, video and help requests (TARGETs); unanswered before answered, and an
//     answered one says "Answered: HIT posted".
//  3. HITs, each naming the request it answers.
//  4. Sharing, 5. Events, 6. Jobs, 7. Classifieds, then any category the reader's taxonomy
//     added (by slug), and last List admin.
//
// Within a section the most recently active thread comes first, ties broken by thread id.
// Noise items are ignored; Input.Noise only gives one "Not shown" line. Items with the same
// ThreadID, or the same opening Message-ID (a cross-post stored twice), are one thread whose
// Lists are merged, so a cross-post appears once and names every list.
//
// Each thread is shown at one of three levels: in full (subject, who and from where, the gist
// in the poster's words, replies, answered/answers, lists when the digest covers several,
// and a reply link), as a subject-only line ("- Free shelving to a good home (Cat Lister)"),
// or counted ("+6 more in Sharing", or "Also: 3 events, 2 jobs." for sections with nothing
// listed). The levels are a prefix order over the whole digest: threads [0,F) are full,
// [F,F+S) short, the rest counted. When everything does not fit in full, the planner takes
// the most full threads that still let every other thread have a subject line; if that leaves
// the full threads less than half the budget, it gives them half the budget instead and lists
// as many subject lines as then fit, counting the rest. Only when even a digest of counts
// does not fit does the header shrink (the noise line, the "Also" line, the period line, then
// the contents line down to a total).
//
// # Invariants
//
//   - CountWords(Digest.Text) == Digest.Words <= the budget (Reader.BudgetWords, or
//     DefaultBudgetWords when not positive), for any input.
//   - Full+Short+Counted is the number of distinct non-noise threads: none is silently
//     dropped, and the contents line counts all of them.
//   - A higher-priority thread is never shortened while a lower-priority one is in full, and
//     never counted while a lower-priority one has a subject line.
//   - The same Input gives byte-identical output, whatever the order of Input.Items.
//   - Every piece of mail-derived text is cleaned (control and bidi-override characters
//     removed, whitespace folded, length capped) before it is shown, isolated with Unicode
//     FSI/PDI when it holds right-to-left script, and escaped by html/template in the HTML.
//   - Text lines wrap at 72 columns without breaking any word or link; the plain text has no
//     separators or ASCII art, so a screen reader hears contents first, then numbered sections
//     and numbered items.
//   - Message output uses CRLF line endings, lines of at most 78 bytes where the header allows
//     it and never more than 998, and quoted-printable bodies.
package digest
