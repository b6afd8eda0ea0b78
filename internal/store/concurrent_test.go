package store

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
)

// TestConcurrentOpen opens a fresh database from several goroutines at once, as the daemon and
// a command run by hand do: every open must succeed and migrate exactly once.
func TestConcurrentOpen(t *testing.T) {
	for round := 0; round < 5; round++ {
		path := filepath.Join(t.TempDir(), "c.db")
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < 10; j++ {
					s, err := Open(context.Background(), path)
					if err != nil {
						t.Errorf("round %d: %v", round, err)
						return
					}
					s.Count(context.Background())
					s.Close()
				}
			}()
		}
		wg.Wait()
	}
}
