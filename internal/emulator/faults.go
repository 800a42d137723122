package emulator

import (
	"context"
	"net/http"
	"time"
)

// statusClientGone is the status counted for a request whose client gave up
// before the answer was written (nginx's code for the same thing).
const statusClientGone = 499

// bufferedWriter holds a response to be written later.
type bufferedWriter struct {
	h      http.Header
	status int
	body   []byte
}

func (b *bufferedWriter) Header() http.Header { return b.h }
func (b *bufferedWriter) Write(p []byte) (int, error) {
	b.body = append(b.body, p...)
	return len(p), nil
}

func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedWriter) replay(w http.ResponseWriter) {
	for k, v := range b.h {
		w.Header()[k] = v
	}
	if b.status != 0 {
		w.WriteHeader(b.status)
	}
	_, _ = w.Write(b.body)
}

// statusReset is the status counted for a request whose connection was
// dropped without a response (nginx's code for the same thing).
const statusReset = 444

// faultRoll is what the fault dice decided for one request.
type faultRoll struct {
	spike      bool // answer held back by SpikeLatency
	limited    bool // answered 429
	retryAfter bool // the 429 carries Retry-After
	fail       bool // answered 503 before any side effect
	lost       bool // carried out, then answered 502
	reset      bool // carried out, then the connection dropped
}

// rollFaults decides, under the lock and from the seeded PRNG, which faults
// hit this request, and counts them in Stats.Injected.
func (e *Emulator) rollFaults(f Faults) faultRoll {
	e.mu.Lock()
	defer e.mu.Unlock()
	var roll faultRoll
	roll.spike = f.SpikeRate > 0 && e.chaos.Float64() < f.SpikeRate
	if roll.spike {
		e.stats.Injected["spike"]++
	}
	if f.RateLimit > 0 {
		now := e.now()
		cut := 0
		for cut < len(e.window) && now.Sub(e.window[cut]) >= time.Second {
			cut++
		}
		e.window = e.window[cut:]
		if float64(len(e.window)) >= f.RateLimit {
			e.stats.Injected["rate_limited"]++
			return faultRoll{spike: roll.spike, limited: true, retryAfter: f.RetryAfter}
		}
		e.window = append(e.window, now)
	}
	switch {
	case f.ThrottleRate > 0 && e.chaos.Float64() < f.ThrottleRate:
		roll.limited, roll.retryAfter = true, e.chaos.IntN(2) == 0
		if roll.retryAfter {
			e.stats.Injected["throttled_retry_after"]++
		} else {
			e.stats.Injected["throttled"]++
		}
	case f.FailRate > 0 && e.chaos.Float64() < f.FailRate:
		roll.fail = true
		e.stats.Injected["failed"]++
	case f.LostResponseRate > 0 && e.chaos.Float64() < f.LostResponseRate:
		roll.lost = true
		e.stats.Injected["lost"]++
	case f.ResetRate > 0 && e.chaos.Float64() < f.ResetRate:
		roll.reset = true
		e.stats.Injected["reset"]++
	}
	return roll
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
