package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"listdigest/internal/config"
	"listdigest/internal/dispatch"
	"listdigest/internal/imapsync"
	"listdigest/internal/ingest"
	"listdigest/internal/metrics"
	"listdigest/internal/store"
	"listdigest/internal/weblink"
	"listdigest/internal/webui"
)

// tlsConfig verifies the server's certificate against the system roots plus, when set, the
// CA certificates in caFile (named by key in errors).
func tlsConfig(host, caFile, key string) (*tls.Config, error) {
	tc := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if caFile == "" {
		return tc, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: %s holds no PEM certificate", key, caFile)
	}
	tc.RootCAs = pool
	return tc, nil
}

// account turns a configured mailbox into what the sync engine needs.
func account(m config.Mailbox) (*imapsync.Account, error) {
	tc, err := tlsConfig(m.Host, m.TLSCAFile, "mailboxes["+m.Name+"].tls_ca_file")
	if err != nil {
		return nil, err
	}
	return &imapsync.Account{
		Name:      m.Name,
		Addr:      net.JoinHostPort(m.Host, strconv.Itoa(m.Port)),
		TLS:       string(m.TLS),
		TLSConfig: tc,
		Username:  m.Username,
		Auth:      string(m.Auth),
		Secret:    m.Secret,
		Folders:   m.Folders,
		BatchSize: m.FetchBatch,
		Timeout:   m.Timeout,
		Idle:      m.Idle,
	}, nil
}

// syncer builds the sync engine for one mailbox.
func syncer(cfg *config.Config, m config.Mailbox, st *store.Store, log *slog.Logger, now func() time.Time) (*imapsync.Syncer, error) {
	a, err := account(m)
	if err != nil {
		return nil, err
	}
	log = log.With("mailbox", m.Name)
	owner, flags := cfg.FlagOwner(m.Name)
	return &imapsync.Syncer{
		SyncFlags: flags,
		FlagOwner: owner,
		PushFlags: flags && m.PushFlags,
		Account:   a,
		Store:     st,
		Log:       log,
		Pipeline: &ingest.Pipeline{
			Store:   st,
			Log:     log,
			MaxSize: int64(cfg.Database.MaxMessageSize),
			Keep:    ingest.KeepLists(m.Lists),
			Now:     now,
		},
	}, nil
}

// selectMailboxes returns the configured mailboxes, or just the named one.
func selectMailboxes(cfg *config.Config, name string) ([]config.Mailbox, error) {
	if name == "" {
		if len(cfg.Mailboxes) == 0 {
			return nil, &usageError{fmt.Sprintf("%s configures no mailboxes: add one under `mailboxes:` (see configs/listdigest.example.yaml)", cfg.Source())}
		}
		return cfg.Mailboxes, nil
	}
	m, ok := cfg.Mailbox(name)
	if !ok {
		return nil, &usageError{fmt.Sprintf("no mailbox named %q in %s", name, cfg.Source())}
	}
	return []config.Mailbox{m}, nil
}

// runSync fetches new mail once (--once) or keeps syncing in the foreground.
func runSync(ctx context.Context, e *env, args []string) error {
	fs := e.flags("sync")
	once := fs.Bool("once", false, "sync every folder once, then exit")
	name := fs.String("mailbox", "", "sync only the mailbox with this `name`")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	boxes, err := selectMailboxes(cfg, *name)
	if err != nil {
		return err
	}
	st, err := e.openConfiguredStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if !*once {
		return runMailboxes(ctx, e, cfg, boxes, st)
	}

	return syncAll(ctx, e, cfg, boxes, st)
}

// syncAll syncs the mailboxes once, in parallel, and returns every mailbox's error.
func syncAll(ctx context.Context, e *env, cfg *config.Config, boxes []config.Mailbox, st *store.Store) error {
	bar := newProgress(e.stderr)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for _, m := range boxes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := syncOnce(ctx, e, cfg, m, st, bar)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("mailbox %s: %w", m.Name, err))
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func syncOnce(ctx context.Context, e *env, cfg *config.Config, m config.Mailbox, st *store.Store, bar *progress) error {
	s, err := syncer(cfg, m, st, e.log, e.now)
	if err != nil {
		return err
	}
	if bar != nil {
		s.Progress = func(folder string, done, total int) { bar.updateCount(m.Name+"/"+folder, done, total) }
	}
	start := time.Now()
	stats, err := s.SyncOnce(ctx)
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		if imapsync.Permanent(err) {
			if derr := st.DisableMailbox(ctx, m.Name, err.Error()); derr != nil {
				e.log.Error("record disabled mailbox", "mailbox", m.Name, "error", derr)
			}
		}
		return err
	}
	if err := st.EnableMailbox(ctx, m.Name); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %d new, %d already stored, %s, %d not from configured lists (%.1f MB in %s)\n",
		m.Name, stats.Added, stats.Duplicates, plural(stats.Errors, "parse error"), stats.Skipped,
		float64(stats.Bytes)/1e6, time.Since(start).Round(time.Millisecond))
	return nil
}

// indexSearch keeps the web UI's search index up with the mail the sync loops store: every
// half minute it indexes what is new, a chunk at a time with pauses, so that syncs waiting
// for the database get their turn.
func indexSearch(ctx context.Context, log *slog.Logger, st *store.Store) {
	for {
		for ctx.Err() == nil {
			n, err := st.IndexSearch(ctx, 500)
			if err != nil {
				if ctx.Err() == nil {
					log.Error("search index", "error", err)
				}
				break
			}
			if n == 0 {
				break
			}
			select {
			case <-time.After(50 * time.Millisecond):
			case <-ctx.Done():
			}
		}
		select {
		case <-time.After(30 * time.Second):
		case <-ctx.Done():
			return
		}
	}
}

