package dovecottest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// EnvVar is the environment variable that controls what Start does when
// Dovecot is not installed: with the value "require" the test fails,
// otherwise it is skipped.
const EnvVar = "LISTDIGEST_DOVECOT"

// DefaultUser and DefaultPassword are the credentials of the user that Start
// creates (Server.User and Server.Password).
const (
	DefaultUser     = "listdigest"
	DefaultPassword = "listdigest-secret"
)

const (
	// rootMailID is the uid and gid owning mail when the tests run as root.
	rootMailID = 5000

	readyTimeout = 10 * time.Second
	stopTimeout  = 10 * time.Second
	// groupTimeout bounds the wait for the master's children after it exits.
	groupTimeout = 5 * time.Second
	// startAttempts bounds retries when a picked port was taken meanwhile.
	startAttempts = 5
	// logTailLines is how much of dovecot.log failure messages quote.
	logTailLines = 40
)

// Server is a running Dovecot instance owned by one test or benchmark. Its
// methods may be called from several goroutines, except that deliveries to
// the same folder must not overlap (each checks the folder's message count).
type Server struct {
	// Dir is the temporary directory holding the configuration, state,
	// logs and mail of this instance. It is removed by the cleanup.
	Dir string
	// Host is the address Dovecot listens on: "127.0.0.1".
	Host string
	// Port is the plain IMAP port; STARTTLS is offered on it.
	Port int
	// TLSPort is the implicit-TLS (imaps) port.
	TLSPort int
	// User and Password log in as the default user.
	User, Password string
	// CertPool trusts the generated self-signed certificate, whose SANs are
	// localhost, 127.0.0.1 and ::1.
	CertPool *x509.CertPool

	confPath   string
	usersPath  string
	logPath    string
	masterOut  string
	baseDir    string
	mailRoot   string
	dovecotBin string
	doveadmBin string
	// mailUID and mailGID own the mail; chown is only needed as root.
	mailUID, mailGID int
	root             bool

	// fileSeq numbers Maildir files so that they sort in delivery order.
	fileSeq atomic.Int64

	mu      sync.Mutex // guards proc and users file writes
	proc    *process
	removed bool
}

// process is one run of the master process.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd.Wait returns
	err  error         // cmd.Wait's result, valid after done is closed
}

// Start starts a Dovecot instance for tb and registers a cleanup that stops it
// and removes its directory. If Dovecot is not installed, tb is skipped, or
// failed when LISTDIGEST_DOVECOT=require. Any other problem fails tb, quoting
// the tail of Dovecot's log.
func Start(tb testing.TB) *Server {
	tb.Helper()
	dovecotBin, doveadmBin, err := findBinaries()
	if err != nil {
		notInstalled(tb, err)
		return nil // not reached: notInstalled ends the test
	}

	s := &Server{
		Host:       "127.0.0.1",
		User:       DefaultUser,
		Password:   DefaultPassword,
		dovecotBin: dovecotBin,
		doveadmBin: doveadmBin,
		root:       os.Geteuid() == 0,
	}
	if err := s.setUp(); err != nil {
		s.remove()
		tb.Fatalf("dovecottest: %v", err)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("dovecottest: tail of %s:\n%s", s.logPath, s.logTail())
		}
		if err := s.stop(); err != nil {
			tb.Errorf("dovecottest: cleanup: %v", err)
		}
		s.remove()
	})

	var lastErr error
	for attempt := 0; attempt < startAttempts; attempt++ {
		if s.Port, s.TLSPort, err = freePorts(); err != nil {
			tb.Fatalf("dovecottest: pick ports: %v", err)
		}
		if err := s.writeConfig(); err != nil {
			tb.Fatalf("dovecottest: %v", err)
		}
		lastErr = s.start()
		if lastErr == nil {
			return s
		}
		if !errors.Is(lastErr, errAddrInUse) {
			break
		}
	}
	tb.Fatalf("dovecottest: start: %v", lastErr)
	return nil
}

// notInstalled skips tb, or fails it if LISTDIGEST_DOVECOT=require.
func notInstalled(tb testing.TB, err error) {
	tb.Helper()
	if os.Getenv(EnvVar) == "require" {
		tb.Fatalf("dovecottest: %v: apt-get install dovecot-imapd (%s=require makes this a failure)", err, EnvVar)
		return
	}
	tb.Skipf("dovecottest: %v: apt-get install dovecot-imapd (or set %s=require to fail instead of skipping)", err, EnvVar)
}

