// Package categorize files list threads under a small taxonomy of the kinds of post
// school librarians read: book, video and help requests, HITs, sharing, events, jobs,
// classifieds, list administration, and noise that is kept out of digests.
//
// # Layers
//
// A thread's opening message is categorised by four layers in order; the first that
// decides wins, and the Result names the layer and the reason:
//
//  1. header: a machine wrote it. Auto-Submitted (anything but "no"), X-Autoreply,
//     Precedence auto_reply (never "list" or "bulk", which all list mail carries), report
//     media types (bounces, read receipts), auto-reply and bounce subjects in several
//     languages, bodies that are only a list command ("unsubscribe", "SIGNOFF LM_NET"),
//     and openings that read as an out-of-office in the first person. → noise.
//  2. keyword: the list keyword after reply prefixes, list tags and level prefixes
//     ("Re: [aisle] TARGET: x", "HIT-> x", "ELEM : TARGET - x"), matched against the
//     taxonomy's keywords. A keyword held by one category decides it (HIT, GEN, TECH,
//     JOBS, CLASS, INTRO); one held by several (TARGET: book, video or help request)
//     narrows the classifier to them.
//  3. rule: the reader's configured rules (field + regular expression → category), in
//     configuration order, named by their configuration key.
//  4. classifier: multinomial naive Bayes over the words of the subject (without prefixes
//     and keyword) and the first 300 words of the text, stop words removed, each term
//     counted once per message, plus four cue terms (question mark, price, time of day,
//     short text); Laplace smoothing. It is trained on the embedded seed set (seed/*.jsonl)
//     and the reader's corrections, a correction weighing as much as five seed examples.
//     The explanation is the message's terms with the largest log-likelihood ratio for
//     the chosen category against the runner-up.
//
// Noise applies the deterministic layers (header, keyword, rule) to any message, so that
// a reply that is an auto-reply or an "unsubscribe" stays out of digests even inside a
// thread that belongs in them. It never consults the classifier, which knows opening
// posts, not two-line replies.
//
// # Evaluation
//
// testdata/heldout.jsonl is an evaluation set written separately from the seed set and
// never trained on; TestEvaluate reports accuracy, macro-F1, per-category precision and
// recall and the confusions, for the full pipeline and for the classifier alone. The
// classifier's settings were chosen by cross-validation on the seed set only
// (TestSeedCrossValidation, and the table on params).
//
// # Invariants
//
//   - The same taxonomy, rules, corrections and input give the same Result, words and
//     confidence included: nothing depends on map order or time.
//   - A Categorizer is safe for concurrent use and its decisions never change; New
//     builds a new one, in milliseconds, when anything changes.
//   - Every Result names a category of the taxonomy, a layer and a reason.
//   - Categorising reads a bounded prefix of the text (300 words for the classifier,
//     80 for the auto-reply check, 2,000 bytes for cues), so a huge message costs no more
//     than a long one.
//   - Slugs are stable; the taxonomy can rename categories, change their keywords and
//     add categories, never remove them, and "noise" always stays out of digests.
package categorize
