package store

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"

	"listdigest/internal/categorize"
	"listdigest/internal/mailparse"
	"listdigest/internal/thread"
)

// Location is one place a copy of a message was seen.
type Location struct {
	// Source is the configured mailbox name, or "import" for archives.
	Source      string
	Folder      string
	UIDValidity uint32
	UID         uint32
	// Path is the archive location for imports ("file.mbox#12"); empty for IMAP.
	Path string
}

// Incoming is one arrived message ready to be stored.
type Incoming struct {
	// Msg is the parsed form; never nil, even when parsing failed (it then holds what was salvaged).
	Msg *mailparse.Message
	// Raw is the message exactly as received.
	Raw []byte
	// Packed is Raw compressed by Pack; computed by AddMessages when nil.
	Packed []byte
	// ParseErr is why parsing failed or was partial; the message is stored all the same.
	ParseErr error
	Loc      Location
	// Arrival is when this copy reached us (IMAP INTERNALDATE, mbox From_ line, file mtime).
	Arrival time.Time

	// understood holds what Understand computed ahead of the writer, or nil.
	understood *understanding
}

// understanding is what categorising says about a message on its own: its category were it
// to open a thread, and whether it is noise. It needs no database, so ingest computes it on
// its parallel workers and the single writer only looks it up.
type understanding struct {
	category categorize.Result
	noise    bool
	why      string
}

// Understand categorises a message ahead of AddMessages, off the writer's path. Calling it is
// optional: AddMessages computes whatever is missing.
func (s *Store) Understand(in *Incoming) {
	if in.Msg == nil {
		return
	}
	c, err := s.categorizer(context.Background())
	if err != nil {
		return // AddMessages reports it
	}
	p := placingOf(0, in)
	u := &understanding{category: c.Categorize(p.in)}
	u.noise, u.why = c.Noise(p.in)
	in.understood = u
}

// Checkpoint is how far a folder has been synchronised.
type Checkpoint struct {
	Mailbox     string
	Folder      string
	UIDValidity uint32
	LastUID     uint32
}

// AddResult counts what AddMessages did.
type AddResult struct {
	Added      int // new messages
	Duplicates int // copies of messages already stored (a location was recorded)
	Errors     int // new messages stored with a parse error
}

// zstd at its fastest level compresses list mail to about a quarter at several hundred MB/s
// per core, where stdlib deflate managed a third at about 100 MB/s and was the largest single
// cost of ingest. EncodeAll and DecodeAll are safe for concurrent use.
var (
	zenc, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	zdec, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<30))
)

// Pack compresses raw message bytes for storage.
func Pack(raw []byte) ([]byte, error) {
	return zenc.EncodeAll(raw, make([]byte, 0, len(raw)/3+64)), nil
}

func unpack(compression string, data []byte) ([]byte, error) {
	switch compression {
	case "none":
		return data, nil
	case "zstd":
		return zdec.DecodeAll(data, nil)
	case "deflate":
		return io.ReadAll(flate.NewReader(bytes.NewReader(data)))
	default:
		return nil, fmt.Errorf("unknown compression %q", compression)
	}
}

// AddMessages stores a batch of messages and, when cp is not nil, the folder checkpoint that
// covers them, in one transaction: either all of it lands or none of it.
func (s *Store) AddMessages(ctx context.Context, batch []Incoming, cp *Checkpoint) (AddResult, error) {
	var res AddResult
	for i := range batch {
		if batch[i].Packed == nil {
			p, err := Pack(batch[i].Raw)
			if err != nil {
				return res, fmt.Errorf("compress message: %w", err)
			}
			batch[i].Packed = p
		}
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout+time.Duration(len(batch))*50*time.Millisecond)
	defer cancel()
	cat, err := s.categorizer(ctx) // before the transaction: training reads the database
	if err != nil {
		return res, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	w := &writer{tx: tx, now: s.Now().UTC().Unix(), cat: cat}
	for i := range batch {
		added, err := w.add(ctx, &batch[i])
		if err != nil {
			return res, fmt.Errorf("store message %s: %w", batch[i].Msg.MessageID, err)
		}
		switch {
		case !added:
			res.Duplicates++
		case batch[i].ParseErr != nil:
			res.Added++
			res.Errors++
		default:
			res.Added++
		}
	}
	if cp != nil {
		if err := putCheckpoint(ctx, tx, *cp, w.now); err != nil {
			return res, err
		}
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("commit: %w", err)
	}
	return res, nil
}

// writer holds one transaction's state while adding messages.
type writer struct {
	tx    *sql.Tx
	now   int64
	cat   *categorize.Categorizer
	stmts map[string]*sql.Stmt
}

// stmt prepares q once per transaction: a batch runs the same few statements hundreds of
// times, and preparing each time was a tenth of ingest's CPU. The transaction closes them.
func (w *writer) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := w.stmts[q]; ok {
		return st, nil
	}
	st, err := w.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if w.stmts == nil {
		w.stmts = map[string]*sql.Stmt{}
	}
	w.stmts[q] = st
	return st, nil
}