// findBinaries locates dovecot and doveadm, also in the sbin directories that
// an unprivileged user's PATH often lacks.
func findBinaries() (dovecot, doveadm string, err error) {
	find := func(name string) string {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
		for _, dir := range []string{"/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"} {
			p := filepath.Join(dir, name)
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
				return p
			}
		}
		return ""
	}
	if dovecot = find("dovecot"); dovecot == "" {
		return "", "", errors.New("dovecot not installed")
	}
	if doveadm = find("doveadm"); doveadm == "" {
		return "", "", errors.New("doveadm not installed")
	}
	return dovecot, doveadm, nil
}

// setUp creates the directory tree, certificate and users file.
func (s *Server) setUp() error {
	parent := os.TempDir()
	if s.root {
		// Dovecot's unprivileged users must traverse every parent.
		parent = "/tmp"
	}
	dir, err := os.MkdirTemp(parent, "listdigest-dovecot-")
	if err != nil {
		return err
	}
	s.Dir = dir
	if strings.ContainsAny(dir, " \t\"'#{}") {
		return fmt.Errorf("temporary directory %q has characters dovecot.conf cannot take unquoted; set TMPDIR", dir)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	s.confPath = filepath.Join(dir, "dovecot.conf")
	s.usersPath = filepath.Join(dir, "users")
	s.logPath = filepath.Join(dir, "dovecot.log")
	s.masterOut = filepath.Join(dir, "master.out")
	s.baseDir = filepath.Join(dir, "run")
	s.mailRoot = filepath.Join(dir, "mail")

	for _, d := range []string{s.baseDir, filepath.Join(dir, "state"), s.mailRoot} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return err
		}
	}
	if s.root {
		s.mailUID, s.mailGID = rootMailID, rootMailID
		if err := os.Chown(s.mailRoot, s.mailUID, s.mailGID); err != nil {
			return err
		}
	} else {
		s.mailUID, s.mailGID = os.Getuid(), os.Getgid()
	}

	certPEM, keyPEM, pool, err := selfSignedCert(time.Now())
	if err != nil {
		return fmt.Errorf("generate certificate: %w", err)
	}
	s.CertPool = pool
	if err := os.WriteFile(filepath.Join(dir, "cert.pem"), certPEM, 0o644); err != nil {
		return err
	}
	// Dovecot's config process reads the key as root or as the current
	// user, so 0600 is enough in both modes.
	if err := os.WriteFile(filepath.Join(dir, "key.pem"), keyPEM, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(s.usersPath, nil, 0o644); err != nil {
		return err
	}
	return s.addUser(s.User, s.Password)
}

// writeConfig writes dovecot.conf for the current ports. Dovecot wants one
// setting per line inside blocks.
func (s *Server) writeConfig() error {
	var b strings.Builder
	set := func(key, value string) { fmt.Fprintf(&b, "%s = %s\n", key, value) }
	b.WriteString("# Generated by listdigest/internal/dovecottest; do not edit.\n")
	// Unique: the directory name is.
	set("instance_name", "listdigest-"+strings.TrimPrefix(filepath.Base(s.Dir), "listdigest-dovecot-"))
	set("base_dir", s.baseDir)
	set("state_dir", filepath.Join(s.Dir, "state"))
	set("log_path", s.logPath)
	set("info_log_path", s.logPath)
	set("protocols", "imap")
	set("listen", s.Host)
	set("ssl", "yes")
	set("ssl_cert", "<"+filepath.Join(s.Dir, "cert.pem"))
	set("ssl_key", "<"+filepath.Join(s.Dir, "key.pem"))
	set("disable_plaintext_auth", "no")
	set("auth_mechanisms", "plain login")
	set("auth_failure_delay", "0")
	set("auth_verbose", "yes") // failure reasons in the log
	// The default of 10 would refuse a daemon's 11th connection.
	set("mail_max_userip_connections", "1000")
	set("first_valid_uid", "1")
	set("first_valid_gid", "1")
	if s.root {
		set("default_internal_user", "dovecot")
		set("default_login_user", "dovenull")
	} else {
		u, err := user.Current()
		if err != nil {
			return fmt.Errorf("current user: %w", err)
		}
		g, err := user.LookupGroupId(strconv.Itoa(os.Getgid()))
		if err != nil {
			return fmt.Errorf("current group: %w", err)
		}
		set("default_internal_user", u.Username)
		set("default_internal_group", g.Name)
		set("default_login_user", u.Username)
	}
	set("mail_location", "maildir:~/Maildir")
	b.WriteString("namespace inbox {\n  inbox = yes\n  separator = /\n  prefix =\n}\n")
	fmt.Fprintf(&b, "passdb {\n  driver = passwd-file\n  args = %s\n}\n", s.usersPath)
	// A login the passwd-file rejects falls through to this passdb, which
	// rejects it too (continue-fail) but adds nodelay, so that the failure
	// is answered at once instead of on the auth process's next 500 ms
	// failure-queue tick, which auth_failure_delay = 0 does not skip.
	b.WriteString("passdb {\n  driver = static\n  args = nopassword=y nodelay=yes\n  result_success = continue-fail\n}\n")
	fmt.Fprintf(&b, "userdb {\n  driver = passwd-file\n  args = %s\n  default_fields = uid=%d gid=%d home=%s/%%n\n}\n",
		s.usersPath, s.mailUID, s.mailGID, s.mailRoot)

	b.WriteString("service imap-login {\n")
	if !s.root {
		b.WriteString("  chroot =\n")
	}
	fmt.Fprintf(&b, "  inet_listener imap {\n    port = %d\n  }\n", s.Port)
	fmt.Fprintf(&b, "  inet_listener imaps {\n    port = %d\n    ssl = yes\n  }\n", s.TLSPort)
	b.WriteString("}\n")
	// Failed logins would otherwise delay every later login from
	// 127.0.0.1 by up to 15 s; login_trusted_networks does not help.
	b.WriteString("service anvil {\n")
	if !s.root {
		b.WriteString("  chroot =\n")
	}
	b.WriteString("  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}\n")
	return os.WriteFile(s.confPath, []byte(b.String()), 0o644)
}

