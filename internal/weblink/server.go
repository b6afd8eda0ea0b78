package weblink

import (
	"net/http"
	"time"
)

// NewServer returns an http.Server for h on addr with every timeout set, so a slow or idle
// client cannot hold a connection open: this server faces the internet and link scanners.
// The caller starts it (ListenAndServe, or Serve on its own listener) and shuts it down.
func NewServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:    addr,
		Handler: h,
		// Slowloris: headers must arrive promptly.
		ReadHeaderTimeout: 5 * time.Second,
		// The body is never read (an empty form), so reading needs little more.
		ReadTimeout: 10 * time.Second,
		// Longer than applyTimeout, so a slow store still gets its error page out.
		WriteTimeout: applyTimeout + 10*time.Second,
		IdleTimeout:  2 * time.Minute,
		// A link is ~200 bytes; generous room for proxies' headers, far below the 1 MiB default.
		MaxHeaderBytes: 64 << 10,
	}
}
