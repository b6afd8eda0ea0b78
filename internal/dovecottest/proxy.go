package dovecottest

import (
	"net"
	"sync"
	"testing"
	"time"
)

// proxyDialTimeout bounds the proxy's connection to its target.
const proxyDialTimeout = 5 * time.Second

// Proxy is a TCP proxy on 127.0.0.1 for injecting connection faults between
// a client and a server, such as a connection dropped in the middle of a
// FETCH or a server that stops answering. It forwards bytes unchanged in both
// directions and knows nothing about IMAP, so it works for implicit TLS and
// STARTTLS too.
//
// Each accepted connection gets its own connection to the target. When either
// side closes or fails, the proxy closes both. All of its goroutines end by
// the time Close returns. Its methods may be called from any goroutine.
type Proxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	conns   map[*proxyConn]struct{}
	cutLeft int64         // bytes server→client before the cut; <0: not armed
	stalled chan struct{} // non-nil while stalled; closed by Resume and Close
	closed  bool
	cuts    int

	wg sync.WaitGroup
}

// proxyConn is one client connection and its connection to the target.
type proxyConn struct {
	client net.Conn

	mu     sync.Mutex
	server net.Conn // nil until dialed
	closed bool
}

// close closes both sides; it may be called any number of times.
func (c *proxyConn) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	c.client.Close()
	if c.server != nil {
		c.server.Close()
	}
}

// setServer records the target connection, or closes it and reports false
// if c was closed while dialing.
func (c *proxyConn) setServer(server net.Conn) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		server.Close()
		return false
	}
	c.server = server
	return true
}

// NewProxy starts a proxy on 127.0.0.1 with a random port that forwards
// connections to target (host:port). It is closed by tb's cleanup.
func NewProxy(tb testing.TB, target string) *Proxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("dovecottest: NewProxy(%q): %v", target, err)
	}
	p := &Proxy{
		ln:      ln,
		target:  target,
		conns:   make(map[*proxyConn]struct{}),
		cutLeft: -1,
	}
	p.wg.Add(1)
	go p.acceptLoop()
	tb.Cleanup(p.Close)
	return p
}

// Addr returns the address clients should dial instead of the target.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// CutAfter arms a one-time cut: once n more bytes in total have been
// forwarded from the server to clients (counting from this call, over all
// connections), the proxy forwards exactly those n bytes and then closes
// every connection that is open at that moment, as a network failure in the
// middle of a response would. Connections made after the cut are forwarded
// normally until CutAfter is called again. CutAfter(0) closes all current
// connections now; a negative n disarms a pending cut.
func (p *Proxy) CutAfter(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n < 0 {
		p.cutLeft = -1
		return
	}
	p.cutLeft = n
	if n == 0 {
		p.cutLocked()
	}
}

// Cuts returns how many times a CutAfter cut has closed connections.
func (p *Proxy) Cuts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cuts
}

// cutLocked closes every open connection and disarms the cut.
func (p *Proxy) cutLocked() {
	for c := range p.conns {
		c.close()
	}
	p.cutLeft = -1
	p.cuts++
}

// Stall stops forwarding in both directions without closing anything, as a
// hung server or a black-holed network would: bytes already read are held
// back, and once the socket buffers fill, writers block. New connections are
// accepted but stalled too. Resume undoes it.
func (p *Proxy) Stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stalled == nil && !p.closed {
		p.stalled = make(chan struct{})
	}
}

// Resume continues forwarding after Stall, delivering what was held back.
func (p *Proxy) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stalled != nil {
		close(p.stalled)
		p.stalled = nil
	}
}

// Close stops the listener, closes every connection and waits for all of the
// proxy's goroutines to end. It may be called more than once.
func (p *Proxy) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		p.ln.Close()
		for c := range p.conns {
			c.close()
		}
		if p.stalled != nil {
			close(p.stalled)
			p.stalled = nil
		}
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Proxy) acceptLoop() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return // closed by Close
		}
		c := &proxyConn{client: client}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			client.Close()
			return
		}
		p.conns[c] = struct{}{}
		p.wg.Add(1)
		p.mu.Unlock()
		go p.serve(c)
	}
}

// serve connects c to the target and forwards until either side ends.
func (p *Proxy) serve(c *proxyConn) {
	defer p.wg.Done()
	defer func() {
		c.close()
		p.mu.Lock()
		delete(p.conns, c)
		p.mu.Unlock()
	}()

	server, err := net.DialTimeout("tcp", p.target, proxyDialTimeout)
	if err != nil {
		return
	}
	if !c.setServer(server) {
		return // cut or closed while dialing
	}

	done := make(chan struct{}, 2)
	go func() {
		p.forward(c, c.client, server, false)
		done <- struct{}{}
	}()
	p.forward(c, server, c.client, true)
	c.close()
	<-done
}

// forward copies src to dst until an error, honouring Stall and, for the
// server→client direction, CutAfter. It closes c when it ends.
func (p *Proxy) forward(c *proxyConn, src, dst net.Conn, toClient bool) {
	defer c.close()
	buf := make([]byte, 32*1024)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.waitUnstalled() {
				return
			}
			chunk, cut := buf[:n], false
			if toClient {
				chunk, cut = p.take(chunk)
			}
			if len(chunk) > 0 {
				if _, werr := dst.Write(chunk); werr != nil {
					return
				}
			}
			if cut {
				p.mu.Lock()
				if p.cutLeft == 0 {
					p.cutLocked()
				}
				p.mu.Unlock()
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// take accounts chunk against an armed cut and returns the part of it to
// forward and whether the cut is due after forwarding it.
func (p *Proxy) take(chunk []byte) ([]byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cutLeft < 0 {
		return chunk, false
	}
	if int64(len(chunk)) < p.cutLeft {
		p.cutLeft -= int64(len(chunk))
		return chunk, false
	}
	chunk = chunk[:p.cutLeft]
	p.cutLeft = 0
	return chunk, true
}

// waitUnstalled blocks while the proxy is stalled and reports whether to go
// on (false once the proxy is closed).
func (p *Proxy) waitUnstalled() bool {
	for {
		p.mu.Lock()
		ch, closed := p.stalled, p.closed
		p.mu.Unlock()
		if closed {
			return false
		}
		if ch == nil {
			return true
		}
		<-ch
	}
}
