package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/robfig/cron/v3"

	"listdigest/internal/config"
	"listdigest/internal/imapsync"
	"listdigest/internal/ingest"
	"listdigest/internal/metrics"
	"listdigest/internal/sdnotify"
	"listdigest/internal/store"
)

// runDaemon is `listdigest run`: it keeps every configured mailbox synchronised, sends digests
// on their schedules and serves the web UI, until SIGINT or SIGTERM. SIGHUP rereads the
// configuration: a valid one replaces the running one in place (the database stays open), an
// invalid one is reported and the daemon goes on as it was. With --once it does one round of
// everything and exits, for a systemd timer or cron.
func runDaemon(ctx context.Context, e *env, args []string) error {
	fs := e.flags("run")
	listen := fs.String("listen", "", "serve the web UI and digest links on this `host:port` (overrides http.listen; none turns it off)")
	once := fs.Bool("once", false, "sync every mailbox once, send the digests that are due, then exit (for a timer)")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	if *listen != "" {
		if _, _, err := net.SplitHostPort(*listen); err != nil && *listen != config.ListenNone {
			return &usageError{fmt.Sprintf("--listen %q is not host:port: write e.g. 127.0.0.1:8025, or none", *listen)}
		}
	}
	cfg, err := daemonConfig(e, *listen)
	if err != nil {
		return err
	}
	st, err := e.openConfiguredStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if *once {
		return runRound(ctx, e, cfg, st)
	}

	reload := make(chan os.Signal, 1)
	signal.Notify(reload, syscall.SIGHUP)
	defer signal.Stop(reload)
	m := newDaemonMetrics(st)
	go sdnotify.KeepAlive(ctx, sdnotify.WatchdogInterval(), func() bool {
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return st.DB().PingContext(pctx) == nil
	})

	running, err := startComponents(ctx, e, cfg, st, m)
	if err != nil {
		return err
	}
	notify(e, sdnotify.Ready+"\nSTATUS="+running.status)
	for {
		select {
		case <-ctx.Done():
			notify(e, sdnotify.Stopping)
			e.log.Info("stopping: finishing the batch in hand (a second signal exits at once)")
			running.stop()
			e.log.Info("listdigest stopped")
			return nil
		case <-reload:
		}
		notify(e, sdnotify.ReloadingNow())
		next, err := daemonConfig(e, *listen)
		if err != nil {
			m.reloads.Inc("error")
			e.log.Error("configuration not reloaded: the daemon goes on with the one it has", "error", err)
			notify(e, sdnotify.Ready+"\nSTATUS=reload failed: "+oneLine(err.Error()))
			continue
		}
		if next.Database.Path != cfg.Database.Path {
			e.log.Warn("database.path changed: it takes effect at the next restart", "running", st.Path(), "configured", next.Database.Path)
		}
		running.stop()
		if r, err := startComponents(ctx, e, next, st, m); err != nil {
			m.reloads.Inc("error")
			e.log.Error("reloaded configuration could not start; back to the previous one", "error", err)
			if running, err = startComponents(ctx, e, cfg, st, m); err != nil {
				return err
			}
		} else {
			m.reloads.Inc("ok")
			running, cfg = r, next
			e.log.Info("configuration reloaded", "file", cfg.Source(), "mailboxes", len(cfg.Mailboxes), "recipients", len(cfg.Recipients))
		}
		notify(e, sdnotify.Ready+"\nSTATUS="+running.status)
	}
}

// daemonConfig loads the configuration for `run`. Without a configuration file but with --db,
// it serves the web UI over that database alone.
func daemonConfig(e *env, listen string) (*config.Config, error) {
	cfg, err := e.loadConfig()
	if errors.Is(err, os.ErrNotExist) && e.dbPath != "" {
		cfg, err = config.Default(), nil
		cfg.Database.Path = e.dbPath
		h := config.DefaultHTTP(e.dbPath) // the link key lives beside the database
		cfg.HTTP = &h
	}
	if err != nil {
		return nil, err
	}
	if listen != "" {
		cfg.HTTP.Listen = listen
	}
	return cfg, nil
}

