package dovecottest

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Message is a message for DeliverMessages.
type Message struct {
	// Data is the raw RFC 5322 message, with CRLF or LF line endings.
	Data []byte
	// Arrival becomes the message's INTERNALDATE (the Maildir file's
	// mtime). The zero value means the time of delivery.
	Arrival time.Time
	// Flags are system flags to set on delivery: \Seen, \Answered,
	// \Flagged, \Deleted, \Draft. Keywords are not supported.
	Flags []string
}

// maildirFlags maps IMAP system flags to Maildir info letters.
var maildirFlags = map[string]byte{
	`\draft`:    'D',
	`\flagged`:  'F',
	`\answered`: 'R',
	`\seen`:     'S',
	`\deleted`:  'T',
}

// Deliver adds raw messages to folder of the default user, creating the
// folder if needed, with the time of delivery as INTERNALDATE and no flags.
// Folder names are UTF-8 with "/" as the hierarchy separator ("lists/lm_net").
//
// It is fast enough for tens of thousands of messages: the files are written
// straight into the Maildir's cur/ directory, then "doveadm force-resync" and
// "doveadm index" make Dovecot assign UIDs in delivery order and build the
// index. Deliver then checks with doveadm that the folder grew by len(msgs)
// and fails tb otherwise.
func (s *Server) Deliver(tb testing.TB, folder string, msgs ...[]byte) {
	tb.Helper()
	m := make([]Message, len(msgs))
	for i, data := range msgs {
		m[i].Data = data
	}
	if err := s.deliver(folder, m); err != nil {
		tb.Fatalf("dovecottest: Deliver(%q, %d messages): %v\n%s", folder, len(msgs), err, s.failureContext())
	}
}

// DeliverMessages is Deliver with a chosen INTERNALDATE and flags for each
// message.
func (s *Server) DeliverMessages(tb testing.TB, folder string, msgs ...Message) {
	tb.Helper()
	if err := s.deliver(folder, msgs); err != nil {
		tb.Fatalf("dovecottest: DeliverMessages(%q, %d messages): %v\n%s", folder, len(msgs), err, s.failureContext())
	}
}

func (s *Server) deliver(folder string, msgs []Message) error {
	infos := make([]string, len(msgs))
	for i, m := range msgs {
		info, err := maildirInfo(m.Flags)
		if err != nil {
			return fmt.Errorf("message %d: %w", i, err)
		}
		infos[i] = info
	}

	dir, err := s.ensureFolder(folder)
	if err != nil {
		return err
	}
	before, err := s.count(folder)
	if err != nil {
		return err
	}

	// Dovecot assigns UIDs to new files in file name order: same seconds
	// part, then the M field, zero-padded so that numeric and lexical
	// order agree. Names are fixed before writing, so the files can be
	// written in parallel (file creation is most of Deliver's time).
	secs := time.Now().Unix()
	pid := os.Getpid()
	first := s.fileSeq.Add(int64(len(msgs))) - int64(len(msgs)) + 1
	if err := parallel(len(msgs), func(i int) error {
		m := msgs[i]
		base := fmt.Sprintf("%d.M%09dP%d.dovecottest,S=%d", secs, first+int64(i), pid, len(m.Data))
		if err := s.writeMaildirFile(dir, base, infos[i], m); err != nil {
			return fmt.Errorf("message %d: %w", i, err)
		}
		return nil
	}); err != nil {
		return err
	}

	if _, err := s.doveadmStdout("force-resync", "-u", s.User, folder); err != nil {
		return err
	}
	if _, err := s.doveadmStdout("index", "-u", s.User, folder); err != nil {
		return err
	}
	after, err := s.count(folder)
	if err != nil {
		return err
	}
	if want := before + len(msgs); after != want {
		return fmt.Errorf("folder has %d messages after delivery; want %d (%d before + %d delivered)", after, want, before, len(msgs))
	}
	return nil
}

