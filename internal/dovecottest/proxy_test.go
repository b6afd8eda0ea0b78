package dovecottest

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

// testTarget is a TCP server for proxy tests. Each connection first receives
// greeting, then everything it sends is echoed back.
type testTarget struct {
	ln       net.Listener
	greeting []byte
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    []net.Conn
}

func newTestTarget(t *testing.T, greeting []byte) *testTarget {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tt := &testTarget{ln: ln, greeting: greeting}
	tt.wg.Add(1)
	go func() {
		defer tt.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			tt.mu.Lock()
			tt.conns = append(tt.conns, c)
			tt.mu.Unlock()
			tt.wg.Add(1)
			go func() {
				defer tt.wg.Done()
				defer c.Close()
				if _, err := c.Write(tt.greeting); err != nil {
					return
				}
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		tt.mu.Lock()
		for _, c := range tt.conns {
			c.Close()
		}
		tt.mu.Unlock()
		tt.wg.Wait()
	})
	return tt
}

func dialProxy(t *testing.T, p *Proxy) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", p.Addr(), waitTimeout)
	if err != nil {
		t.Fatalf("dial proxy: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.SetDeadline(time.Now().Add(waitTimeout)); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestProxyCutAfter(t *testing.T) {
	greeting := bytes.Repeat([]byte("0123456789abcdef"), 64*1024/16) // 64 KiB
	tt := newTestTarget(t, greeting)
	p := NewProxy(t, tt.ln.Addr().String())

	p.CutAfter(40_000)
	c := dialProxy(t, p)
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("read through cut proxy: %v", err)
	}
	if len(got) != 40_000 || !bytes.Equal(got, greeting[:40_000]) {
		t.Fatalf("read %d bytes through CutAfter(40000); want the first 40000 bytes, then EOF", len(got))
	}
	if n := p.Cuts(); n != 1 {
		t.Errorf("Cuts() = %d; want 1", n)
	}

	// One-shot: the next connection is forwarded whole.
	c = dialProxy(t, p)
	buf := make([]byte, len(greeting))
	if _, err := io.ReadFull(c, buf); err != nil || !bytes.Equal(buf, greeting) {
		t.Fatalf("read after the cut: %v", err)
	}

	// CutAfter(0) drops open connections at once.
	p.CutAfter(0)
	if _, err := c.Read(buf[:1]); !errors.Is(err, io.EOF) && !isNetError(err) {
		t.Fatalf("Read after CutAfter(0) = %v; want EOF", err)
	}
	if n := p.Cuts(); n != 2 {
		t.Errorf("Cuts() = %d; want 2", n)
	}

	// A disarmed cut never fires.
	p.CutAfter(10)
	p.CutAfter(-1)
	c = dialProxy(t, p)
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatalf("read with a disarmed cut: %v", err)
	}
}

func isNetError(err error) bool {
	var ne *net.OpError
	return errors.As(err, &ne)
}

func TestProxyStallResume(t *testing.T) {
	tt := newTestTarget(t, []byte("hello\n"))
	p := NewProxy(t, tt.ln.Addr().String())
	c := dialProxy(t, p)
	buf := make([]byte, 6)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "hello\n" {
		t.Fatalf("greeting = %q, %v; want hello", buf, err)
	}

	p.Stall()
	if _, err := c.Write([]byte("ping\n")); err != nil {
		t.Fatal(err)
	}
	if err := c.SetReadDeadline(time.Now().Add(200 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read while stalled = %d, %v; want a timeout", n, err)
	}

	p.Resume()
	if err := c.SetReadDeadline(time.Now().Add(waitTimeout)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, buf[:5]); err != nil || string(buf[:5]) != "ping\n" {
		t.Fatalf("echo after Resume = %q, %v; want ping", buf[:5], err)
	}

	// Close returns while connections are stalled, and drops them.
	p.Stall()
	closed := make(chan struct{})
	go func() {
		p.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(waitTimeout):
		t.Fatalf("Close did not return within %v while stalled", waitTimeout)
	}
	if _, err := c.Read(buf); err == nil {
		t.Errorf("Read after Close succeeded; want EOF")
	}
	p.Close() // idempotent
	if c, err := net.DialTimeout("tcp", p.Addr(), time.Second); err == nil {
		c.Close()
		t.Errorf("dial after Close succeeded")
	}
}

func TestProxyTargetDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := NewProxy(t, addr)
	c := dialProxy(t, p)
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatalf("Read through a proxy whose target is down succeeded")
	}
}
