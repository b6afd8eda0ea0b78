package webui

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"listdigest/internal/dispatch"
	"listdigest/internal/store"
)

// Reader is someone who can use the UI: a configured recipient, or the local reader of a
// database used without configuration (Address "").
type Reader struct {
	// Recipient carries the reader's address, time zone and digest filters; the UI shows what
	// their digest would, and keeps to their mailboxes.
	Recipient dispatch.Recipient
	// PasswordHash returns the bcrypt hash of the reader's password; nil when the reader has
	// none (they cannot log in where a login is needed). Called at each login, so a changed
	// password file takes effect without a restart.
	PasswordHash func(ctx context.Context) (string, error)
}

// Options configure the UI handler.
type Options struct {
	Store   *store.Store
	Readers []Reader
	// Secret is the daemon's secret (the link key); sessions are signed with keys derived
	// from it.
	Secret []byte
	// NeedsLogin is set when the UI is reachable beyond this machine: every page then needs a
	// login. Without it the UI answers only requests addressed to a loopback host name.
	NeedsLogin bool
	// SecureCookies marks cookies Secure (HTTPS only); set it whenever the public URL is https.
	SecureCookies bool
	SessionTTL    time.Duration
	// Links serves the signed digest links (/l/...) and /healthz, which need no login.
	Links http.Handler
	// Mailboxes are the configured mailbox names, for the status page.
	Mailboxes []string
	Log       *slog.Logger
	Now       func() time.Time
}

// Handler is the web UI.
type Handler struct {
	o       Options
	mux     *http.ServeMux
	limiter limiter
}

//go:embed templates/*.html static/style.css
var assets embed.FS

// New returns the web UI handler. Readers must not be empty.
func New(o Options) (*Handler, error) {
	if len(o.Readers) == 0 {
		return nil, errors.New("web UI: no readers")
	}
	if len(o.Secret) < 16 {
		return nil, errors.New("web UI: secret too short")
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 30 * 24 * time.Hour
	}
	h := &Handler{o: o, mux: http.NewServeMux()}
	if o.Links != nil {
		h.mux.Handle("/l/", o.Links)
		h.mux.Handle("GET /healthz", o.Links)
	}
	h.mux.HandleFunc("GET /style.css", h.style)
	h.mux.HandleFunc("GET /login", h.loginPage)
	h.mux.HandleFunc("POST /login", h.login)
	h.mux.HandleFunc("POST /logout", h.logout)
	for pattern, page := range map[string]func(http.ResponseWriter, *http.Request, *view){
		"GET /{$}":                  h.day,
		"GET /day/{date}":           h.day,
		"GET /day":                  h.pickDay,
		"GET /t/{key}":              h.thread,
		"GET /flagged":              h.flagged,
		"GET /digests":              h.digests,
		"GET /digests/{id}":         h.digest,
		"GET /search":               h.search,
		"GET /status":               h.status,
		"POST /t/{key}/{action}":    h.act,
		"POST /reader":              h.switchReader,
		"GET /digests/{id}/message": h.digestHTML,
	} {
		h.mux.Handle(pattern, h.authed(page))
	}
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.errorPage(w, r, nil, http.StatusNotFound, "No such page.", "")
	})
	return h, nil
}

// ServeHTTP applies what every response needs, then routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/l/") || r.URL.Path == "/healthz" {
		// Digest links are reached from mail, on the public URL, with their own headers.
		h.mux.ServeHTTP(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Security-Policy", pageCSP)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cache-Control", "no-store")
	if !h.o.NeedsLogin && !loopbackHost(r.Host) {
		// Without a login, only requests addressed to this machine by name are served: a web
		// page cannot rebind its own domain to 127.0.0.1 and read the UI (DNS rebinding).
		h.errorPage(w, r, nil, http.StatusMisdirectedRequest, "This web UI answers only on this machine.",
			"Open it as http://127.0.0.1 or http://localhost; to use it from elsewhere, give readers passwords and set http.listen (see configs/listdigest.example.yaml).")
		return
	}
	crossOrigin.Handler(h.mux).ServeHTTP(w, r)
}

// crossOrigin refuses state-changing requests a browser sends on behalf of another site.
var crossOrigin = func() *http.CrossOriginProtection {
	c := http.NewCrossOriginProtection()
	c.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Refused: this request came from another site.", http.StatusForbidden)
	}))
	return c
}()

// pageCSP: no scripts at all, styles and frames only from here (the digest archive frames
// the sent digest), images only inline data.
const pageCSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// view is what every page template gets besides its own data.
type view struct {
	Reader  Reader
	Readers []Reader
	// Session is nil on pages shown before login.
	Session    *session
	NeedsLogin bool
	Title      string
	// Nav is the current section, for aria-current.
	Nav  string
	Path string
	// Data is the page's own data.
	Data any
}

// CSRF is the token forms carry.
func (v *view) CSRF() string {
	if v.Session == nil {
		return ""
	}
	return v.Session.csrf()
}

// ReaderName is how the header names the reader.
func (v *view) ReaderName() string {
	r := v.Reader.Recipient
	switch {
	case r.Name != "":
		return r.Name
	case r.Address != "":
		return r.Address
	default:
		return "Local reader"
	}
}

var templates = func() map[string]*template.Template {
	pages := map[string]*template.Template{}
	names, err := assets.ReadDir("templates")
	if err != nil {
		panic(err)
	}
	for _, e := range names {
		if e.Name() == "layout.html" {
			continue
		}
		pages[strings.TrimSuffix(e.Name(), ".html")] = template.Must(template.New("layout.html").Funcs(funcs).
			ParseFS(assets, "templates/layout.html", "templates/"+e.Name()))
	}
	return pages
}()

// render writes a page in one piece, so a template error never leaves half a page under 200.
func (h *Handler) render(w http.ResponseWriter, status int, page string, v *view) {
	var buf bytes.Buffer
	if err := templates[page].Execute(&buf, v); err != nil {
		h.o.Log.Error("render page", "page", page, "error", err)
		http.Error(w, "Internal error: the page could not be drawn. The log has the details.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type errorData struct {
	Status       int
	Message, Fix string
}

// errorPage shows what went wrong and what to do. v may be nil (before a session exists).
func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request, v *view, status int, msg, fix string) {
	if v == nil {
		v = &view{}
	}
	v.Title, v.Data = http.StatusText(status), errorData{Status: status, Message: msg, Fix: fix}
	h.render(w, status, "error", v)
}

// internalError logs err and shows a page that does not leak it.
func (h *Handler) internalError(w http.ResponseWriter, r *http.Request, v *view, err error) {
	h.o.Log.Error("web UI", "path", r.URL.Path, "error", err)
	h.errorPage(w, r, v, http.StatusInternalServerError, "Something went wrong reading the database.", "The daemon's log has the details; try again in a moment.")
}

func (h *Handler) style(w http.ResponseWriter, r *http.Request) {
	b, _ := assets.ReadFile("static/style.css")
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=3600")
	w.Write(b)
}
