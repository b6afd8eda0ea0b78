package weblink

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

const testSubject = "Year 5 books on resilience"

// wantHeaders are on every response, whatever its status.
var wantHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
	"X-Content-Type-Options":  "nosniff",
	"Referrer-Policy":         "no-referrer",
	"Cache-Control":           "no-store",
}

func TestHandler(t *testing.T) {
	s := testSigner()
	flag, done, snooze := testClaims(ActionFlag), testClaims(ActionDone), testClaims(ActionSnooze)
	flagTok := mustToken(t, s, flag)
	doneTok := mustToken(t, s, done)
	snoozeTok := mustToken(t, s, snooze)

	expired := flag
	expired.Expires = testNow.Add(-time.Hour)
	expiredTok := s.sign(encodePayload(expired))
	unknownAction := encodePayload(flag)
	unknownAction[1] = 'x'
	swapped := flag
	swapped.Thread = "tfedcba9876543210"
	payload, mac, _ := strings.Cut(flagTok, ".")

	// The day the page names: the server's zone, as in formatDay.
	until := testNow.Add(72 * time.Hour).In(time.Local).Format("Mon 2 Jan")

	tests := []struct {
		name        string
		method      string
		path        string
		storeErr    error
		noPreview   bool // a Store that is not a Previewer
		wantStatus  int
		wantBody    []string
		wantApplied []Claims
	}{
		{
			name: "GET flag asks", method: "GET", path: "/l/" + flagTok, wantStatus: 200,
			wantBody: []string{"Flag “<bdi>" + testSubject + "</bdi>” for follow-up?", `<form method="post"><button type="submit">Flag for follow-up</button></form>`, "Nothing changes until you press the button."},
		},
		{
			name: "GET flag without Previewer", method: "GET", path: "/l/" + flagTok, noPreview: true, wantStatus: 200,
			wantBody: []string{"Flag this thread for follow-up?", "<button"},
		},
		{
			name: "GET done asks", method: "GET", path: "/l/" + doneTok, wantStatus: 200,
			wantBody: []string{"Mark “<bdi>" + testSubject + "</bdi>” as done?", ">Mark as done</button>"},
		},
		{
			name: "GET snooze asks", method: "GET", path: "/l/" + snoozeTok, wantStatus: 200,
			wantBody: []string{"Snooze “<bdi>" + testSubject + "</bdi>” for 3 days, until " + until + "?", ">Snooze until " + until + "</button>"},
		},
		{name: "HEAD flag", method: "HEAD", path: "/l/" + flagTok, wantStatus: 200},
		{
			name: "POST flag applies", method: "POST", path: "/l/" + flagTok, wantStatus: 200,
			wantBody: []string{"<h1>Flagged.</h1>", testSubject, "You can close this page."}, wantApplied: []Claims{flag},
		},
		{
			name: "POST flag without Previewer", method: "POST", path: "/l/" + flagTok, noPreview: true, wantStatus: 200,
			wantBody: []string{"<h1>Flagged.</h1>", testSubject}, wantApplied: []Claims{flag},
		},
		{
			name: "POST done applies", method: "POST", path: "/l/" + doneTok, wantStatus: 200,
			wantBody: []string{"<h1>Done.</h1>"}, wantApplied: []Claims{done},
		},
		{
			name: "POST snooze applies", method: "POST", path: "/l/" + snoozeTok, wantStatus: 200,
			wantBody: []string{"<h1>Snoozed until " + until + ".</h1>"}, wantApplied: []Claims{snooze},
		},
		{
			name: "POST tampered signature", method: "POST", path: "/l/" + payload + "." + flipChar(mac, 10), wantStatus: 400,
			wantBody: []string{"This link doesn&#39;t work", "Nothing was changed."},
		},
		{
			name: "GET tampered signature", method: "GET", path: "/l/" + payload + "." + flipChar(mac, 10), wantStatus: 400,
			wantBody: []string{"This link doesn&#39;t work"},
		},
		{name: "POST truncated token", method: "POST", path: "/l/" + flagTok[:len(flagTok)-7], wantStatus: 400},
		{name: "POST truncated at separator", method: "POST", path: "/l/" + payload, wantStatus: 400},
		{name: "POST thread swapped", method: "POST", path: "/l/" + withPayload(t, flagTok, swapped), wantStatus: 400},
		{name: "GET thread swapped", method: "GET", path: "/l/" + withPayload(t, flagTok, swapped), wantStatus: 400},
		{name: "POST unknown action", method: "POST", path: "/l/" + s.sign(unknownAction), wantStatus: 400},
		{name: "POST garbage", method: "POST", path: "/l/%3Cscript%3E", wantStatus: 400, wantBody: []string{"This link doesn&#39;t work"}},
		{
			name: "POST expired", method: "POST", path: "/l/" + expiredTok, wantStatus: 410,
			wantBody: []string{"<h1>This link has expired</h1>", "Digest links last 30 days, so nothing was changed.", "Flag the thread from your mail client or with listdigest flag."},
		},
		{name: "GET expired", method: "GET", path: "/l/" + expiredTok, wantStatus: 410, wantBody: []string{"This link has expired"}},
		{
			name: "POST store error", method: "POST", path: "/l/" + flagTok, storeErr: errors.New("sqlite: database is locked"), wantStatus: 500,
			wantBody: []string{"Something went wrong", "try the link again"}, wantApplied: []Claims{flag},
		},
		{name: "GET healthz", method: "GET", path: "/healthz", wantStatus: 200, wantBody: []string{"ok"}},
		{name: "POST healthz", method: "POST", path: "/healthz", wantStatus: 404},
		{name: "GET root", method: "GET", path: "/", wantStatus: 404, wantBody: []string{"There is nothing here"}},
		{name: "GET empty token", method: "GET", path: "/l/", wantStatus: 404},
		{name: "GET extra segment", method: "GET", path: "/l/" + flagTok + "/x", wantStatus: 404},
		{name: "PUT link", method: "PUT", path: "/l/" + flagTok, wantStatus: 404},
		{name: "DELETE link", method: "DELETE", path: "/l/" + flagTok, wantStatus: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := &fakeStore{subject: testSubject, err: tt.storeErr}
			var st Store = fs
			if tt.noPreview {
				st = applyOnly{fs}
			}
			var logs syncBuffer
			h := Handler(s, st, slog.New(slog.NewTextHandler(&logs, nil)))

			r := httptest.NewRequest(tt.method, tt.path, nil)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)

			req := tt.method + " " + tt.path
			if w.Code != tt.wantStatus {
				t.Errorf("handler(%q) = %d; want %d", req, w.Code, tt.wantStatus)
			}
			body := w.Body.String()
			for _, want := range tt.wantBody {
				if !strings.Contains(body, want) {
					t.Errorf("handler(%q) body lacks %q:\n%s", req, want, body)
				}
			}
			if got := fs.appliedClaims(); !reflect.DeepEqual(got, tt.wantApplied) && (len(got) > 0 || len(tt.wantApplied) > 0) {
				t.Errorf("handler(%q) applied %+v; want %+v", req, got, tt.wantApplied)
			}
			if tt.wantStatus != 200 && fs.previews > 0 {
				t.Errorf("handler(%q) asked the store for a preview %d times; want none for a refused link", req, fs.previews)
			}
			checkHeaders(t, req, w)
			checkNoLeak(t, req, body, logs.String(), tt.path)
			if tt.storeErr != nil {
				if strings.Contains(body, tt.storeErr.Error()) {
					t.Errorf("handler(%q) body shows the internal error %q", req, tt.storeErr)
				}
				if !strings.Contains(logs.String(), tt.storeErr.Error()) {
					t.Errorf("handler(%q) log lacks the internal error %q:\n%s", req, tt.storeErr, logs.String())
				}
			}
		})
	}
}