func (w *writer) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := w.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (w *writer) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := w.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// queryRow runs a single-row query; errors surface from Scan, as with sql.Row.
func (w *writer) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := w.stmt(ctx, q)
	if err != nil {
		return w.tx.QueryRowContext(ctx, q, args...) // reports the same error from Scan
	}
	return st.QueryRowContext(ctx, args...)
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return "[]"
	}
	return string(b)
}

// add stores one message, or only its location when the Message-ID is already known.
func (w *writer) add(ctx context.Context, in *Incoming) (added bool, err error) {
	m := in.Msg
	var id int64
	err = w.queryRow(ctx, `SELECT id FROM messages WHERE message_id = ?`, m.MessageID).Scan(&id)
	switch {
	case err == nil:
		return false, w.addCopy(ctx, id, in)
	case !errors.Is(err, sql.ErrNoRows):
		return false, err
	}
	var parseErr sql.NullString
	if in.ParseErr != nil {
		parseErr = sql.NullString{String: in.ParseErr.Error(), Valid: true}
	}
	r, err := w.exec(ctx, `
		INSERT INTO messages (message_id, synthetic_id, subject, from_name, from_addr, date, date_source,
			list_id, list_name, in_reply_to, refs, thread_index, thread_topic, auto_submitted, precedence,
			x_autoreply, content_type, parts, body_text, text_source, footer, size, truncated, notes,
			parse_error, arrived_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.MessageID, m.Synthetic, m.Subject, m.From.Name, m.From.Addr, m.Date.UTC().Unix(), m.DateSource,
		m.List.ID, m.List.Name, jsonText(m.InReplyTo), jsonText(m.References), m.ThreadIndex, m.ThreadTopic,
		m.AutoSubmitted, m.Precedence, m.XAutoreply, m.ContentType, jsonText(m.Parts), m.Text, m.TextSource,
		m.Footer, len(in.Raw), m.Truncated, jsonText(m.Notes), parseErr, arrivalUnix(in.Arrival), w.now)
	if err != nil {
		return false, err
	}
	if id, err = r.LastInsertId(); err != nil {
		return false, err
	}
	sum := sha256.Sum256(in.Raw)
	if _, err := w.exec(ctx, `INSERT INTO raw_messages (message_id, compression, sha256, data) VALUES (?, 'zstd', ?, ?)`,
		id, hex.EncodeToString(sum[:]), in.Packed); err != nil {
		return false, err
	}
	for _, ref := range refsOf(m) {
		if _, err := w.exec(ctx, `INSERT OR IGNORE INTO message_refs (message_id, ref) VALUES (?, ?)`, id, ref); err != nil {
			return false, err
		}
	}
	if err := w.addLocation(ctx, id, in); err != nil {
		return false, err
	}
	p := placingOf(id, in)
	p.understood = in.understood
	return true, w.place(ctx, p)
}

// placingOf gathers what threading and categorising need from an arriving message.
func placingOf(id int64, in *Incoming) placing {
	m := in.Msg
	var lists []string
	if m.List.ID != "" {
		lists = []string{m.List.ID}
	}
	from := strings.ToLower(m.From.Addr)
	p := placing{id: id, msg: thread.Message{
		ID: m.MessageID, InReplyTo: m.InReplyTo, References: m.References, Subject: m.Subject, Date: m.Date,
		Lists: lists, From: from, ThreadIndex: m.ThreadIndex, ThreadTopic: m.ThreadTopic, Text: m.Text,
	}}
	p.in = categorize.Input{Subject: m.Subject, Text: m.Text, From: from, Lists: lists, AutoSubmitted: m.AutoSubmitted,
		Precedence: m.Precedence, XAutoreply: m.XAutoreply, ContentType: m.ContentType}
	for _, part := range m.Parts {
		p.in.PartTypes = append(p.in.PartTypes, part.ContentType)
	}
	return p
}

// refsOf lists the ids a message points at, parents first as In-Reply-To is the most direct.
func refsOf(m *mailparse.Message) []string {
	seen := map[string]bool{m.MessageID: true}
	var out []string
	for _, list := range [][]string{m.InReplyTo, m.References} {
		for _, r := range list {
			if r != "" && !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	return out
}

// addCopy records another copy of a stored message: its location, and its bytes when they
// differ from the stored copy's.
func (w *writer) addCopy(ctx context.Context, id int64, in *Incoming) error {
	if err := w.addLocation(ctx, id, in); err != nil {
		return err
	}
	var stored string
	if err := w.queryRow(ctx, `SELECT sha256 FROM raw_messages WHERE message_id = ?`, id).Scan(&stored); err != nil {
		return err
	}
	sum := sha256.Sum256(in.Raw)
	if hex.EncodeToString(sum[:]) == stored {
		return nil
	}
	l := in.Loc
	_, err := w.exec(ctx, `
		INSERT OR IGNORE INTO raw_variants (location_id, compression, sha256, data)
		SELECT id, 'zstd', ?, ? FROM locations
		WHERE source = ? AND folder = ? AND uidvalidity = ? AND uid = ? AND path = ?`,
		hex.EncodeToString(sum[:]), in.Packed, l.Source, l.Folder, l.UIDValidity, l.UID, l.Path)
	return err
}

func (w *writer) addLocation(ctx context.Context, id int64, in *Incoming) error {
	l := in.Loc
	_, err := w.exec(ctx, `
		INSERT OR IGNORE INTO locations (message_id, source, folder, uidvalidity, uid, path, list_id, seen_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, l.Source, l.Folder, l.UIDValidity, l.UID, l.Path, in.Msg.List.ID, w.now)
	return err
}

func putCheckpoint(ctx context.Context, tx *sql.Tx, cp Checkpoint, now int64) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO sync_state (mailbox, folder, uidvalidity, last_uid, last_sync_at, last_error)
		VALUES (?, ?, ?, ?, ?, '')
		ON CONFLICT (mailbox, folder) DO UPDATE SET
			highest_modseq = CASE WHEN uidvalidity != excluded.uidvalidity THEN 0 ELSE highest_modseq END,
			uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid,
			last_sync_at = excluded.last_sync_at, last_error = ''`,
		cp.Mailbox, cp.Folder, cp.UIDValidity, cp.LastUID, now)
	if err != nil {
		return fmt.Errorf("save checkpoint %s/%s: %w", cp.Mailbox, cp.Folder, err)
	}
	return nil
}

// Checkpoint returns the saved position of a folder; a folder never synced has a zero checkpoint.
func (s *Store) Checkpoint(ctx context.Context, mailbox, folder string) (Checkpoint, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	cp := Checkpoint{Mailbox: mailbox, Folder: folder}
	err := s.db.QueryRowContext(ctx, `SELECT uidvalidity, last_uid FROM sync_state WHERE mailbox = ? AND folder = ?`,
		mailbox, folder).Scan(&cp.UIDValidity, &cp.LastUID)
	if errors.Is(err, sql.ErrNoRows) {
		return cp, nil
	}
	if err != nil {
		return cp, fmt.Errorf("read checkpoint %s/%s: %w", mailbox, folder, err)
	}
	return cp, nil
}

// SaveCheckpoint records a folder position on its own (e.g. after an empty fetch or a UIDVALIDITY reset).
func (s *Store) SaveCheckpoint(ctx context.Context, cp Checkpoint) error {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := putCheckpoint(ctx, tx, cp, s.Now().UTC().Unix()); err != nil {
		return err
	}
	return tx.Commit()
}

// RecordSyncError notes the last error of a folder's sync, for status output.
func (s *Store) RecordSyncError(ctx context.Context, mailbox, folder, msg string) error {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO sync_state (mailbox, folder, last_error) VALUES (?, ?, ?)
		ON CONFLICT (mailbox, folder) DO UPDATE SET last_error = excluded.last_error`, mailbox, folder, msg)
	return err
}