// running is one configuration's set of goroutines.
type running struct {
	stop   func() // cancels them and waits until they have finished
	status string // one line for systemd's STATUS=
}

// startDaemon builds every part from cfg and starts them. Everything that can fail is built
// before anything starts, so a bad configuration starts nothing.
func startComponents(parent context.Context, e *env, cfg *config.Config, st *store.Store, m *daemonMetrics) (*running, error) {
	type loop struct {
		s     *imapsync.Syncer
		sched cron.Schedule
	}
	var loops []loop
	for _, mb := range cfg.Mailboxes {
		sched, err := cron.ParseStandard(mb.Schedule)
		if err != nil {
			return nil, &usageError{fmt.Sprintf("mailbox %s: schedule %q: %v", mb.Name, mb.Schedule, err)}
		}
		s, err := syncer(cfg, mb, st, e.log, e.now)
		if err != nil {
			return nil, err
		}
		s.Observe = m.observeSync(mb.Name)
		loops = append(loops, loop{s, sched})
	}
	d, err := dispatcher(e, cfg, st)
	if err != nil {
		return nil, err
	}
	d.Observe = m.observeDelivery

	ctx, cancel := context.WithCancel(parent)
	var wg sync.WaitGroup
	stopHTTP := func() {}
	if cfg.HTTP.Enabled() {
		stopHTTP, err = serveHTTP(ctx, e, cfg, st, d, m.reg)
		if err != nil {
			cancel()
			return nil, err
		}
	}
	goSupervised := func(name string, fn func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			supervise(ctx, e.log.With("component", name), func() error { fn(); return nil })
		}()
	}
	if cfg.HTTP.UIEnabled() {
		goSupervised("search", func() { indexSearch(ctx, e.log, st) })
	}
	if len(d.Targets) > 0 {
		goSupervised("digest", func() { d.Run(ctx) })
	}
	for _, l := range loops {
		goSupervised("sync", func() { l.s.Run(ctx, l.sched, e.now) })
	}
	if len(loops) == 0 {
		e.log.Warn("no mailboxes configured: nothing to sync (add one and reload with SIGHUP)")
	}
	e.log.Info("listdigest running", "mailboxes", len(loops), "recipients", len(d.Targets), "database", st.Path())
	return &running{
		stop: func() {
			cancel()
			wg.Wait()
			stopHTTP()
		},
		status: fmt.Sprintf("%s, %s", plural(len(loops), "mailbox"), plural(len(d.Targets), "recipient")),
	}, nil
}

// runRound is `run --once`: sync every mailbox once, then send the digests that are due. It
// is idempotent, so a timer may run it as often as it likes.
func runRound(ctx context.Context, e *env, cfg *config.Config, st *store.Store) error {
	var errs []error
	if err := syncAll(ctx, e, cfg, cfg.Mailboxes, st); err != nil {
		errs = append(errs, err)
	}
	d, err := dispatcher(e, cfg, st)
	if err != nil {
		return err
	}
	if err := d.RunOnce(ctx); err != nil {
		errs = append(errs, fmt.Errorf("digests: %w", err))
	}
	// The web UI's search index is kept up here too, since no daemon is doing it.
	if err := st.CatchUpSearch(ctx); err != nil {
		errs = append(errs, fmt.Errorf("search index: %w", err))
	}
	return errors.Join(errs...)
}

// notify tells systemd; outside systemd it does nothing.
func notify(e *env, state string) {
	if _, err := sdnotify.Notify(state); err != nil {
		e.log.Warn("could not notify systemd", "error", err)
	}
}

func oneLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i] + " ..."
		}
	}
	return s
}

// daemonMetrics are what `run` reports on GET /metrics. They outlive reloads. Labels carry
// mailbox names only: never an address or a subject.
type daemonMetrics struct {
	reg          *metrics.Registry
	syncMessages *metrics.Counter
	syncBytes    *metrics.Counter
	syncPasses   *metrics.Counter
	syncDuration *metrics.Histogram
	lastSuccess  *metrics.Gauge
	digests      *metrics.Counter
	sendDuration *metrics.Histogram
	reloads      *metrics.Counter
}

