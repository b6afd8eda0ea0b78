package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/term"
)

// minPasswordLength is short enough for a passphrase of common words and long enough that the
// login limiter (5 tries per 15 minutes) makes guessing hopeless.
const minPasswordLength = 10

// runPasswd reads a web UI password and prints its bcrypt hash, for a recipient's
// web_password_file or web_password_env. On a terminal it asks twice without echo; otherwise
// it reads one line from standard input (for scripts: printf '%s\n' "$PW" | listdigest passwd).
func runPasswd(ctx context.Context, e *env, args []string) error {
	fs := e.flags("passwd")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	pw, err := readPassword(e)
	if err != nil {
		return err
	}
	if len([]rune(pw)) < minPasswordLength {
		return &usageError{fmt.Sprintf("the password is too short: use at least %d characters (a few unrelated words work well)", minPasswordLength)}
	}
	if len(pw) > 72 {
		return &usageError{"the password is longer than 72 bytes, bcrypt's limit: use a shorter one"}
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), 12)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, string(hash))
	return nil
}

func readPassword(e *env) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "Web UI password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(e.stderr, "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", &usageError{"the two passwords differ: run listdigest passwd again"}
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(io.LimitReader(e.stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