// parallel calls f(0) ... f(n-1) from a few goroutines and returns the first
// error; after an error, the remaining calls are skipped.
func parallel(n int, f func(i int) error) error {
	workers := min(n, max(4, runtime.GOMAXPROCS(0)))
	var (
		next     atomic.Int64
		failed   atomic.Bool
		firstErr error
		once     sync.Once
		wg       sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					once.Do(func() { firstErr = err })
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// writeMaildirFile writes m as tmp/base and renames it to cur/base:2,info, so
// that a concurrent IMAP session never sees a partial file.
func (s *Server) writeMaildirFile(dir, base, info string, m Message) error {
	tmp := filepath.Join(dir, "tmp", base)
	if err := os.WriteFile(tmp, m.Data, 0o600); err != nil {
		return err
	}
	if s.root {
		if err := os.Chown(tmp, s.mailUID, s.mailGID); err != nil {
			return err
		}
	}
	if !m.Arrival.IsZero() {
		if err := os.Chtimes(tmp, m.Arrival, m.Arrival); err != nil {
			return err
		}
	}
	return os.Rename(tmp, filepath.Join(dir, "cur", base+":2,"+info))
}

// maildirInfo returns the Maildir info letters for flags, sorted as the
// Maildir specification requires.
func maildirInfo(flags []string) (string, error) {
	var letters []byte
	for _, f := range flags {
		l, ok := maildirFlags[strings.ToLower(f)]
		if !ok {
			return "", fmt.Errorf("flag %q is not a system flag Deliver supports", f)
		}
		if !slices.Contains(letters, l) {
			letters = append(letters, l)
		}
	}
	slices.Sort(letters)
	return string(letters), nil
}

// ensureFolder creates folder if needed and returns its Maildir directory.
func (s *Server) ensureFolder(folder string) (string, error) {
	if isInbox(folder) {
		// INBOX exists implicitly; a status lookup creates its Maildir.
		if _, err := s.count(folder); err != nil {
			return "", err
		}
	} else if out, err := s.Doveadm("mailbox", "create", "-u", s.User, folder); err != nil && !strings.Contains(out, "already exists") {
		return "", err
	}
	out, err := s.doveadmStdout("mailbox", "path", "-u", s.User, folder)
	if err != nil {
		return "", err
	}
	dir := strings.TrimSpace(out)
	if dir == "" || !filepath.IsAbs(dir) {
		return "", fmt.Errorf("doveadm mailbox path %q: unexpected output %q", folder, out)
	}
	for _, sub := range []string{"cur", "tmp"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err != nil || !fi.IsDir() {
			return "", fmt.Errorf("folder %q: no Maildir at %s: %v", folder, dir, err)
		}
	}
	return dir, nil
}

func isInbox(folder string) bool { return strings.EqualFold(folder, "INBOX") }

// ResetUIDValidity gives folder a new UIDVALIDITY, as when a server rebuilds
// a mailbox: all its messages are removed, msgs are delivered as by Deliver
// with UIDs starting again at 1, and the new UIDVALIDITY is returned. The
// folder is created first if needed. It fails tb if the UIDVALIDITY did not
// change.
//
// Dovecot disconnects sessions that have the folder selected ("IMAP session
// state is inconsistent, please relogin"); other sessions see the new
// UIDVALIDITY in STATUS and SELECT.
//
// It does not use "doveadm mailbox delete" and "create": INBOX cannot be
// deleted, and a session with the folder selected gets confused by a quick
// delete and re-create (its index log sequence repeats). Instead the message
// files are removed and dovecot-uidlist is replaced by an empty one with
// UIDVALIDITY+1, which makes Dovecot reset the mailbox on the next sync.
func (s *Server) ResetUIDValidity(tb testing.TB, folder string, msgs ...[]byte) uint32 {
	tb.Helper()
	v, err := s.resetUIDValidity(folder, msgs)
	if err != nil {
		tb.Fatalf("dovecottest: ResetUIDValidity(%q): %v\n%s", folder, err, s.failureContext())
	}
	return v
}

func (s *Server) resetUIDValidity(folder string, msgs [][]byte) (uint32, error) {
	dir, err := s.ensureFolder(folder)
	if err != nil {
		return 0, err
	}
	old, err := s.uidValidity(folder)
	if err != nil {
		return 0, err
	}
	if err := s.resetMaildir(folder, dir, old); err != nil {
		return 0, err
	}

	m := make([]Message, len(msgs))
	for i, data := range msgs {
		m[i].Data = data
	}
	if err := s.deliver(folder, m); err != nil {
		return 0, err
	}
	v, err := s.uidValidity(folder)
	if err != nil {
		return 0, err
	}
	if v == old {
		return 0, fmt.Errorf("UIDVALIDITY is still %d", v)
	}
	return v, nil
}

// resetMaildir gives folder, stored in dir, a new UIDVALIDITY: it removes
// the message files and replaces dovecot-uidlist with an empty one carrying UIDVALIDITY old+1,
// next UID 1 and a new mailbox GUID. On the next sync Dovecot finds that the
// uidlist's UIDVALIDITY differs from its index's and resets the index, as it
// does when a Maildir is rebuilt.
func (s *Server) resetMaildir(folder, dir string, old uint32) error {
	for _, sub := range []string{"cur", "new", "tmp"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := os.Remove(filepath.Join(dir, sub, e.Name())); err != nil {
				return err
			}
		}
	}
	next := old + 1
	if next == 0 {
		next = 1
	}
	var guid [16]byte
	if _, err := rand.Read(guid[:]); err != nil {
		return err
	}
	uidlist := fmt.Sprintf("3 V%d N1 G%x\n", next, guid)
	tmp := filepath.Join(dir, "tmp", "dovecot-uidlist.dovecottest")
	if err := os.WriteFile(tmp, []byte(uidlist), 0o600); err != nil {
		return err
	}
	if s.root {
		if err := os.Chown(tmp, s.mailUID, s.mailGID); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, filepath.Join(dir, "dovecot-uidlist")); err != nil {
		return err
	}
	_, err := s.doveadmStdout("force-resync", "-u", s.User, folder)
	return err
}

// Count returns the number of messages in folder, as doveadm sees it.
func (s *Server) Count(tb testing.TB, folder string) int {
	tb.Helper()
	n, err := s.count(folder)
	if err != nil {
		tb.Fatalf("dovecottest: Count(%q): %v\n%s", folder, err, s.failureContext())
	}
	return n
}

func (s *Server) count(folder string) (int, error) {
	v, err := s.status(folder, "messages")
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("doveadm mailbox status %q: messages = %q", folder, v)
	}
	return n, nil
}

