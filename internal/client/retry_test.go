package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// failFirst answers the first n requests with fail and the rest with ok.
func failFirst(n int64, fail, ok func(w http.ResponseWriter, r *http.Request)) func(http.ResponseWriter, *http.Request, []byte) {
	var seen atomic.Int64
	return func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if seen.Add(1) <= n {
			fail(w, r)
			return
		}
		ok(w, r)
	}
}

func status(code int, header ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		writeRaw(w, code, "application/json", `{"message":"You are being rate limited."}`)
	}
}

func connectionOK(w http.ResponseWriter, _ *http.Request) { okConnection(w) }

func jobOK(w http.ResponseWriter, _ *http.Request) {
	writeRaw(w, http.StatusOK, "application/json",
		`{"jobId":1234,"status":"running","jobType":"sync","startTime":"2024-05-01T12:34:56Z","connectionId":"`+connID+`"}`)
}

// dropConnection hijacks the connection and closes it without a response;
// with reset the close sends a TCP RST ("connection reset by peer").
func dropConnection(reset bool) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		if tcp, ok := conn.(*net.TCPConn); ok && reset {
			_ = tcp.SetLinger(0)
		}
		_ = conn.Close()
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	srv := newFakeServer(t, failFirst(1, status(http.StatusTooManyRequests, "Retry-After", "3"), connectionOK))
	clock := newTestClock()
	c := newTestClient(t, srv.root(), func(c *Config) { c.Clock = clock; c.RetryAfterMax = time.Minute })
	if _, err := c.GetConnection(context.Background(), connID); err != nil {
		t.Fatal(err)
	}
	if got := clock.recorded(); len(got) != 1 || got[0] != 3*time.Second {
		t.Errorf("waits = %v, want [3s]", got)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("requests = %d, want 2", n)
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	date := now.Add(5 * time.Second).Format(http.TimeFormat)
	srv := newFakeServer(t, failFirst(1, status(http.StatusServiceUnavailable, "Retry-After", date), connectionOK))
	clock := newTestClock()
	clock.now = now
	c := newTestClient(t, srv.root(), func(c *Config) { c.Clock, c.RetryAfterMax = clock, time.Minute })
	if _, err := c.GetConnection(context.Background(), connID); err != nil {
		t.Fatal(err)
	}
	if got := clock.recorded(); len(got) != 1 || got[0] != 5*time.Second {
		t.Errorf("waits = %v, want [5s]", got)
	}
}

func TestRetryAfterIsCapped(t *testing.T) {
	srv := newFakeServer(t, failFirst(1, status(http.StatusTooManyRequests, "Retry-After", "86400"), connectionOK))
	clock := newTestClock()
	c := newTestClient(t, srv.root(), func(c *Config) { c.Clock, c.RetryAfterMax = clock, 10*time.Second })
	if _, err := c.GetConnection(context.Background(), connID); err != nil {
		t.Fatal(err)
	}
	if got := clock.recorded(); len(got) != 1 || got[0] != 10*time.Second {
		t.Errorf("waits = %v, want [10s]", got)
	}
}

func TestRateLimitWithoutRetryAfterUsesBackoff(t *testing.T) {
	srv := newFakeServer(t, failFirst(3, status(http.StatusTooManyRequests), connectionOK))
	clock := newTestClock()
	c := newTestClient(t, srv.root(), func(c *Config) {
		c.Clock, c.RetryWaitMin, c.RetryWaitMax = clock, 100*time.Millisecond, 300*time.Millisecond
	})
	if _, err := c.GetConnection(context.Background(), connID); err != nil {
		t.Fatal(err)
	}
	got := clock.recorded()
	if len(got) != 3 {
		t.Fatalf("waits = %v, want 3", got)
	}
	for i, d := range got {
		ceiling := min(100*time.Millisecond<<i, 300*time.Millisecond)
		if d < 0 || d > ceiling {
			t.Errorf("wait %d = %v, outside [0, %v]", i, d, ceiling)
		}
	}
}