// DisableMailbox marks a mailbox as stopped for good (e.g. the server refused the credentials),
// with the reason shown to the operator. EnableMailbox clears it.
func (s *Store) DisableMailbox(ctx context.Context, mailbox, reason string) error {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO mailbox_state (mailbox, disabled, reason, updated_at) VALUES (?, 1, ?, ?)
		ON CONFLICT (mailbox) DO UPDATE SET disabled = 1, reason = excluded.reason, updated_at = excluded.updated_at`,
		mailbox, reason, s.Now().UTC().Unix())
	return err
}

// EnableMailbox clears a mailbox's disabled mark.
func (s *Store) EnableMailbox(ctx context.Context, mailbox string) error {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	_, err := s.db.ExecContext(ctx, `DELETE FROM mailbox_state WHERE mailbox = ?`, mailbox)
	return err
}

// MailboxDisabled reports whether a mailbox is stopped for good, and why.
func (s *Store) MailboxDisabled(ctx context.Context, mailbox string) (bool, string, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var disabled bool
	var reason string
	err := s.db.QueryRowContext(ctx, `SELECT disabled, reason FROM mailbox_state WHERE mailbox = ?`, mailbox).Scan(&disabled, &reason)
	if errors.Is(err, sql.ErrNoRows) {
		return false, "", nil
	}
	return disabled, reason, err
}

func arrivalUnix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UTC().Unix()
}
