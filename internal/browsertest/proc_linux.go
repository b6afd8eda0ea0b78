package browsertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// sysProcAttr puts chromedriver in its own process group, which the Chromium
// it starts joins, so that the cleanup can end them all; and asks the kernel
// to kill chromedriver if the test process dies (for example on a "go test"
// timeout, when cleanups do not run).
//
// Pdeathsig fires when the OS thread that started chromedriver exits; the Go
// runtime keeps threads alive except when a goroutine exits while locked to
// one with runtime.LockOSThread, which tests using this package should avoid.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup kills process group pgid, which holds only chromedriver (started
// with sysProcAttr) and the processes it forked.
func killGroup(pgid int) {
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// browserBinary returns the program chromedriver should run as Chromium: a
// script in dir that runs chromium under "setpriv --pdeathsig KILL", so that
// Chromium dies with chromedriver (and its helpers with it). Chromium does
// not exit when chromedriver is killed, so without this a test process that
// dies without running its cleanups would leave a browser behind. If setpriv
// (util-linux) is missing or the script cannot be written, it returns chromium
// itself.
func browserBinary(dir, chromium string) string {
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		return chromium
	}
	script := filepath.Join(dir, "chromium.sh")
	text := "#!/bin/sh\nexec " + shellQuote(setpriv) + " --pdeathsig KILL " + shellQuote(chromium) + ` "$@"` + "\n"
	if err := os.WriteFile(script, []byte(text), 0o755); err != nil {
		return chromium
	}
	return script
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
