// Package dovecottest starts a real Dovecot IMAP server for integration tests
// and benchmarks, and provides the fixtures that go with it: fast bulk
// delivery of messages, fault injection (UIDVALIDITY resets, a stopped server,
// a TCP proxy that cuts or stalls connections) and a generator of realistic
// mailing-list mail.
//
// # What Start runs
//
// Start writes a complete dovecot.conf (no file under /etc is read) into a
// fresh temporary directory and runs "dovecot -F -c DIR/dovecot.conf" as a
// child of the test process. Everything the instance owns lives in that
// directory:
//
//	DIR/dovecot.conf   generated configuration
//	DIR/users          passwd-file for passdb and userdb ({PLAIN} passwords)
//	DIR/cert.pem       self-signed ECDSA P-256 certificate (SAN localhost, 127.0.0.1, ::1)
//	DIR/key.pem        its private key
//	DIR/dovecot.log    Dovecot's log (its tail is quoted in failure messages)
//	DIR/master.out     the master process's stdout and stderr
//	DIR/run            base_dir (sockets, master.pid)
//	DIR/state          state_dir
//	DIR/mail/USER      each user's home; mail is in DIR/mail/USER/Maildir
//
// The server listens on 127.0.0.1 only: a plain IMAP port offering STARTTLS and
// an implicit-TLS port, both picked at random. Plain-text LOGIN is allowed so
// tests can also use the plain port. Each instance has its own instance_name
// and base_dir, so several may run at once in one "go test" process.
//
// Failed logins are answered at once and do not slow down later ones:
// Dovecot's anvil auth penalty (2, 4, 8, then 15 s of delay for every login
// from an address after a failed one) and auth_failure_delay are disabled,
// and a second passdb that always fails adds "nodelay", which skips the auth
// process's 500 ms failure queue. COMPRESS is not enabled and neither is any
// other plugin.
//
// # Root and non-root
//
// As root (as in CI), Dovecot refuses to store mail as root: mail is owned by
// uid/gid 5000 (first_valid_uid = 1 allows it), the internal and login users
// stay "dovecot" and "dovenull", and the temporary directory is created
// directly under /tmp with mode 0755 so that those users can traverse it.
// Files that Deliver writes are chowned to uid 5000.
//
// As an unprivileged user, the internal user, login user, internal group and
// mail uid/gid are all the current user's, and the login and anvil processes
// are not chrooted. The directory is created under os.TempDir().
//
// # Skipping
//
// If the dovecot binary is not installed, Start skips the test with a message
// saying how to install it, unless the environment variable
// LISTDIGEST_DOVECOT=require is set, in which case the test fails instead.
//
// # Processes
//
// The master process runs in its own process group, and on Linux it receives
// SIGTERM if the test process dies (for example when "go test" times out and
// cleanups do not run). Stop, Restart and the cleanup registered by Start end
// that master and its process group only, never any other Dovecot on the
// machine. Dovecot 2.3's master, on SIGTERM, waits a second and then leaves
// imap processes serving their clients, so Stop sends SIGQUIT to the master
// (immediate exit) and SIGTERM to its group; every client connection drops.
//
// doveadm commands (Deliver, Count, Flags, ...) look users up through the
// running instance, so they need the server to be started.
package dovecottest
