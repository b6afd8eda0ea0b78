// Package cli implements the listdigest command line: one function per subcommand, each
// parsing its own flags, opening what it needs (config, database) and reporting errors in
// words a user can act on. Exit codes: 0 success, 1 runtime failure, 2 usage or
// configuration error (systemd units use RestartPreventExitStatus=2).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	"listdigest/internal/config"
	"listdigest/internal/store"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// env is what every command gets: streams, the common flags and a logger.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	configPath     string
	dbPath         string
	verbose        bool
	logJSON        bool
	log            *slog.Logger
	now            func() time.Time
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"demo", "run the whole job on generated list mail and print the digest (no setup needed)", runDemo},
		{"init", "write a starting configuration (then add your mailbox with subscribe)", runInit},
		{"subscribe", "add an IMAP account: log in, find the lists in its folders, write the mailbox entry", runSubscribe},
		{"check-config", "validate the configuration file and name every bad key", runCheckConfig},
		{"sync", "fetch new list mail from the configured IMAP mailboxes (--once to stop after one pass)", runSync},
		{"run", "run the daemon: sync mailboxes and send digests on their schedules", runDaemon},
		{"import", "import mbox files, Maildirs and .eml files: import PATH...", runImport},
		{"messages", "list stored messages (--errors: those that could not be parsed)", runMessages},
		{"threads", "list threads (--json: one JSON object per line)", runThreads},
		{"reindex", "reparse every stored message, rebuild threads and categories, without refetching", runReindex},
		{"explain", "explain a thread: why its category, how each message joined it: explain THREAD", runExplain},
		{"categorize", "correct a thread's category and retrain: categorize THREAD CATEGORY", runCategorize},
		{"categories", "list the categories in use", runCategories},
		{"flag", "flag a thread for follow-up: flag THREAD [--note TEXT] [--remind 3d|2026-03-10]", runFlag},
		{"unflag", "remove a thread's flag: unflag THREAD", runUnflag},
		{"done", "finish a follow-up: done THREAD", runDone},
		{"flags", "list flagged threads with their last activity", runFlags},
		{"digest", "preview a digest without sending it: digest --preview [--recipient ADDR] [--date DAY]", runDigest},
		{"status", "show mailboxes, stored mail and recent digests", runStatus},
		{"sample", "write sample list mail as a Maildir or mbox: sample --maildir DIR | --mbox FILE [--messages N]", runSample},
		{"passwd", "print the bcrypt hash of a web UI password, for a recipient's web_password_file", runPasswd},
	}
}

// usageError is a mistake on the command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// Main runs the command line and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signalContext()
	defer stop()
	if path := os.Getenv("LISTDIGEST_CPUPROFILE"); path != "" {
		// For performance work on the real binary: go tool pprof listdigest $LISTDIGEST_CPUPROFILE.
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	return run(ctx, args, stdin, stdout, stderr)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	name := args[0]
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		e := &env{stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now}
		err := c.run(ctx, e, args[1:])
		return report(stderr, name, err)
	}
	fmt.Fprintf(stderr, "listdigest: unknown command %q\n\n", name)
	usage(stderr)
	return exitUsage
}

func report(stderr io.Writer, name string, err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	var ue *usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "listdigest %s: %v\n", name, err)
		return exitUsage
	case config.IsConfigError(err):
		fmt.Fprintf(stderr, "listdigest %s: %v\n", name, err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "listdigest %s: %v\n", name, err)
		return exitFailure
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: listdigest COMMAND [--config FILE] [--db FILE] [flags]")
	fmt.Fprintln(w)
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `listdigest COMMAND -h` for a command's flags.")
}

// flags returns a FlagSet with the flags every command accepts.
func (e *env) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&e.configPath, "config", "", "configuration `file` (default $LISTDIGEST_CONFIG, else ~/.config/listdigest/listdigest.yaml, else /etc/listdigest/listdigest.yaml)")
	fs.StringVar(&e.dbPath, "db", "", "database `file` (default: the configuration's database.path)")
	fs.BoolVar(&e.verbose, "v", false, "log debug details")
	fs.BoolVar(&e.logJSON, "log-json", os.Getenv("LISTDIGEST_LOG_FORMAT") == "json", "log as JSON lines (default when LISTDIGEST_LOG_FORMAT=json)")
	return fs
}

// parse parses flags and sets up logging; positional arguments are returned.
func (e *env) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	// Flags may come after positional arguments too ("flag THREAD --note x"): the flag package
	// stops at the first positional, so parse again after each one.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	level := slog.LevelInfo
	if e.verbose {
		level = slog.LevelDebug
	}
	e.setLogger(level)
	return positional, nil
}

// setLogger logs from level up, as text or (--log-json) JSON lines, to stderr.
func (e *env) setLogger(level slog.Level) {
	opts := &slog.HandlerOptions{Level: level}
	if e.logJSON {
		e.log = slog.New(slog.NewJSONHandler(e.stderr, opts))
	} else {
		e.log = slog.New(slog.NewTextHandler(e.stderr, opts))
	}
}

// defaultConfigPath returns the first configuration file that exists, or the user's path.
func defaultConfigPath() string {
	user := userConfigPath()
	if os.Getenv("LISTDIGEST_CONFIG") != "" {
		return user
	}
	if _, err := os.Stat(user); err == nil {
		return user
	}
	if _, err := os.Stat("/etc/listdigest/listdigest.yaml"); err == nil {
		return "/etc/listdigest/listdigest.yaml"
	}
	return user
}

// userConfigPath is $LISTDIGEST_CONFIG, else the user's file under $XDG_CONFIG_HOME (default
// ~/.config): where init writes and where the commands look first.
func userConfigPath() string {
	if p := os.Getenv("LISTDIGEST_CONFIG"); p != "" {
		return p
	}
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, ".config")
		}
	}
	return filepath.Join(dir, "listdigest", "listdigest.yaml")
}

// loadConfig loads the configuration the flags point at.
func (e *env) loadConfig() (*config.Config, error) {
	path := e.configPath
	if path == "" {
		path = defaultConfigPath()
	}
	return config.Load(path)
}

// openStore opens the database: --db if given, else the configuration's path, else (for
// commands that need only the database) the default path.
func (e *env) openStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	path := e.dbPath
	if path == "" && cfg == nil && e.configPath != "" {
		c, err := e.loadConfig()
		if err != nil {
			return nil, err
		}
		cfg = c
	}
	if path == "" && cfg == nil {
		if c, err := e.loadConfig(); err == nil {
			cfg = c
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	if path == "" && cfg != nil {
		path = cfg.Database.Path
	}
	if path == "" {
		path = config.Default().Database.Path
	}
	s, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	s.Now = e.now
	return s, nil
}

// signalContext is canceled by the first SIGINT or SIGTERM; a second one exits at once.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-ch:
			cancel()
		case <-ctx.Done():
			return
		}
		select {
		case <-ch:
			fmt.Fprintln(os.Stderr, "listdigest: second signal, exiting now")
			os.Exit(exitFailure)
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel() }
}

// plural formats a count with its noun.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, strings.TrimSuffix(noun, "s"))
}
