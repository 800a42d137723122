package client

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// retryClass says what may be repeated after a failure.
type retryClass int

const (
	// retrySafe requests (GET, PATCH, DELETE, the token call and the Config
	// API read POSTs) can be repeated without changing the outcome.
	retrySafe retryClass = iota
	// retryUnsafe requests (POST /connections, POST /jobs) create something.
	// They are repeated only when the server certainly did not act on them:
	// a 429, or a connection that was never established.
	retryUnsafe
)

// failureKind classifies a transport error (no HTTP response).
type failureKind int

const (
	// failureNotSent: the connection was never established (refused, dial
	// timeout, unreachable), so the server cannot have acted.
	failureNotSent failureKind = iota
	// failureTransient: the connection broke or timed out after the request
	// may have been sent (reset, EOF, timeout).
	failureTransient
	// failurePermanent: repeating will not help (unknown host, TLS
	// certificate errors, malformed responses).
	failurePermanent
)

// classifyTransportError sorts errors returned by http.Client.Do or by
// reading a response body.
func classifyTransportError(err error) failureKind {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return failurePermanent
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && (opErr.Op == "dial" || opErr.Op == "proxyconnect") {
		return failureNotSent
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return failureNotSent
	}
	var timeout *attemptTimeoutError
	if errors.As(err, &timeout) {
		return failureTransient
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return failureTransient
	}
	switch {
	case errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF):
		return failureTransient
	}
	return failurePermanent
}

// attemptTimeoutError is one attempt exceeding Config.RequestTimeout.
type attemptTimeoutError struct {
	after time.Duration
	err   error
}

func (e *attemptTimeoutError) Error() string {
	return "no response within the request timeout of " + e.after.String() + ": " + e.err.Error()
}

func (e *attemptTimeoutError) Unwrap() error { return e.err }

// retryableStatus reports the statuses worth repeating a request for.
// 500 is not among them: Airbyte returns it for deterministic failures
// ("unexpected-problem") that a retry would only repeat.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// newBackoff returns the wait schedule for one call: capped exponential
// backoff with full jitter, each wait uniform in [0, min(cap, base·2ⁿ)].
//
// backoff.ExponentialBackOff draws from [i·(1−f), i·(1+f)]; with the
// randomisation factor f = 1 and the interval i at half of the target, that
// is exactly [0, 2i] = full jitter. Only the interval computation is taken
// from the library: its Retry loop cannot take an injected clock, replaces
// the last error with its own RetryAfterError, and has no notion of requests
// that must not be repeated, so the loop lives in do.
func (c *Client) newBackoff() *backoff.ExponentialBackOff {
	b := &backoff.ExponentialBackOff{
		InitialInterval:     c.waitMin / 2,
		RandomizationFactor: 1,
		Multiplier:          2,
		MaxInterval:         c.waitMax / 2,
	}
	b.Reset()
	return b
}

// nextWait returns the wait before the next attempt: the server's
// Retry-After when present (capped by RetryAfterMax), else the backoff.
func (c *Client) nextWait(b *backoff.ExponentialBackOff, header http.Header) (time.Duration, bool) {
	if d, ok := parseRetryAfter(header.Get("Retry-After"), c.clock.Now()); ok {
		return min(d, c.retryAfterMax), true
	}
	return min(b.NextBackOff(), c.waitMax), false
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP date.
// A date in the past means "now".
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// waitFits reports whether waiting d still leaves the context's deadline in
// the future; there is no point sleeping into a deadline. The context
// package sets deadlines by the wall clock, so the wall clock measures what
// is left, whatever clock does the waiting.
func waitFits(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || d < time.Until(deadline)
}
