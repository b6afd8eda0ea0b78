package digest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// maxHeaderLine is where header lines fold (RFC 5322 recommends 78 characters).
const maxHeaderLine = 78

// Message renders d as a complete RFC 5322 message: multipart/alternative with the text/plain
// part first and the text/html part second, both UTF-8 and quoted-printable (so no line
// exceeds 76 bytes), and the headers From, To, Subject (RFC 2047 encoded when not ASCII),
// Date, Message-ID (messageID is given without brackets), MIME-Version, Auto-Submitted:
// auto-generated and X-Auto-Response-Suppress: All, which keep vacation responders and
// Exchange from answering a digest. Lines end in CRLF. The boundary is derived from the
// Message-ID, so the same digest renders to the same bytes.
func Message(d Digest, from, to string, messageID string, date time.Time) ([]byte, error) {
	fromAddr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("from address %q: %w", from, err)
	}
	toAddr, err := mail.ParseAddress(to)
	if err != nil {
		return nil, fmt.Errorf("to address %q: %w", to, err)
	}
	id := strings.Trim(strings.TrimSpace(messageID), "<>")
	if !validID(id) {
		return nil, fmt.Errorf("message id %q: want id-left@id-right in printable ASCII without spaces", messageID)
	}
	if date.IsZero() {
		return nil, fmt.Errorf("date is zero")
	}
	boundary := boundaryFor(id)

	var buf bytes.Buffer
	for _, h := range [][2]string{
		{"From", fromAddr.String()},
		{"To", toAddr.String()},
		{"Subject", encodeSubject(clean(d.Subject, 0, 900))},
		{"Date", date.Format(time.RFC1123Z)},
		{"Message-ID", "<" + id + ">"},
		{"MIME-Version", "1.0"},
		{"Auto-Submitted", "auto-generated"},
		{"X-Auto-Response-Suppress", "All"},
		{"Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": boundary})},
	} {
		writeHeader(&buf, h[0], h[1])
	}
	buf.WriteString("\r\n")

	mw := multipart.NewWriter(&buf)
	if err := mw.SetBoundary(boundary); err != nil {
		return nil, fmt.Errorf("boundary: %w", err)
	}
	for _, p := range []struct{ typ, body string }{{"text/plain", d.Text}, {"text/html", d.HTML}} {
		if err := writePart(mw, p.typ, p.body); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("close multipart: %w", err)
	}
	return buf.Bytes(), nil
}

// boundaryFor derives the multipart boundary from the Message-ID. It starts with "=_", which
// quoted-printable output can never contain (an "=" is always followed by hex digits or a
// line break), so no part can collide with it.
func boundaryFor(id string) string {
	sum := sha256.Sum256([]byte("listdigest boundary\x00" + id))
	return "=_ld" + hex.EncodeToString(sum[:12])
}

// writePart writes one UTF-8 quoted-printable body part.
func writePart(mw *multipart.Writer, typ, body string) error {
	h := textproto.MIMEHeader{}
	h.Set("Content-Type", mime.FormatMediaType(typ, map[string]string{"charset": "utf-8"}))
	h.Set("Content-Transfer-Encoding", "quoted-printable")
	w, err := mw.CreatePart(h)
	if err != nil {
		return fmt.Errorf("%s part: %w", typ, err)
	}
	var enc bytes.Buffer
	qp := quotedprintable.NewWriter(&enc)
	if _, err := qp.Write([]byte(body)); err != nil {
		return fmt.Errorf("%s part: %w", typ, err)
	}
	if err := qp.Close(); err != nil {
		return fmt.Errorf("%s part: %w", typ, err)
	}
	// A line starting "From " is mangled to ">From " by mbox stores; "=46" is the same "F".
	out := bytes.ReplaceAll(enc.Bytes(), []byte("\r\nFrom "), []byte("\r\n=46rom "))
	if bytes.HasPrefix(out, []byte("From ")) {
		out = append([]byte("=46"), out[1:]...)
	}
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("%s part: %w", typ, err)
	}
	return nil
}

// writeHeader writes "Name: value" folded at spaces so that lines stay within 78 bytes where
// the value has spaces to fold at (encoded words are split by the encoder, and values here
// are built by this package, so a line never comes near 998).
func writeHeader(buf *bytes.Buffer, name, value string) {
	line := name + ":"
	for i, word := range strings.Split(value, " ") {
		if i > 0 && len(line)+1+len(word) > maxHeaderLine {
			buf.WriteString(line)
			buf.WriteString("\r\n")
			line = ""
		}
		line += " " + word
	}
	buf.WriteString(line)
	buf.WriteString("\r\n")
}

// maxWordText is the encoded text of one RFC 2047 word, sized so that "Subject: " and a word
// of "=?utf-8?q?" + text + "?=" fit in maxHeaderLine, which mime.QEncoding (75-byte words)
// does not guarantee.
const maxWordText = maxHeaderLine - len("Subject: ") - len("=?utf-8?q??=")

// encodeSubject returns s as is when it is printable ASCII, else as RFC 2047 Q-encoded words
// separated by spaces (where writeHeader folds). Words never split a character, and the
// spaces between them are not part of the text, so spaces inside s are encoded as "_".
func encodeSubject(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var words []string
	var w strings.Builder
	for _, r := range s {
		enc := qEncodeRune(r)
		if w.Len()+len(enc) > maxWordText {
			words = append(words, "=?utf-8?q?"+w.String()+"?=")
			w.Reset()
		}
		w.WriteString(enc)
	}
	if w.Len() > 0 {
		words = append(words, "=?utf-8?q?"+w.String()+"?=")
	}
	return strings.Join(words, " ")
}

// qEncodeRune is one character in RFC 2047 Q encoding, restricted to the characters allowed
// in a Subject's encoded words (letters, digits and a few symbols).
func qEncodeRune(r rune) string {
	switch {
	case r == ' ':
		return "_"
	case r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!*+-/", r)):
		return string(r)
	}
	var b strings.Builder
	for _, c := range []byte(string(r)) {
		fmt.Fprintf(&b, "=%02X", c)
	}
	return b.String()
}
