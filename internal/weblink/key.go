package weblink

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// LoadOrCreateKey returns the link key stored at path, creating the file with MinKeyLen fresh
// random bytes (mode 0600) when it does not exist. The file holds the raw key bytes; any key
// file of at least MinKeyLen bytes is used as it is (e.g. one made with
// `head -c 32 /dev/urandom`), and a shorter one is refused with ErrKeyTooShort rather than
// replaced, since replacing it would silently break every link already sent. The directory
// must exist.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := readKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	key, err = createKey(path)
	if errors.Is(err, fs.ErrExist) {
		// Another process created it between our read and our create: use theirs.
		return readKey(path)
	}
	return key, err
}

func readKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read link key: %w", err)
	}
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("link key %s: %w: %d bytes, need at least %d (remove the file to have a new key generated; links already sent stop working)",
			path, ErrKeyTooShort, len(key), MinKeyLen)
	}
	return key, nil
}

// createKey writes a new key with O_EXCL, so it never replaces a key that links were already
// signed with.
func createKey(path string) ([]byte, error) {
	key := make([]byte, MinKeyLen)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate link key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create link key: %w", err)
	}
	if err := writeAndClose(f, key); err != nil {
		// Leave no partial key behind: the next start would refuse it as too short.
		os.Remove(path)
		return nil, fmt.Errorf("write link key %s: %w", path, err)
	}
	return key, nil
}

// writeAndClose syncs before closing so a crash right after start cannot lose a key that
// links may already have been signed with.
func writeAndClose(f *os.File, b []byte) error {
	_, err := f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
