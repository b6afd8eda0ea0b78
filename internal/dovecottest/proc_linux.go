package dovecottest

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// sysProcAttr puts the master in its own process group, so that Stop can
// find and end its children, and asks the kernel to send it SIGTERM if the test
// process dies (for example on a "go test" timeout, when cleanups do not run).
//
// Pdeathsig fires when the OS thread that started the master exits; the Go
// runtime keeps threads alive except when a goroutine exits while locked to
// one with runtime.LockOSThread, which tests using this package should avoid.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}

// groupAlive reports whether a live (not zombie) process is left in process
// group pgid. Zombies are ignored because an init that does not reap them (as
// in some containers) would otherwise keep the group "alive" forever.
func groupAlive(pgid int) bool {
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		return false
	}
	want := []byte(strconv.Itoa(pgid))
	for _, path := range stats {
		data, err := os.ReadFile(path)
		if err != nil {
			continue // exited meanwhile
		}
		// Format: pid (comm) state ppid pgrp ...; comm may contain spaces
		// and parentheses, so parse after the last ')'.
		i := bytes.LastIndexByte(data, ')')
		if i < 0 {
			continue
		}
		fields := bytes.Fields(data[i+1:])
		if len(fields) < 3 {
			continue
		}
		if bytes.Equal(fields[2], want) && !bytes.Equal(fields[0], []byte("Z")) {
			return true
		}
	}
	return false
}

// killGroup sends sig to process group pgid, which holds only processes
// forked by a master that this package started.
func killGroup(pgid int, sig syscall.Signal) {
	_ = syscall.Kill(-pgid, sig)
}
