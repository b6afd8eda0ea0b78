//go:build !linux

package browsertest

import "syscall"

// sysProcAttr returns nil: the process-group handling is Linux-only, as are
// the Debian packages this package expects.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// killGroup does nothing outside Linux.
func killGroup(int) {}

// browserBinary returns chromium: tying its life to chromedriver's needs
// Linux's parent-death signal.
func browserBinary(dir, chromium string) string { return chromium }
