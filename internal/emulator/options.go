package emulator

import "time"

// Default values used when the matching Options field is zero.
const (
	DefaultJobDuration     = 2 * time.Second
	DefaultTokenTTL        = 900 * time.Second
	DefaultSpikeLatency    = 200 * time.Millisecond
	DefaultUnknownIDStatus = 403
	DefaultUsername        = "airbyte"
	DefaultPassword        = "password"
)

// Options configure an Emulator. The zero value is a usable, fault-free
// emulator with seed 0.
type Options struct {
	// Seed drives every generated id, the client credentials and the
	// pseudo-random fault injection. The same seed gives the same data.
	Seed int64

	// Latency is added to every API request (not to /health or admin calls).
	Latency time.Duration
	// FailRate is the fraction of API requests answered 503 before any side
	// effect happens.
	FailRate float64
	// LostResponseRate is the fraction of API requests that are carried out
	// but answered 502, as if the response was lost on the way back.
	LostResponseRate float64
	// RateLimit is the number of API requests allowed in any sliding one
	// second window before answering 429; 0 turns rate limiting off.
	RateLimit float64
	// RetryAfter adds "Retry-After: 1" to 429 responses. The real server
	// sends none, so it is off by default.
	RetryAfter bool
	// ThrottleRate is the fraction of API requests answered 429 at random,
	// whatever the request rate; half of them, chosen at random, carry
	// "Retry-After: 1" and half carry none, so a client meets both kinds.
	ThrottleRate float64
	// SpikeRate is the fraction of API requests whose answer is held back
	// by SpikeLatency after the request was carried out, like a server that
	// is briefly slow: a client that times out first has still had its
	// request acted on.
	SpikeRate float64
	// SpikeLatency is the delay of a spike; zero means DefaultSpikeLatency.
	SpikeLatency time.Duration
	// ResetRate is the fraction of API requests that are carried out and
	// then have their connection closed without any response, as when a
	// proxy or load balancer drops it: the client sees a reset or EOF.
	ResetRate float64

	// JobDuration is how long a job takes from creation to success; it is
	// pending for the first tenth of it, a second at most, and its attempt
	// runs for the rest. A failed attempt that is retried takes as long again
	// after the server's back-off.
	JobDuration time.Duration
	// SyncRetries are the retry limits of sync jobs; zero fields take the
	// server's defaults.
	SyncRetries RetryLimits
	// TokenTTL is the lifetime of tokens from POST /applications/token.
	TokenTTL time.Duration
	// SeedConnections pre-creates this many connections in the first
	// workspace.
	SeedConnections int
	// SeedFile, when set, replaces the built-in workspaces, sources and
	// destinations; see ParseSeedFile. SeedConnections then pairs the first
	// workspace's sources and destinations.
	SeedFile *SeedFile
	// UnknownIDStatus is the status for ids that do not exist: 403 (the
	// default, like an ordinary Cloud user) or 404 (like an instance admin).
	UnknownIDStatus int

	// ClientID and ClientSecret override the credentials derived from Seed.
	ClientID, ClientSecret string
	// BearerToken, when set, is accepted as a static bearer token.
	BearerToken string
	// Username and Password are accepted as Basic auth; they default to
	// DefaultUsername and DefaultPassword.
	Username, Password string
	// NoAuth turns authentication off, like an unsecured self-managed server.
	NoAuth bool

	// Now is the clock; nil means time.Now. Jobs advance from it lazily.
	Now func() time.Time
}

// Faults are the settings that can be changed while the emulator runs, with
// SetFaults or POST /_emulator/faults. They mirror the Options fields of the
// same names.
type Faults struct {
	Latency          time.Duration `json:"latency"`
	FailRate         float64       `json:"fail_rate"`
	LostResponseRate float64       `json:"lost_response_rate"`
	RateLimit        float64       `json:"rate_limit"`
	RetryAfter       bool          `json:"retry_after"`
	ThrottleRate     float64       `json:"throttle_rate"`
	SpikeRate        float64       `json:"spike_rate"`
	SpikeLatency     time.Duration `json:"spike_latency"`
	ResetRate        float64       `json:"reset_rate"`
	JobDuration      time.Duration `json:"job_duration"`
	TokenTTL         time.Duration `json:"token_ttl"`
}

// withDefaults fills zero durations with their defaults.
func (f Faults) withDefaults() Faults {
	if f.JobDuration <= 0 {
		f.JobDuration = DefaultJobDuration
	}
	if f.TokenTTL <= 0 {
		f.TokenTTL = DefaultTokenTTL
	}
	if f.SpikeLatency <= 0 {
		f.SpikeLatency = DefaultSpikeLatency
	}
	return f
}
