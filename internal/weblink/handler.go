package weblink

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"
)

// Store is what the handler needs from the database.
type Store interface {
	// Apply performs c.Action on c.Thread for c.Recipient and returns the thread's subject for
	// the result page. It must be idempotent: a reader may press the button twice, or reload
	// the result page and post again.
	Apply(ctx context.Context, c Claims) (subject string, err error)
}

// Previewer may be implemented by a Store so that the confirmation page (GET) can name the
// thread. Subject must not change anything: link scanners call it. Without it, or when it
// fails, the page says "this thread" instead.
type Previewer interface {
	// Subject returns the subject of c.Thread as c.Recipient would see it.
	Subject(ctx context.Context, c Claims) (string, error)
}

// Time budgets for the store. NewServer's WriteTimeout is longer than applyTimeout, so a slow
// store gets the 500 page rather than a dropped connection.
const (
	applyTimeout   = 10 * time.Second
	previewTimeout = 3 * time.Second
)

// contentSecurityPolicy allows the page's inline style and its form posting back to us, and
// nothing else: no scripts, images, fonts, remote styles, framing or <base> tricks.
const contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Handler serves digest links: GET /l/{token} asks for confirmation, POST /l/{token} applies
// the action through st, GET /healthz answers "ok", and everything else is 404. log receives
// the internal errors (never a token); nil discards them. See the package doc for why GET
// never acts.
func Handler(s *Signer, st Store, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &handler{signer: s, store: st, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /l/{token}", h.showLink)
	mux.HandleFunc("POST /l/{token}", h.applyLink)
	mux.HandleFunc("GET /healthz", h.health)
	// The catch-all also takes other methods on /l/{token}, which the mux would otherwise
	// answer with 405: links are only ever GET or POST, so anything else is not a page here.
	mux.HandleFunc("/", h.notFound)
	return securityHeaders(mux)
}

type handler struct {
	signer *Signer
	store  Store
	log    *slog.Logger
}

// securityHeaders applies to every response, error pages and /healthz included.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		// The pages are per-recipient and the URL is a credential: no shared cache may keep them.
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// verify returns the request's claims, or writes the error page and returns false.
func (h *handler) verify(w http.ResponseWriter, r *http.Request) (Claims, bool) {
	c, err := h.signer.Verify(r.PathValue("token"))
	switch {
	case err == nil:
		return c, true
	case errors.Is(err, ErrExpired):
		h.log.Info("verify link", "thread_id", c.Thread, "action", string(c.Action), "error", err)
		h.render(w, expiredPage(c.Action))
	case errors.Is(err, ErrMalformed), errors.Is(err, ErrBadSignature):
		// Warn: a stream of these means someone is probing, or a gateway mangles links.
		h.log.Warn("verify link", "method", r.Method, "error", err)
		h.render(w, invalidPage())
	default:
		h.log.Error("verify link", "error", err)
		h.render(w, internalErrorPage())
	}
	return Claims{}, false
}

// render writes p in one go, so a template failure cannot leave half a page under a 200.
func (h *handler) render(w http.ResponseWriter, p page) {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		h.log.Error("render page", "error", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(p.Status)
	w.Write(buf.Bytes())
}

func (h *handler) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok"))
}

func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.render(w, notFoundPage())
}
