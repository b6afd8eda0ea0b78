package sdnotify

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// listen opens a notification socket as systemd would and points NOTIFY_SOCKET at it.
func listen(t *testing.T) *net.UnixConn {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	t.Setenv("NOTIFY_SOCKET", path)
	return c
}

func receive(t *testing.T, c *net.UnixConn) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	return string(buf[:n])
}

func TestNotifySendsToSocket(t *testing.T) {
	c := listen(t)
	for _, state := range []string{Ready, Stopping, "STATUS=syncing 3 mailboxes"} {
		sent, err := Notify(state)
		if err != nil || !sent {
			t.Fatalf("Notify(%q) = %v, %v", state, sent, err)
		}
		if got := receive(t, c); got != state {
			t.Errorf("received %q; want %q", got, state)
		}
	}
}

func TestNotifyWithoutSystemdDoesNothing(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	if sent, err := Notify(Ready); sent || err != nil {
		t.Errorf("Notify without NOTIFY_SOCKET = %v, %v; want false, nil", sent, err)
	}
}

func TestNotifyDeadSocketIsAnError(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", filepath.Join(t.TempDir(), "gone"))
	if _, err := Notify(Ready); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Errorf("Notify to a missing socket: err = %v; want one naming the socket", err)
	}
}

func TestReloadingCarriesMonotonicTime(t *testing.T) {
	msg := ReloadingNow()
	lines := strings.Split(msg, "\n")
	if lines[0] != Reloading {
		t.Fatalf("ReloadingNow() = %q", msg)
	}
	if len(lines) == 2 {
		v, ok := strings.CutPrefix(lines[1], "MONOTONIC_USEC=")
		if n, err := strconv.ParseInt(v, 10, 64); !ok || err != nil || n <= 0 {
			t.Errorf("second line %q: want MONOTONIC_USEC=<positive>", lines[1])
		}
	}
}

func TestWatchdogInterval(t *testing.T) {
	tests := []struct {
		usec, pid string
		want      time.Duration
	}{
		{"", "", 0},
		{"junk", "", 0},
		{"120000000", "", time.Minute},
		{"120000000", "1", 0}, // for another process
		{"4000000", "self", 2 * time.Second},
	}
	for _, tt := range tests {
		pid := tt.pid
		if pid == "self" {
			pid = strconv.Itoa(os.Getpid())
		}
		t.Setenv("WATCHDOG_USEC", tt.usec)
		t.Setenv("WATCHDOG_PID", pid)
		if got := WatchdogInterval(); got != tt.want {
			t.Errorf("WATCHDOG_USEC=%q WATCHDOG_PID=%q: interval %v; want %v", tt.usec, pid, got, tt.want)
		}
	}
}

func TestKeepAlivePingsOnlyWhileAlive(t *testing.T) {
	c := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	alive := make(chan bool, 1)
	alive <- true
	healthy := true
	done := make(chan struct{})
	go func() {
		defer close(done)
		KeepAlive(ctx, 10*time.Millisecond, func() bool {
			select {
			case healthy = <-alive:
			default:
			}
			return healthy
		})
	}()
	if got := receive(t, c); got != Watchdog {
		t.Fatalf("received %q; want %q", got, Watchdog)
	}
	alive <- false // stuck: pings stop, so systemd would restart the daemon
	time.Sleep(30 * time.Millisecond)
	for drained := false; !drained; { // pings sent before it noticed
		c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if _, err := c.Read(make([]byte, 64)); err != nil {
			drained = true
		}
	}
	c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if n, err := c.Read(make([]byte, 64)); err == nil {
		t.Errorf("a ping arrived (%d bytes) while not alive", n)
	}
	cancel()
	<-done
}