// UIDValidity returns folder's UIDVALIDITY, as doveadm sees it.
func (s *Server) UIDValidity(tb testing.TB, folder string) uint32 {
	tb.Helper()
	v, err := s.uidValidity(folder)
	if err != nil {
		tb.Fatalf("dovecottest: UIDValidity(%q): %v\n%s", folder, err, s.failureContext())
	}
	return v
}

func (s *Server) uidValidity(folder string) (uint32, error) {
	v, err := s.status(folder, "uidvalidity")
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("doveadm mailbox status %q: uidvalidity = %q", folder, v)
	}
	return uint32(n), nil
}

// status returns one "doveadm mailbox status" field of folder.
func (s *Server) status(folder, field string) (string, error) {
	out, err := s.doveadmStdout("-f", "tab", "mailbox", "status", "-u", s.User, field, folder)
	if err != nil {
		return "", err
	}
	rows := parseTab(out)
	if len(rows) != 1 {
		return "", fmt.Errorf("doveadm mailbox status %q: unexpected output %q", folder, out)
	}
	v, ok := rows[0][field]
	if !ok {
		return "", fmt.Errorf("doveadm mailbox status %q: no %s in %q", folder, field, out)
	}
	return v, nil
}

// Flags returns the flags of the message with the given UID in folder, read
// with doveadm fetch, for example to check that a client did not set \Seen.
// \Recent is left out: it describes doveadm's own session, not the message.
// It fails tb if there is no such message.
func (s *Server) Flags(tb testing.TB, folder string, uid uint32) []string {
	tb.Helper()
	uidStr := strconv.FormatUint(uint64(uid), 10)
	out, err := s.doveadmStdout("-f", "tab", "fetch", "-u", s.User, "uid flags", "mailbox", folder, "uid", uidStr)
	if err != nil {
		tb.Fatalf("dovecottest: Flags(%q, %d): %v\n%s", folder, uid, err, s.failureContext())
	}
	rows := parseTab(out)
	if len(rows) != 1 || rows[0]["uid"] != uidStr {
		tb.Fatalf("dovecottest: Flags(%q, %d): no such message (doveadm output %q)", folder, uid, out)
	}
	flags := []string{}
	for _, f := range strings.Fields(rows[0]["flags"]) {
		if !strings.EqualFold(f, `\Recent`) {
			flags = append(flags, f)
		}
	}
	return flags
}

// doveadmStdout runs doveadm like Doveadm but returns only its standard
// output, so that warnings on standard error cannot corrupt parsed output.
func (s *Server) doveadmStdout(args ...string) (string, error) {
	cmd := exec.Command(s.doveadmBin, append([]string{"-c", s.confPath}, args...)...)
	cmd.Dir = s.Dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("doveadm %s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return stdout.String(), nil
}

// parseTab parses doveadm's "-f tab" output: a header line of field names,
// then one line per row, fields separated by tabs.
func parseTab(out string) []map[string]string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 2 {
		return nil
	}
	header := strings.Split(lines[0], "\t")
	var rows []map[string]string
	for _, line := range lines[1:] {
		fields := strings.Split(line, "\t")
		row := make(map[string]string, len(header))
		for i, name := range header {
			if i < len(fields) {
				row[name] = fields[i]
			}
		}
		rows = append(rows, row)
	}
	return rows
}
