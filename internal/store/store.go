// Package store keeps listdigest's state in SQLite: every message that arrived (parsed columns
// plus its compressed raw bytes, so everything can be rebuilt without refetching), where each
// copy was seen, threads, and per-folder sync checkpoints.
//
// Invariants:
//   - One row per unique Message-ID; a second copy only adds a location.
//   - A folder's checkpoint is written in the same transaction as the messages it covers.
//   - The schema version lives in PRAGMA user_version; a database newer than this binary is refused.
//   - The database file is created 0600 in a 0700 directory: it holds private mail.
//
// The connection runs in WAL mode with _txlock=immediate, so that read-then-write
// transactions take the write lock up front instead of failing with SQLITE_BUSY_SNAPSHOT.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"listdigest/internal/categorize"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrNotFound is returned when a requested row does not exist.
var ErrNotFound = errors.New("not found")

// ErrSchemaTooNew is returned by Open when the database was written by a newer listdigest.
var ErrSchemaTooNew = errors.New("database schema is newer than this listdigest")

// queryTimeout bounds one statement or small transaction, so a stuck database surfaces as an error.
const queryTimeout = 30 * time.Second

// Store is a handle on the listdigest database. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
	// Now is the clock used for bookkeeping timestamps; tests replace it.
	Now func() time.Time

	cats catState
	// upgradedFrom is the schema version found at Open when migrations ran (0: none ran).
	upgradedFrom int
}

// Open opens (creating if needed) the database at path and brings its schema up to date.
// path ":memory:" gives a private in-memory database, for tests.
func Open(ctx context.Context, path string) (*Store, error) {
	memory := path == ":memory:"
	if !memory {
		if err := prepareFile(path); err != nil {
			return nil, err
		}
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "10000")
	q.Set("_txlock", "immediate")
	q.Set("_synchronous", "NORMAL")
	dsn := "file:" + path + "?" + q.Encode()
	if memory {
		dsn = "file::memory:?" + q.Encode()
	}
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if memory {
		// Each connection to :memory: is a separate database.
		db.SetMaxOpenConns(1)
	}
	s := &Store{db: db, path: path, Now: time.Now}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	s.cats.tax = categorize.DefaultTaxonomy()
	if s.upgradedFrom > 0 && s.upgradedFrom < 2 {
		// Version 2 added what only Go code can compute (normalised subjects, keywords,
		// categories): rebuild the threads from the stored columns once.
		if err := s.rethread(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("database %s: rebuild threads after upgrade: %w", path, err)
		}
	}
	return s, nil
}

// prepareFile creates the directory (0700) and an empty database file (0600) before SQLite
// touches it, and tightens the mode of an existing file. SQLite gives its -wal and -shm
// files the mode of the main file.
func prepareFile(path string) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create database directory: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open database file: %w", err)
	}
	f.Close()
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("restrict database file mode: %w", err)
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path returns the file the store was opened on.
func (s *Store) Path() string { return s.path }

// DB exposes the handle for read-only inspection in tests and tools.
func (s *Store) DB() *sql.DB { return s.db }

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %q: name must start with its number", e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %q: expected number %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema version this binary writes.
func SchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil {
		panic(err) // embedded files: a broken set is a build error
	}
	return len(ms)
}

// migrate applies pending migrations one transaction each. The version is read inside the
// transaction, which _txlock=immediate has already write-locked, so two processes opening a
// fresh database at once cannot both apply the same migration.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	// While another process turns a brand-new file into a WAL database, SQLite can answer
	// BUSY without waiting on busy_timeout; such a race only happens at open, so retry briefly.
	deadline := time.Now().Add(15 * time.Second)
	for {
		done, err := s.migrateOne(ctx, ms)
		if isBusy(err) && time.Now().Before(deadline) {
			select {
			case <-time.After(time.Duration(10+rand.IntN(40)) * time.Millisecond):
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err != nil || done {
			return err
		}
	}
}

// isBusy reports whether err is SQLite's "database is locked" (BUSY or LOCKED).
func isBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}

func (s *Store) migrateOne(ctx context.Context, ms []migration) (done bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("begin migration: %w", err)
	}
	defer tx.Rollback()
	var current int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return false, fmt.Errorf("read schema version: %w", err)
	}
	if current > len(ms) {
		return false, fmt.Errorf("%w: database has version %d, this binary knows %d; upgrade listdigest", ErrSchemaTooNew, current, len(ms))
	}
	if current == len(ms) {
		return true, nil
	}
	if s.upgradedFrom == 0 && current > 0 {
		s.upgradedFrom = current
	}
	m := ms[current]
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return false, fmt.Errorf("migration %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migration %s: %w", m.name, err)
	}
	return false, nil
}
