// Package thread decides which conversation each list message belongs to, and links HIT
// posts to the TARGET requests they answer. It is pure: no I/O, no clock, no globals. The store
// calls Place for each arriving message with an Index backed by SQL and applies the Decision;
// MemIndex and Group do the same in memory for evaluation and benchmarks.
//
// # Placing a message
//
// Place is incremental: it asks the Index a bounded number of indexed questions about one
// message and never rethreads. The first rule that finds a thread decides:
//
//  1. Headers (JWZ grouping, notmuch ghosts). The message joins the threads of the messages it
//     cites (In-Reply-To, then References newest first), of messages that cite it (replies that
//     arrived first), and of messages sharing a reference whose target was never seen
//     (siblings under a ghost parent). Several threads found are all listed: the message
//     bridges them and they merge. A copy of a message already stored (a cross-post kept once,
//     a re-delivery) goes where the first copy went ("duplicate").
//     Exceptions: a list digest is no one's parent, and a reference shared with a reply to a
//     digest links nothing, because everyone answering that digest cites its id. A reply to a
//     digest looks up no siblings at all. A reply found in a thread that opened more than 12
//     hours before the message it answers was put there by a guess (a header-less reply placed
//     by subject before its parent arrived) and is not followed: that would merge two
//     conversations.
//  2. Gap rule. People answer an old post to start a new topic, so a thread reached only through
//     messages more than 30 days older than the message, under a clearly different normalised
//     subject (topic-word similarity below 0.45, see sameTopic), is refused. If nothing else
//     places the message, it starts a thread ("new-after-gap"); later replies citing both the old
//     post and the new one stay with the new one, because the old link is refused again.
//  3. Outlook conversation. A message no header placed joins the threads holding its
//     conversation (ConversationKey of Thread-Index: the 22-byte header block every reply keeps)
//     when they were active within 90 days and, if the message has a Thread-Topic, it agrees with
//     the thread's or the matched message's normalised subject.
//  4. Replies to digests ("Re: LM_NET Digest - 3 Mar 2026 (#2026-62)", "Re: OZTL_NET Digest, Vol
//     123, Issue 4", "Re: [aisle] aisle Digest, Vol 5, Issue 12", Google Groups and groups.io
//     digests): if the text quotes exactly one item "Subject:" line, the most recent thread with
//     that subject in the last 14 days; otherwise the longest distinctive quoted line (at least 30
//     characters and 6 words, not a header, footer or link), searched in the last 14 days, when
//     it points at exactly one thread (not counting other digest replies that quote it too).
//     Quoting several item subjects, or only boilerplate, leaves the reply on its own: guessing
//     would merge conversations. Digest replies are never grouped by their subject.
//  5. Subject fallback, only for a message no header placed: a subject with a reply prefix joins
//     the most recently active thread with a message of the same normalised subject on one of the
//     message's lists, dated within the last 30 days (up to 12 hours after the message, for
//     wrong clocks). The subject must be one the thread opened with or was renamed to ("New
//     (was: Old)"): a reply that only shortened its subject does not make its thread a home for
//     every conversation with the shorter subject. A subject without a reply prefix always
//     starts a new thread, so recurring subjects ("Booklist request", "TARGET-> Year 5 books on
//     resilience") never fuse. Generic subjects ("Re: your mail", "(no subject)", "unsubscribe",
//     "Thanks") are never grouped by subject. Subject rules only join one existing thread; they
//     never merge two.
//  6. Otherwise the message starts a thread ("new"), with a Reason saying why nothing matched.
//
// Every Decision carries a Reason a person can read: which header and id, which conversation,
// which subject on which list and how long ago, which quoted line.
//
// # Subjects
//
// NormalizeSubject strips reply and forward prefixes in many languages and stacked ("Re:",
// "RE:", "AW:", "SV:", "R:", "Antw:", "Odp:", "TR:", "WG:", "Fwd:", "FW:", "VS:", "RIF:",
// "Ynt:", "回复：", "答复:", "转发:", "Re[2]:", "Re:x"), out-of-office markers ("Automatic reply:"),
// list tags wherever they stand ("[aisle]", "[OZTL_NET]", "[ISLMA-Share]": one bracketed word
// with a letter), "[Fwd: x]" and "x (fwd)" wrappers, and "(was: old subject)"; it writes the
// list keyword one way ("TARGET-> x", "Target - x" and "TARGET: x" become "target: x"), folds
// case and white space and drops trailing punctuation. IsReply reports a reply prefix anywhere in
// the stack; forward prefixes alone are not replies (a forward to a list starts a conversation).
// Keyword reads the LM_NET/OZTL_NET keyword after tags and prefixes and requires a separator
// ("->", "-->", ">", "=>", ":", "-"), so "High school reading" has none.
//
// # HIT linking
//
// A HIT is posted as a new message. LinkHit scores candidate TARGET threads from the same list
// opened within 90 days before it: topic-word similarity of the subjects after the keyword
// (mean of Jaccard and containment; stop words, politeness, "compiled list", month names and
// years ignored, plural "s" folded; disjoint numbers such as "Year 5" and "Year 7" disqualify),
// plus a bonus when the asker posts the HIT; ties go to the nearer TARGET.
//
// # Invariants
//
//   - Place reads only through Index and costs a bounded number of lookups: at most 65 ids per
//     ByMessageIDs (In-Reply-To and the 64 newest references), 1 + 8 ByReference calls, one
//     ByConversation, one BySubject, and up to 3 ByQuotedText calls for digest replies.
//   - A message never links to itself; reference loops (A cites B, B cites A) cannot loop,
//     since Place only looks threads up and never walks a tree.
//   - Decision.Threads is sorted and without duplicates; empty means a new thread.
//   - Everything is deterministic: ties are broken by date, then thread number.
//
// # Known limits
//
// A header-less reply whose subject the replier edited ("Re: Year 5 resilience") stays apart.
// A header-less reply dated before its opening post (a wrong clock) finds nothing when placed
// before it, as Group does by sorting on Date; in arrival order (the store) it is found. A
// reply to a digest that quotes the whole digest is left on its own.
package thread