func TestBackoffIsCappedFullJitter(t *testing.T) {
	c := newTestClient(t, "", withBearer, func(c *Config) { c.RetryWaitMin, c.RetryWaitMax = 100*time.Millisecond, time.Second })
	var longest [8]time.Duration
	for range 500 {
		b := c.newBackoff()
		for i := range longest {
			d, fromServer := c.nextWait(b, http.Header{})
			ceiling := min(100*time.Millisecond<<i, time.Second)
			if fromServer || d < 0 || d > ceiling {
				t.Fatalf("wait %d = %v, outside [0, %v]", i, d, ceiling)
			}
			longest[i] = max(longest[i], d)
		}
	}
	// Full jitter spreads over the whole range: over 500 draws the longest
	// wait comes close to the ceiling.
	if longest[0] < 80*time.Millisecond || longest[7] < 800*time.Millisecond {
		t.Errorf("longest waits %v do not reach their ceilings", longest)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{" 12 ", 12 * time.Second, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"", 0, false},
		{"-3", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestGatewayErrorsAreRetriedForReads(t *testing.T) {
	for _, code := range []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			srv := newFakeServer(t, failFirst(2, status(code), connectionOK))
			c := newTestClient(t, srv.root())
			if _, err := c.GetConnection(context.Background(), connID); err != nil {
				t.Fatal(err)
			}
			if n := len(srv.requests()); n != 3 {
				t.Errorf("requests = %d, want 3", n)
			}
		})
	}
}

func TestInternalServerErrorIsNotRetried(t *testing.T) {
	srv := newFakeServer(t, failFirst(1, status(http.StatusInternalServerError), connectionOK))
	c := newTestClient(t, srv.root())
	if _, err := c.GetConnection(context.Background(), connID); StatusCode(err) != 500 {
		t.Fatalf("err = %v, want the 500", err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}

func TestBrokenConnectionsAreRetriedForReads(t *testing.T) {
	for name, reset := range map[string]bool{"reset": true, "EOF": false} {
		t.Run(name, func(t *testing.T) {
			srv := newFakeServer(t, failFirst(1, dropConnection(reset), connectionOK))
			c := newTestClient(t, srv.root())
			if _, err := c.GetConnection(context.Background(), connID); err != nil {
				t.Fatal(err)
			}
			if n := len(srv.requests()); n != 2 {
				t.Errorf("requests = %d, want 2", n)
			}
		})
	}
}

func TestAttemptTimeoutIsRetried(t *testing.T) {
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}
	srv := newFakeServer(t, failFirst(1, slow, connectionOK))
	c := newTestClient(t, srv.root(), func(c *Config) { c.RequestTimeout = 100 * time.Millisecond })
	if _, err := c.GetConnection(context.Background(), connID); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("requests = %d, want 2", n)
	}
}

func TestMaxRetriesBound(t *testing.T) {
	tests := []struct {
		maxRetries int
		requests   int
	}{
		{maxRetries: 3, requests: 4},
		{maxRetries: 0, requests: DefaultMaxRetries + 1}, // zero selects the default
		{maxRetries: -1, requests: 1},                    // negative disables retries
	}
	for _, tt := range tests {
		srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { status(http.StatusServiceUnavailable)(w, r) })
		c := newTestClient(t, srv.root(), func(c *Config) { c.MaxRetries = tt.maxRetries })
		_, err := c.GetConnection(context.Background(), connID)
		if StatusCode(err) != http.StatusServiceUnavailable {
			t.Errorf("MaxRetries %d: err = %v, want the 503", tt.maxRetries, err)
		}
		if tt.requests > 1 && !strings.Contains(err.Error(), "giving up after") {
			t.Errorf("MaxRetries %d: error %q does not say it gave up", tt.maxRetries, err)
		}
		if n := len(srv.requests()); n != tt.requests {
			t.Errorf("MaxRetries %d: requests = %d, want %d", tt.maxRetries, n, tt.requests)
		}
	}
}

func TestContextCancelDuringBackoffReturnsPromptly(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		status(http.StatusTooManyRequests, "Retry-After", "30")(w, r)
	})
	c := newTestClient(t, srv.root(), func(c *Config) { c.RetryAfterMax = time.Minute })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)

	start := time.Now()
	_, err := c.GetConnection(ctx, connID)
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("returned after %v", elapsed)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}

func TestWaitPastDeadlineIsNotStarted(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		status(http.StatusTooManyRequests, "Retry-After", "30")(w, r)
	})
	c := newTestClient(t, srv.root(), func(c *Config) { c.RetryAfterMax = time.Minute })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.GetConnection(ctx, connID)
	if time.Since(start) > time.Second {
		t.Errorf("waited for a retry that could not happen before the deadline")
	}
	if StatusCode(err) != http.StatusTooManyRequests || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("err = %v", err)
	}
}

// creates are the non-idempotent operations.
var creates = map[string]struct {
	path string
	ok   func(http.ResponseWriter, *http.Request)
	call func(*Client) error
}{
	"POST /connections": {"/connections", connectionOK, func(c *Client) error {
		_, err := c.CreateConnection(context.Background(), ConnectionCreateRequest{SourceID: srcID, DestinationID: dstID})
		return err
	}},
	"POST /jobs": {"/jobs", jobOK, func(c *Client) error {
		_, err := c.CreateJob(context.Background(), connID, JobTypeSync)
		return err
	}},
}

