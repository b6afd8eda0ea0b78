// Package sdnotify tells systemd how the daemon is doing (a Type=notify unit): ready after
// start-up, reloading on SIGHUP, stopping on SIGTERM, and alive at the watchdog's interval.
// The protocol is one datagram of "KEY=VALUE" lines to the socket named by $NOTIFY_SOCKET;
// outside systemd the variable is unset and every call does nothing.
package sdnotify

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

// States the daemon sends.
const (
	Ready     = "READY=1"
	Reloading = "RELOADING=1"
	Stopping  = "STOPPING=1"
	Watchdog  = "WATCHDOG=1"
)

// Notify sends state (one or more "KEY=VALUE" lines) to systemd. It returns false, nil
// when no notification socket is set.
func Notify(state string) (bool, error) {
	path := os.Getenv("NOTIFY_SOCKET")
	if path == "" {
		return false, nil
	}
	if path[0] == '@' {
		path = "\x00" + path[1:] // an abstract socket
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		return false, fmt.Errorf("sd_notify %s: %w", os.Getenv("NOTIFY_SOCKET"), err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(state)); err != nil {
		return false, fmt.Errorf("sd_notify: %w", err)
	}
	return true, nil
}

// ReloadingNow is the RELOADING=1 message systemd 253 and later want: it carries the
// monotonic time so that `systemctl reload` waits for the matching READY=1.
func ReloadingNow() string {
	usec, ok := monotonicUsec()
	if !ok {
		return Reloading
	}
	return Reloading + "\nMONOTONIC_USEC=" + strconv.FormatInt(usec, 10)
}

// WatchdogInterval returns how often to send WATCHDOG=1 (half the unit's WatchdogSec), or 0
// when the watchdog is off or meant for another process.
func WatchdogInterval() time.Duration {
	usec, err := strconv.ParseInt(os.Getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || usec <= 0 {
		return 0
	}
	if pid := os.Getenv("WATCHDOG_PID"); pid != "" && pid != strconv.Itoa(os.Getpid()) {
		return 0
	}
	return time.Duration(usec) * time.Microsecond / 2
}

// KeepAlive sends WATCHDOG=1 every interval while alive() is true, until ctx ends. alive
// lets the daemon withhold the ping when it is stuck (e.g. the database stopped answering),
// so that systemd restarts it.
func KeepAlive(ctx context.Context, interval time.Duration, alive func() bool) {
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if alive == nil || alive() {
				Notify(Watchdog)
			}
		}
	}
}