// runMailboxes runs one sync loop per mailbox until ctx ends. A mailbox that fails for good
// is reported and stopped; the others go on.
func runMailboxes(ctx context.Context, e *env, cfg *config.Config, boxes []config.Mailbox, st *store.Store) error {
	var wg sync.WaitGroup
	for _, m := range boxes {
		sched, err := cron.ParseStandard(m.Schedule)
		if err != nil {
			return &usageError{fmt.Sprintf("mailbox %s: schedule %q: %v", m.Name, m.Schedule, err)}
		}
		s, err := syncer(cfg, m, st, e.log, e.now)
		if err != nil {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			supervise(ctx, s.Log, func() error { return s.Run(ctx, sched, e.now) })
		}()
	}
	e.log.Info("listdigest running", "mailboxes", len(boxes), "database", st.Path())
	wg.Wait()
	e.log.Info("listdigest stopped")
	return nil
}

// supervise runs fn, restarting it after a panic (logged with its stack) until it returns.
func supervise(ctx context.Context, log *slog.Logger, fn func() error) {
	for ctx.Err() == nil {
		panicked := func() (panicked bool) {
			defer func() {
				if v := recover(); v != nil {
					log.Error("sync loop panicked; restarting in 30s", "panic", v, "stack", string(debug.Stack()))
					panicked = true
				}
			}()
			fn()
			return false
		}()
		if !panicked {
			return
		}
		select {
		case <-time.After(30 * time.Second):
		case <-ctx.Done():
		}
	}
}

// serveHTTP starts the listener for the web UI and the one-click digest links, and makes the
// dispatcher sign links into digests when readers can reach them. The returned function shuts
// the listener down (5 s grace).
func serveHTTP(ctx context.Context, e *env, cfg *config.Config, st *store.Store, d *dispatch.Dispatcher, reg *metrics.Registry) (func(), error) {
	h := cfg.HTTP
	key, err := weblink.LoadOrCreateKey(h.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("http.key_file: %w", err)
	}
	log := e.log.With("component", "http")
	signer := &weblink.Signer{Key: key, BaseURL: h.PublicURL, Now: e.now}
	links := weblink.Handler(signer, dispatch.LinkStore{Store: st, Now: e.now}, log)
	if h.Links() {
		d.Links = &dispatch.Links{Signer: signer, TTL: h.LinkTTL, Snooze: h.Snooze}
		if h.UIEnabled() {
			d.Links.ThreadURL = h.PublicURL
		}
	}
	handler := links
	if h.UIEnabled() {
		ui, err := webUI(e, cfg, st, key, links, log)
		if err != nil {
			return nil, err
		}
		handler = ui
	}
	// Metrics and health sit outside the UI: a scraper or a container health check has no login
	// and may not say Host: localhost. They show counts and timings only, never mail.
	mux := http.NewServeMux()
	mux.Handle("/", handler)
	mux.Handle("GET /healthz", healthHandler(st))
	if reg != nil {
		mux.Handle("/metrics", reg.Handler())
	}
	srv := weblink.NewServer(h.Listen, mux)
	ln, err := net.Listen("tcp", h.Listen)
	if err != nil {
		return nil, fmt.Errorf("http.listen %s: %w (another listdigest running? set http.listen to a free port, or none)", h.Listen, err)
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("web listener stopped", "error", err)
		}
	}()
	log.Info("serving", "listen", ln.Addr().String(), "ui", h.UIEnabled(), "login", h.NeedsLogin(), "digest_links", h.Links())
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}, nil
}

// webUI builds the web UI for the configured recipients, or for the local reader when there
// are none.
func webUI(e *env, cfg *config.Config, st *store.Store, key []byte, links http.Handler, log *slog.Logger) (http.Handler, error) {
	var readers []webui.Reader
	for _, rc := range cfg.Recipients {
		r, err := recipientOf(rc)
		if err != nil {
			return nil, err
		}
		rd := webui.Reader{Recipient: r}
		if rc.HasWebPassword() {
			rd.PasswordHash = func(context.Context) (string, error) { return rc.WebPasswordHash() }
			if _, err := rc.WebPasswordHash(); err != nil {
				return nil, err // say so at start, not at the reader's first login
			}
		}
		readers = append(readers, rd)
	}
	if len(readers) == 0 {
		readers = []webui.Reader{{Recipient: dispatch.Recipient{Location: time.Local}}}
	}
	var boxes []string
	for _, m := range cfg.Mailboxes {
		boxes = append(boxes, m.Name)
	}
	h := cfg.HTTP
	if h.NeedsLogin() && !slices.ContainsFunc(readers, func(r webui.Reader) bool { return r.PasswordHash != nil }) {
		log.Warn("the web UI is reachable beyond this machine and no recipient has a web password: nobody can log in until one is set (listdigest passwd)")
	}
	return webui.New(webui.Options{
		Store: st, Readers: readers, Secret: key, NeedsLogin: h.NeedsLogin(),
		SecureCookies: strings.HasPrefix(h.PublicURL, "https://"), SessionTTL: h.SessionTTL,
		Links: links, Mailboxes: boxes, Log: log, Now: e.now,
	})
}