func TestCreatesAreNotBlindlyRetried(t *testing.T) {
	failures := map[string]func(http.ResponseWriter, *http.Request){
		"502":   status(http.StatusBadGateway),
		"503":   status(http.StatusServiceUnavailable),
		"504":   status(http.StatusGatewayTimeout),
		"reset": dropConnection(true),
		"EOF":   dropConnection(false),
	}
	for name, op := range creates {
		for fname, fail := range failures {
			t.Run(name+" "+fname, func(t *testing.T) {
				srv := newFakeServer(t, failFirst(1, fail, op.ok))
				c := newTestClient(t, srv.root())
				before := time.Now()
				err := op.call(c)
				var amb *AmbiguousError
				if !errors.As(err, &amb) || !IsAmbiguous(err) {
					t.Fatalf("err = %v, want an *AmbiguousError", err)
				}
				if amb.Method != http.MethodPost || amb.Path != op.path || amb.StartedAt.Before(before.Add(-time.Second)) {
					t.Errorf("AmbiguousError = %+v", amb)
				}
				if n := len(srv.requests()); n != 1 {
					t.Errorf("requests = %d, want exactly 1", n)
				}
			})
		}
		t.Run(name+" 429", func(t *testing.T) {
			srv := newFakeServer(t, failFirst(2, status(http.StatusTooManyRequests), op.ok))
			c := newTestClient(t, srv.root())
			if err := op.call(c); err != nil {
				t.Fatal(err)
			}
			if n := len(srv.requests()); n != 3 {
				t.Errorf("requests = %d, want 3", n)
			}
		})
		t.Run(name+" timeout", func(t *testing.T) {
			slow := func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(2 * time.Second):
				}
			}
			srv := newFakeServer(t, failFirst(1, slow, op.ok))
			c := newTestClient(t, srv.root(), func(c *Config) { c.RequestTimeout = 100 * time.Millisecond })
			if err := op.call(c); !IsAmbiguous(err) || !strings.Contains(err.Error(), "request timeout") {
				t.Fatalf("err = %v, want an ambiguous timeout", err)
			}
		})
		t.Run(name+" connection refused", func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { op.ok(w, r) })
			closed, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			deadAddr := closed.Addr().String()
			_ = closed.Close()
			var dials atomic.Int32
			transport := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				var d net.Dialer
				if dials.Add(1) == 1 {
					return d.DialContext(ctx, network, deadAddr) // refused
				}
				return d.DialContext(ctx, network, addr)
			}}
			c := newTestClient(t, srv.root(), func(c *Config) { c.HTTPClient = &http.Client{Transport: transport} })
			if err := op.call(c); err != nil {
				t.Fatal(err)
			}
			if dials.Load() != 2 || len(srv.requests()) != 1 {
				t.Errorf("dials = %d, requests = %d; want 2 and 1", dials.Load(), len(srv.requests()))
			}
		})
	}
}

// The Config API read calls are POSTs but safe to repeat.
func TestConfigAPIReadsAreRetried(t *testing.T) {
	srv := newFakeServer(t, failFirst(1, status(http.StatusBadGateway), func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, "application/json", `{"stateType":"not_set","connectionId":"`+connID+`"}`)
	}))
	c := newTestClient(t, srv.root())
	st, err := c.GetConnectionState(context.Background(), connID)
	if err != nil {
		t.Fatal(err)
	}
	if st.StateType != StateTypeNotSet {
		t.Errorf("state type = %q", st.StateType)
	}
	if n := srv.count(http.MethodPost, "/api/v1/state/get"); n != 2 {
		t.Errorf("requests = %d, want 2", n)
	}
}

func TestClassifyTransportError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want failureKind
	}{
		{"dial", &net.OpError{Op: "dial", Err: errors.New("x")}, failureNotSent},
		{"unknown host", &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", IsNotFound: true}}, failurePermanent},
		{"refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, failureNotSent},
		{"read reset", &net.OpError{Op: "read", Err: syscall.ECONNRESET}, failureTransient},
		{"EOF", fmt.Errorf("Get: %w", io.EOF), failureTransient},
		{"attempt timeout", &attemptTimeoutError{after: time.Second, err: context.DeadlineExceeded}, failureTransient},
		{"other", errors.New("x509: certificate signed by unknown authority"), failurePermanent},
	}
	for _, tt := range tests {
		if got := classifyTransportError(tt.err); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
