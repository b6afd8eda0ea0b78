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
	"strconv"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"listdigest/internal/config"
	"listdigest/internal/dispatch"
	"listdigest/internal/imapsync"
	"listdigest/internal/ingest"
	"listdigest/internal/store"
	"listdigest/internal/weblink"
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

	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for _, m := range boxes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := syncOnce(ctx, e, cfg, m, st)
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

func syncOnce(ctx context.Context, e *env, cfg *config.Config, m config.Mailbox, st *store.Store) error {
	s, err := syncer(cfg, m, st, e.log, e.now)
	if err != nil {
		return err
	}
	start := time.Now()
	stats, err := s.SyncOnce(ctx)
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

// runDaemon keeps every configured mailbox synchronised until a signal arrives.
func runDaemon(ctx context.Context, e *env, args []string) error {
	fs := e.flags("run")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	st, err := e.openConfiguredStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if len(cfg.Mailboxes) == 0 {
		e.log.Warn("no mailboxes configured: nothing to sync")
	}
	d, err := dispatcher(e, cfg, st)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	if cfg.HTTP != nil {
		stopHTTP, err := serveLinks(ctx, e, cfg.HTTP, st, d)
		if err != nil {
			return err
		}
		defer stopHTTP()
	}
	if len(d.Targets) > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			supervise(ctx, d.Log, func() error { d.Run(ctx); return nil })
		}()
	}
	err = runMailboxes(ctx, e, cfg, cfg.Mailboxes, st)
	wg.Wait()
	return err
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

// serveLinks starts the listener for one-click digest links and makes the dispatcher sign
// links into digests. The returned function shuts the listener down (5 s grace).
func serveLinks(ctx context.Context, e *env, h *config.HTTP, st *store.Store, d *dispatch.Dispatcher) (func(), error) {
	key, err := weblink.LoadOrCreateKey(h.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("http.key_file: %w", err)
	}
	signer := &weblink.Signer{Key: key, BaseURL: h.PublicURL, Now: e.now}
	d.Links = &dispatch.Links{Signer: signer, TTL: h.LinkTTL, Snooze: h.Snooze}
	log := e.log.With("component", "http")
	srv := weblink.NewServer(h.Listen, weblink.Handler(signer, dispatch.LinkStore{Store: st, Now: e.now}, log))
	ln, err := net.Listen("tcp", h.Listen)
	if err != nil {
		return nil, fmt.Errorf("http.listen %s: %w", h.Listen, err)
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("link listener stopped", "error", err)
		}
	}()
	log.Info("serving digest links", "listen", ln.Addr().String(), "public_url", h.PublicURL)
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}, nil
}
