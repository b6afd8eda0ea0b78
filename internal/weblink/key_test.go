package weblink

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "link.key")
	first, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatalf("LoadOrCreateKey(new) error: %v", err)
	}
	if len(first) != MinKeyLen {
		t.Errorf("LoadOrCreateKey(new) = %d bytes; want %d", len(first), MinKeyLen)
	}
	if bytes.Equal(first, make([]byte, MinKeyLen)) {
		t.Errorf("LoadOrCreateKey(new) = all zeros; want random bytes")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("LoadOrCreateKey(new) file mode = %#o; want 0600", perm)
	}
	second, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatalf("LoadOrCreateKey(existing) error: %v", err)
	}
	if !bytes.Equal(first, second) {
		t.Errorf("LoadOrCreateKey(existing) = a new key; want the stored one")
	}
	other, err := LoadOrCreateKey(filepath.Join(t.TempDir(), "link.key"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(first, other) {
		t.Errorf("LoadOrCreateKey made the same key twice")
	}
}

func TestLoadOrCreateKeyExisting(t *testing.T) {
	tests := []struct {
		name    string
		content []byte
		wantErr error
	}{
		{"empty", nil, ErrKeyTooShort},
		{"short", bytes.Repeat([]byte{7}, MinKeyLen-1), ErrKeyTooShort},
		{"exact", bytes.Repeat([]byte{7}, MinKeyLen), nil},
		{"hex text with newline", []byte("8f2c1e6a9b0d4f7e3a5c2b1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f\n"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "link.key")
			if err := os.WriteFile(path, tt.content, 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := LoadOrCreateKey(path)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("LoadOrCreateKey(%s) error = %v; want %v", tt.name, err, tt.wantErr)
			}
			if err == nil && !bytes.Equal(got, tt.content) {
				t.Errorf("LoadOrCreateKey(%s) = %q; want the file's bytes", tt.name, got)
			}
			// A refused key is left alone: replacing it would break the links already sent.
			if after, _ := os.ReadFile(path); !bytes.Equal(after, tt.content) {
				t.Errorf("LoadOrCreateKey(%s) changed the file to %q", tt.name, after)
			}
		})
	}
}

func TestLoadOrCreateKeyMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-dir", "link.key")
	if _, err := LoadOrCreateKey(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadOrCreateKey(%q) error = %v; want fs.ErrNotExist", path, err)
	}
}