func newDaemonMetrics(st *store.Store) *daemonMetrics {
	r := metrics.NewRegistry()
	r.RegisterProcess()
	m := &daemonMetrics{
		reg:          r,
		syncMessages: r.Counter("listdigest_sync_messages_total", "Messages received by sync passes, by outcome: added, duplicate, parse_error (stored unparsed), skipped (not a configured list).", "mailbox", "outcome"),
		syncBytes:    r.Counter("listdigest_sync_bytes_total", "Bytes of mail received by sync passes.", "mailbox"),
		syncPasses:   r.Counter("listdigest_sync_passes_total", "Sync passes (connect, fetch every folder), by result: ok or error.", "mailbox", "result"),
		syncDuration: r.Histogram("listdigest_sync_duration_seconds", "How long a sync pass took.", metrics.DurationBuckets, "mailbox"),
		lastSuccess:  r.Gauge("listdigest_sync_last_success_timestamp_seconds", "When the mailbox last synced without error (Unix time).", "mailbox"),
		digests:      r.Counter("listdigest_digests_total", "Digest delivery attempts, by outcome: sent, retry (a temporary failure), failed.", "outcome"),
		sendDuration: r.Histogram("listdigest_digest_send_duration_seconds", "How long a digest delivery attempt took.", metrics.DurationBuckets),
		reloads:      r.Counter("listdigest_config_reloads_total", "Configuration reloads on SIGHUP, by result: ok or error.", "result"),
	}
	// The three gauges below come from one query: a scrape reads them together, so the
	// counts are taken once and kept for a second.
	var mu sync.Mutex
	var counts store.Counts
	var countErr error
	var countedAt time.Time
	count := func(pick func(store.Counts) int64) func() float64 {
		return func() float64 {
			mu.Lock()
			defer mu.Unlock()
			if time.Since(countedAt) > time.Second {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				counts, countErr = st.Count(ctx)
				cancel()
				countedAt = time.Now()
			}
			if countErr != nil {
				return -1
			}
			return float64(pick(counts))
		}
	}
	r.GaugeFunc("listdigest_messages_stored", "Messages in the database.", count(func(c store.Counts) int64 { return c.Messages }))
	r.GaugeFunc("listdigest_messages_unparsed", "Messages stored whose parse failed (listdigest messages --errors).", count(func(c store.Counts) int64 { return c.Errors }))
	r.GaugeFunc("listdigest_threads_stored", "Threads in the database.", count(func(c store.Counts) int64 { return c.Threads }))
	return m
}

func (m *daemonMetrics) observeSync(mailbox string) func(ingest.Stats, time.Duration, error) {
	return func(s ingest.Stats, elapsed time.Duration, err error) {
		m.syncMessages.Add(float64(s.Added-s.Errors), mailbox, "added")
		m.syncMessages.Add(float64(s.Errors), mailbox, "parse_error")
		m.syncMessages.Add(float64(s.Duplicates), mailbox, "duplicate")
		m.syncMessages.Add(float64(s.Skipped), mailbox, "skipped")
		m.syncBytes.Add(float64(s.Bytes), mailbox)
		m.syncDuration.Observe(elapsed.Seconds(), mailbox)
		if err != nil {
			m.syncPasses.Inc(mailbox, "error")
			return
		}
		m.syncPasses.Inc(mailbox, "ok")
		m.lastSuccess.Set(float64(time.Now().UnixNano())/1e9, mailbox)
	}
}

func (m *daemonMetrics) observeDelivery(state string, elapsed time.Duration) {
	m.digests.Inc(state)
	m.sendDuration.Observe(elapsed.Seconds())
}

// healthHandler answers /healthz: 200 while the database answers, 503 when it does not.
func healthHandler(st *store.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := st.DB().PingContext(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "database not answering")
			return
		}
		fmt.Fprintln(w, "ok")
	})
}