var errAddrInUse = errors.New("address already in use")

// start runs the master process and waits until it greets on Port.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return errors.New("already running")
	}
	// A stale penalty socket stalls the first login for 5 s, and the
	// master.pid left by SIGQUIT could name a reused pid.
	for _, name := range []string{"anvil-auth-penalty", "master.pid"} {
		if err := os.Remove(filepath.Join(s.baseDir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	logStart := fileSize(s.logPath)
	outStart := fileSize(s.masterOut)

	// A file, not a pipe: children may outlive the master briefly, and
	// cmd.Wait would wait for them to close a pipe.
	out, err := os.OpenFile(s.masterOut, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.Command(s.dovecotBin, "-F", "-c", s.confPath)
	cmd.Dir = s.Dir
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run %s: %w", s.dovecotBin, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()

	if err := s.waitReady(p); err != nil {
		_ = stopProcess(p)
		msg := readFrom(s.logPath, logStart) + readFrom(s.masterOut, outStart)
		if strings.Contains(msg, "Address already in use") {
			err = fmt.Errorf("%w: %w", errAddrInUse, err)
		}
		return fmt.Errorf("%w\n%s", err, s.failureContext())
	}
	s.proc = p
	return nil
}

// waitReady waits until the plain port sends an IMAP greeting and the TLS
// port accepts connections.
func (s *Server) waitReady(p *process) error {
	deadline := time.Now().Add(readyTimeout)
	var lastErr error
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("dovecot exited during start-up: %v", p.err)
		default:
		}
		lastErr = readGreeting(s.Addr(), deadline)
		if lastErr == nil {
			c, err := net.DialTimeout("tcp", s.TLSAddr(), time.Until(deadline))
			if err == nil {
				c.Close()
				return nil
			}
			lastErr = err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("no IMAP greeting on %s within %v: %v", s.Addr(), readyTimeout, lastErr)
}

// readGreeting dials addr and reads one line, expecting "* OK".
func readGreeting(addr string, deadline time.Time) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SetDeadline(deadline); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return fmt.Errorf("read greeting: %w", err)
	}
	if !strings.HasPrefix(line, "* OK") {
		return fmt.Errorf("unexpected greeting %q", strings.TrimSpace(line))
	}
	return nil
}

// Addr returns the plain IMAP address (STARTTLS offered), host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// TLSAddr returns the implicit-TLS address, host:port.
func (s *Server) TLSAddr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.TLSPort)) }

// TLSConfig returns a client TLS configuration that trusts the server's
// certificate. Dial by IP address, or set ServerName to "localhost".
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.CertPool, MinVersion: tls.VersionTLS12}
}

// LogPath returns the path of Dovecot's log file.
func (s *Server) LogPath() string { return s.logPath }

