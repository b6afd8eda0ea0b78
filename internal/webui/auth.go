package webui

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// dummyHash is compared against when the address is unknown, so that a wrong address takes as
// long as a wrong password and response times do not reveal who has an account.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("listdigest: no such reader"), bcrypt.DefaultCost)

func (h *Handler) cookieName() string {
	if h.o.SecureCookies {
		// The __Host- prefix makes browsers refuse the cookie unless it is Secure, for this
		// host only and for every path: a sibling subdomain cannot plant or shadow it.
		return "__Host-listdigest"
	}
	return "listdigest"
}

func (h *Handler) setSession(w http.ResponseWriter, value string, ttl time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: h.cookieName(), Value: value, Path: "/", MaxAge: int(ttl.Seconds()),
		HttpOnly: true, Secure: h.o.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

func (h *Handler) reader(address string) (Reader, bool) {
	for _, r := range h.o.Readers {
		if strings.EqualFold(r.Recipient.Address, address) {
			return r, true
		}
	}
	return Reader{}, false
}

// key returns the session key of a reader: bound to their password hash where a login is
// needed, so that a new password ends the old sessions.
func (h *Handler) key(ctx context.Context, r Reader) ([]byte, error) {
	if !h.o.NeedsLogin {
		return sessionKey(h.o.Secret, ""), nil
	}
	if r.PasswordHash == nil {
		return nil, errBadSession
	}
	hash, err := r.PasswordHash(ctx)
	if err != nil {
		return nil, err
	}
	return sessionKey(h.o.Secret, hash), nil
}

// current returns the request's valid session and its reader, if any.
func (h *Handler) current(r *http.Request) (*session, Reader, bool) {
	c, err := r.Cookie(h.cookieName())
	if err != nil {
		return nil, Reader{}, false
	}
	addr, payload, mac, err := parseSession(c.Value)
	if err != nil {
		return nil, Reader{}, false
	}
	rd, ok := h.reader(addr)
	if !ok {
		return nil, Reader{}, false
	}
	key, err := h.key(r.Context(), rd)
	if err != nil {
		if err != errBadSession {
			h.o.Log.Error("read web password", "reader", addr, "error", err)
		}
		return nil, Reader{}, false
	}
	s, err := verifySession(payload, mac, key, h.o.Now())
	if err != nil {
		return nil, Reader{}, false
	}
	return s, rd, true
}

// authed wraps a page: it finds the reader, checks the CSRF token of every POST, and sends
// visitors without a session to the login page (or, on this machine only, gives them one).
func (h *Handler) authed(page func(http.ResponseWriter, *http.Request, *view)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, rd, ok := h.current(r)
		if !ok && !h.o.NeedsLogin && r.Method == http.MethodGet {
			// On this machine the reader is whoever sits at it: the first configured reader
			// until they pick another.
			rd = h.o.Readers[0]
			var value string
			s, value = newSession(rd.Recipient.Address, sessionKey(h.o.Secret, ""), h.o.Now(), h.o.SessionTTL)
			h.setSession(w, value, h.o.SessionTTL)
			ok = true
		}
		v := &view{Reader: rd, Readers: h.o.Readers, Session: s, NeedsLogin: h.o.NeedsLogin, Path: r.URL.RequestURI()}
		if !ok {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			h.errorPage(w, r, nil, http.StatusForbidden, "Your session has ended.", "Log in again, then repeat what you did.")
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if !s.checkCSRF(r.PostFormValue("csrf")) {
				h.errorPage(w, r, v, http.StatusForbidden, "This form has expired or did not come from this site.",
					"Go back, reload the page and try again.")
				return
			}
		}
		page(w, r, v)
	})
}

type loginData struct {
	Next, Address, Error string
	// NoPasswords is set when no reader can log in: the page says what to configure.
	NoPasswords bool
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	if !h.o.NeedsLogin {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	h.renderLogin(w, http.StatusOK, loginData{Next: localPath(r.URL.Query().Get("next"))})
}

func (h *Handler) renderLogin(w http.ResponseWriter, status int, d loginData) {
	d.NoPasswords = true
	for _, r := range h.o.Readers {
		if r.PasswordHash != nil {
			d.NoPasswords = false
		}
	}
	h.render(w, status, "login", &view{Title: "Log in", NeedsLogin: true, Data: d})
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	if !h.o.NeedsLogin {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	address := strings.TrimSpace(r.PostFormValue("address"))
	password := r.PostFormValue("password")
	d := loginData{Next: localPath(r.PostFormValue("next")), Address: address}
	client := clientAddr(r)
	if !h.limiter.allowed(client, h.o.Now()) {
		h.o.Log.Warn("web login refused: too many failures", "client", client)
		d.Error = "Too many failed attempts. Wait 15 minutes, then try again."
		h.renderLogin(w, http.StatusTooManyRequests, d)
		return
	}
	rd, known := h.reader(address)
	hash := string(dummyHash)
	if known && rd.PasswordHash != nil {
		got, err := rd.PasswordHash(r.Context())
		if err != nil {
			h.o.Log.Error("read web password", "reader", address, "error", err)
			known = false
		} else {
			hash = got
		}
	} else {
		known = false
	}
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	if !known || err != nil || password == "" {
		h.limiter.fail(client, h.o.Now())
		h.o.Log.Info("web login failed", "client", client) // never the address typed: it may be a password
		d.Error = "Wrong address or password."
		h.renderLogin(w, http.StatusUnauthorized, d)
		return
	}
	h.limiter.succeed(client)
	_, value := newSession(rd.Recipient.Address, sessionKey(h.o.Secret, hash), h.o.Now(), h.o.SessionTTL)
	h.setSession(w, value, h.o.SessionTTL)
	h.o.Log.Info("web login", "reader", rd.Recipient.Address)
	next := d.Next
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	h.setSession(w, "", -time.Second)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// switchReader changes whose digest, flags and marks the UI shows. It exists only where no
// login is needed (this machine); elsewhere the login decides.
func (h *Handler) switchReader(w http.ResponseWriter, r *http.Request, v *view) {
	if h.o.NeedsLogin {
		h.errorPage(w, r, v, http.StatusForbidden, "Log out and log in as the other reader.", "")
		return
	}
	rd, ok := h.reader(r.PostFormValue("address"))
	if !ok {
		h.errorPage(w, r, v, http.StatusBadRequest, "No such reader.", "Pick one from the list.")
		return
	}
	_, value := newSession(rd.Recipient.Address, sessionKey(h.o.Secret, ""), h.o.Now(), h.o.SessionTTL)
	h.setSession(w, value, h.o.SessionTTL)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// localPath returns p if it is a path on this site, else "": redirects after login and
// actions must never lead elsewhere ("//evil.example", "/\evil.example", "https://...").
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") {
		return ""
	}
	return p
}
