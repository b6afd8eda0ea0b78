//go:build !linux

package dovecottest

import "syscall"

// sysProcAttr returns nil: the process-group handling is Linux-only.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// groupAlive reports false: without a process group there is nothing to wait for.
func groupAlive(int) bool { return false }

// killGroup does nothing outside Linux.
func killGroup(int, syscall.Signal) {}