// Stop stops the master process, which closes every client connection, and
// waits for all of its processes to exit. The data stays; Restart starts the
// server again. Stopping a stopped server does nothing.
func (s *Server) Stop(tb testing.TB) {
	tb.Helper()
	if err := s.stop(); err != nil {
		tb.Fatalf("dovecottest: stop: %v\n%s", err, s.failureContext())
	}
}

// Restart starts the server again on the same ports with the same data,
// stopping it first if it is running.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	if err := s.stop(); err != nil {
		tb.Fatalf("dovecottest: restart: stop: %v\n%s", err, s.failureContext())
	}
	if err := s.start(); err != nil {
		tb.Fatalf("dovecottest: restart: %v", err)
	}
}

func (s *Server) stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.proc
	s.proc = nil
	if p == nil {
		return nil
	}
	return stopProcess(p)
}

// stopProcess stops a master and every process it forked, and waits for
// them to exit.
//
// On SIGTERM, Dovecot 2.3's master waits a fixed second before exiting and
// leaves imap and login processes serving their clients. So the master gets
// SIGQUIT (exit at once), and then its process group, which holds only
// processes it forked, gets SIGTERM; whatever is left after groupTimeout gets
// SIGKILL.
func stopProcess(p *process) error {
	pid := p.cmd.Process.Pid
	_ = p.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-p.done:
	case <-time.After(stopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.done
		killGroup(pid, syscall.SIGKILL)
		return fmt.Errorf("master pid %d did not exit within %v of SIGQUIT; killed", pid, stopTimeout)
	}
	killGroup(pid, syscall.SIGTERM)
	deadline := time.Now().Add(groupTimeout)
	for groupAlive(pid) {
		if time.Now().After(deadline) {
			killGroup(pid, syscall.SIGKILL)
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}

// remove deletes the directory, once.
func (s *Server) remove() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.removed || s.Dir == "" {
		return
	}
	s.removed = true
	_ = os.RemoveAll(s.Dir)
}

// AddUser adds a passdb/userdb user with a plain-text password. Dovecot
// re-reads the passwd-file on the next lookup, so no restart is needed.
func (s *Server) AddUser(tb testing.TB, name, password string) {
	tb.Helper()
	if err := s.addUser(name, password); err != nil {
		tb.Fatalf("dovecottest: AddUser(%q): %v", name, err)
	}
}

func (s *Server) addUser(name, password string) error {
	if name == "" || strings.ContainsAny(name, ":\r\n/ \t") || strings.ContainsAny(password, ":\r\n") {
		return errors.New("user names cannot be empty or contain ':', '/', whitespace; passwords cannot contain ':' or newlines")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	data, err := os.ReadFile(s.usersPath)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, name+":") {
			return errors.New("user exists")
		}
	}
	f, err := os.OpenFile(s.usersPath, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%s:{PLAIN}%s::::::\n", name, password)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Doveadm runs "doveadm -c DIR/dovecot.conf args..." against this instance and
// returns its combined output. The error includes the output.
func (s *Server) Doveadm(args ...string) (string, error) {
	cmd := exec.Command(s.doveadmBin, append([]string{"-c", s.confPath}, args...)...)
	cmd.Dir = s.Dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("doveadm %s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return string(out), nil
}

// freePorts returns two distinct free TCP ports on 127.0.0.1. They are free
// when returned but may be taken before Dovecot binds them; Start retries.
func freePorts() (int, int, error) {
	var ports [2]int
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for i := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, 0, err
		}
		lns = append(lns, ln)
		ports[i] = ln.Addr().(*net.TCPAddr).Port
	}
	return ports[0], ports[1], nil
}

// failureContext returns the tails of the log and master output for error
// messages.
func (s *Server) failureContext() string {
	var b strings.Builder
	fmt.Fprintf(&b, "--- tail of %s:\n%s", s.logPath, s.logTail())
	if out := tail(readFrom(s.masterOut, 0), logTailLines); strings.TrimSpace(out) != "" {
		fmt.Fprintf(&b, "--- tail of %s:\n%s", s.masterOut, out)
	}
	return b.String()
}

func (s *Server) logTail() string {
	t := tail(readFrom(s.logPath, 0), logTailLines)
	if strings.TrimSpace(t) == "" {
		return "(empty)\n"
	}
	return t
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// readFrom returns the contents of path from offset on, or "" on error.
func readFrom(path string, offset int64) string {
	data, err := os.ReadFile(path)
	if err != nil || offset > int64(len(data)) {
		return ""
	}
	return string(data[offset:])
}

// tail returns the last n lines of s, ending in a newline if s is not empty.
func tail(s string, n int) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n") + "\n"
}
