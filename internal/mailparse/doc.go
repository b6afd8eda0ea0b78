// Package mailparse turns one raw list message into a Message: ids for threading,
// the author as readers know them, the list it came through, a sane date, and the
// readable text with the list footer split off.
//
// # Design
//
// Mail from school-library lists is old, broken and sometimes hostile, and one bad
// message must never stop ingest. So Parse salvages rather than rejects: every
// problem becomes a Note and an error (classified by the Err* sentinels), and the
// Message is always usable.
//
// Header blocks are split off by this package (splitHeader), tolerating a leading
// mbox "From " line, orphan continuation lines and a missing blank line, and are
// then parsed by go-message (message.Read for the message header, its textproto
// reader for part headers), which therefore never sees a header it would reject.
// Header values are decoded here: RFC 2047 words with adjacent same-charset words
// joined before decoding (mailers split multi-byte characters across words), raw
// 8-bit bytes read in the body's charset or as windows-1252.
//
// The MIME tree is walked over the raw bytes held in memory: parts are sub-slices,
// nothing is copied, and only the text parts that are needed are decoded. Transfer
// encodings are decoded leniently here, and charsets are resolved as go-message's
// charset package does plus aliases (ks_c_5601-1987, cp932, UTF-7, ...), with
// ISO-8859-1 read as windows-1252 as browsers do. go-message's own body readers are
// not used because they stop at the first flaw: a quoted-printable line over 4 KB
// or a control byte loses the rest of the part, and mail.Reader.NextPart returns a
// nil part for an unknown transfer encoding, as mail.CreateReader returns a nil
// reader for one at the top level.
//
// The readable text is the first inline text part in reading order, where
// multipart/alternative offers its text/plain before its HTML, skipping empty parts
// and parts that are only a list footer (Mailman adds its footer as a separate
// text/plain part beside HTML bodies; those go to Footer). HTML is converted with
// html2text. Text inside forwarded messages (message/rfc822) and digest items is
// used only when the message has no text of its own.
//
// # Invariants
//
//   - Parse never panics (a recover turns a bug into ErrPanic) and returns a
//     non-nil Message with a non-empty MessageID.
//   - Every string in a Message is valid UTF-8; header strings hold no control
//     characters.
//   - The same bytes give the same Message. A synthetic MessageID hashes only Date,
//     From, Subject, To and the body, so a re-delivered copy gets the same id.
//   - Work and memory are bounded beyond the raw bytes themselves: header blocks
//     (1 MB, 5000 fields), nesting (50), parts (1000), decoded text (2 MB), notes.
//   - Date is UTC; DateSource says whether it came from the Date header, a Received
//     header or the arrival time.
package mailparse