func TestHandlerShortKey(t *testing.T) {
	good := mustToken(t, testSigner(), testClaims(ActionFlag))
	s := testSigner()
	s.Key = testKey[:MinKeyLen-1]
	for _, method := range []string{"GET", "POST"} {
		fs := &fakeStore{subject: testSubject}
		var logs syncBuffer
		h := Handler(s, fs, slog.New(slog.NewTextHandler(&logs, nil)))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(method, "/l/"+good, nil))
		req := method + " /l/" + good
		if w.Code != 500 {
			t.Errorf("handler(%q) with a short key = %d; want 500", req, w.Code)
		}
		if n := len(fs.appliedClaims()); n != 0 {
			t.Errorf("handler(%q) with a short key applied %d times; want 0", req, n)
		}
		if !strings.Contains(logs.String(), "link key too short") {
			t.Errorf("handler(%q) log lacks the key error:\n%s", req, logs.String())
		}
		checkNoLeak(t, req, w.Body.String(), logs.String(), "/l/"+good)
	}
}

// TestHandlerEscapes feeds the pages hostile mail-derived text.
func TestHandlerEscapes(t *testing.T) {
	s := testSigner()
	tok := mustToken(t, s, testClaims(ActionFlag))
	fs := &fakeStore{subject: "<script>alert(1)</script> \u202eevil\u202c &\r\n  Co " + strings.Repeat("x", 300)}
	h := Handler(s, fs, nil)
	for _, method := range []string{"GET", "POST"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(method, "/l/"+tok, nil))
		body := w.Body.String()
		req := method + " /l/" + tok
		if w.Code != 200 {
			t.Fatalf("handler(%q) = %d; want 200", req, w.Code)
		}
		for _, bad := range []string{"<script", "\u202e", "\r"} {
			if strings.Contains(body, bad) {
				t.Errorf("handler(%q) body contains %q", req, bad)
			}
		}
		if want := "&lt;script&gt;alert(1)&lt;/script&gt; evil &amp; Co xxx"; !strings.Contains(body, want) {
			t.Errorf("handler(%q) body lacks %q:\n%s", req, want, body)
		}
		if strings.Contains(body, strings.Repeat("x", 250)) {
			t.Errorf("handler(%q) body shows the whole 300-character subject; want it capped", req)
		}
	}
}

func TestHandlerPostTwice(t *testing.T) {
	s := testSigner()
	tok := mustToken(t, s, testClaims(ActionFlag))
	fs := &fakeStore{subject: testSubject}
	h := Handler(s, fs, nil)
	for i := 0; i < 2; i++ {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("POST", "/l/"+tok, nil))
		if w.Code != 200 {
			t.Errorf("handler(POST #%d) = %d; want 200", i+1, w.Code)
		}
	}
	// The store makes it idempotent; the handler passes every press on.
	if n := len(fs.appliedClaims()); n != 2 {
		t.Errorf("two POSTs applied %d times; want 2", n)
	}
}

func TestFormatSpan(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{24 * time.Hour, "1 day"},
		{72 * time.Hour, "3 days"},
		{30 * 24 * time.Hour, "30 days"},
		{36 * time.Hour, "36 hours"},
		{time.Hour, "1 hour"},
		{90 * time.Minute, "90 minutes"},
		{90 * time.Second, "1m30s"},
	}
	for _, tt := range tests {
		if got := formatSpan(tt.d); got != tt.want {
			t.Errorf("formatSpan(%v) = %q; want %q", tt.d, got, tt.want)
		}
	}
}

func checkHeaders(t *testing.T, req string, w *httptest.ResponseRecorder) {
	t.Helper()
	for k, want := range wantHeaders {
		if got := w.Header().Get(k); !strings.HasPrefix(got, want) {
			t.Errorf("handler(%q) header %s = %q; want prefix %q", req, k, got, want)
		}
	}
	ct := w.Header().Get("Content-Type")
	if !strings.HasPrefix(ct, "text/html; charset=utf-8") && !strings.HasPrefix(ct, "text/plain; charset=utf-8") {
		t.Errorf("handler(%q) Content-Type = %q; want text/html or text/plain with charset", req, ct)
	}
}

// checkNoLeak makes sure neither the page nor the log repeats the token or the key.
func checkNoLeak(t *testing.T, req, body, logs, path string) {
	t.Helper()
	tok, ok := strings.CutPrefix(path, "/l/")
	if ok && len(tok) > 8 {
		if strings.Contains(body, tok) {
			t.Errorf("handler(%q) body contains the token", req)
		}
		if strings.Contains(logs, tok) {
			t.Errorf("handler(%q) log contains the token:\n%s", req, logs)
		}
	}
	if strings.Contains(logs, string(testKey)) || strings.Contains(body, string(testKey)) {
		t.Errorf("handler(%q) leaks the key", req)
	}
}

// TestHandlerMethods pins the routing table against the ServeMux's own 405 behaviour.
func TestHandlerMethods(t *testing.T) {
	h := Handler(testSigner(), &fakeStore{}, nil)
	for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(m, "/l/x.y", nil))
		if w.Code != 404 {
			t.Errorf("handler(%q) = %d; want 404", m+" /l/x.y", w.Code)
		}
		if allow := w.Header().Get("Allow"); allow != "" {
			t.Errorf("handler(%q) Allow = %q; want none", m+" /l/x.y", allow)
		}
	}
}
