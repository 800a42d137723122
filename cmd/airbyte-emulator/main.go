// Command airbyte-emulator serves the in-memory Airbyte API emulator on a
// loopback address. Once listening it prints one JSON line describing
// itself (URLs, client credentials, seeded ids) on stdout, then serves
// until SIGINT or SIGTERM. With -env-file it first writes the same
// settings as shell variable assignments, for scripts to source. With
// -seed-file it starts with the file's workspaces instead of the built-in
// ones (see emulator.ParseSeedFile).
// -version prints the version and exits.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop() // os.Exit skips deferred calls, so restore the default signal handling here.
	if err != nil {
		fmt.Fprintln(os.Stderr, "airbyte-emulator:", err)
		os.Exit(1)
	}
}

// run parses args, serves until ctx is done and then shuts down gracefully.
// The only thing written to stdout is the Info line.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("airbyte-emulator", flag.ContinueOnError)
	var opts emulator.Options
	addr := fs.String("addr", "127.0.0.1:18006", "loopback `host:port` to listen on; port 0 picks a free port")
	fs.Int64Var(&opts.Seed, "seed", 0, "seed for ids, credentials and fault injection")
	fs.DurationVar(&opts.Latency, "latency", 0, "latency added to every API request")
	fs.Float64Var(&opts.FailRate, "fail-rate", 0, "fraction of API requests answered 503 before any side effect")
	fs.Float64Var(&opts.LostResponseRate, "lost-response-rate", 0, "fraction of API requests answered 502 after their side effect")
	fs.Float64Var(&opts.RateLimit, "rate-limit", 0, "API requests allowed per sliding second before 429 (0 = off)")
	fs.BoolVar(&opts.RetryAfter, "retry-after", false, "send Retry-After: 1 with 429 responses")
	fs.Float64Var(&opts.ThrottleRate, "throttle-rate", 0, "fraction of API requests answered 429 at random, half with Retry-After: 1")
	fs.Float64Var(&opts.SpikeRate, "spike-rate", 0, "fraction of API requests whose answer is held back by -spike-latency after their side effect")
	fs.DurationVar(&opts.SpikeLatency, "spike-latency", emulator.DefaultSpikeLatency, "delay of a latency spike")
	fs.Float64Var(&opts.ResetRate, "reset-rate", 0, "fraction of API requests whose connection is dropped without a response after their side effect")
	fs.DurationVar(&opts.JobDuration, "job-duration", emulator.DefaultJobDuration, "time a job takes to succeed")
	fs.DurationVar(&opts.TokenTTL, "token-ttl", emulator.DefaultTokenTTL, "lifetime of access tokens")
	fs.IntVar(&opts.SeedConnections, "seed-connections", 0, "connections to pre-create in the first workspace")
	fs.IntVar(&opts.UnknownIDStatus, "unknown-id-status", emulator.DefaultUnknownIDStatus, "status for unknown ids: 403 or 404")
	fs.BoolVar(&opts.NoAuth, "no-auth", false, "accept requests without credentials")
	retryLimits := []struct {
		name, setting string
		def           int
		limit         *int
	}{
		{"sync-retries-complete-successive", "SYNC_JOB_RETRIES_COMPLETE_FAILURES_MAX_SUCCESSIVE", 5, &opts.SyncRetries.MaxSuccessiveCompleteFailures},
		{"sync-retries-complete-total", "SYNC_JOB_RETRIES_COMPLETE_FAILURES_MAX_TOTAL", 10, &opts.SyncRetries.MaxTotalCompleteFailures},
		{"sync-retries-partial-successive", "SYNC_JOB_RETRIES_PARTIAL_FAILURES_MAX_SUCCESSIVE", 1000, &opts.SyncRetries.MaxSuccessivePartialFailures},
		{"sync-retries-partial-total", "SYNC_JOB_RETRIES_PARTIAL_FAILURES_MAX_TOTAL", 20, &opts.SyncRetries.MaxTotalPartialFailures},
	}
	for _, l := range retryLimits {
		fs.IntVar(l.limit, l.name, l.def, "failed attempts after which a sync job fails for good, as the server's "+l.setting)
	}
	seedFile := fs.String("seed-file", "", "start with the workspaces, sources and destinations of the JSON seed file at `path` instead of the built-in ones")
	envFile := fs.String("env-file", "", "once listening, write the AIRBYTE_* settings and seeded ids as shell variable assignments to `path`")
	printVersion := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *printVersion {
		_, err := fmt.Fprintf(stdout, "airbyte-emulator %s\n", versionString())
		return err
	}
	if opts.UnknownIDStatus != 403 && opts.UnknownIDStatus != 404 {
		return fmt.Errorf("-unknown-id-status must be 403 or 404, not %d", opts.UnknownIDStatus)
	}
	for _, l := range retryLimits {
		if *l.limit < 1 {
			return fmt.Errorf("-%s must be at least 1, not %d", l.name, *l.limit)
		}
	}
	if err := checkLoopback(*addr); err != nil {
		return err
	}
	if *seedFile != "" {
		f, err := readSeedFile(*seedFile)
		if err != nil {
			return err
		}
		opts.SeedFile = f
	}

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		return err
	}
	emu := emulator.New(opts)
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	info := emu.Info("http://" + ln.Addr().String())
	line, err := json.Marshal(info)
	if err != nil {
		ln.Close()
		return err
	}
	if *envFile != "" {
		if err := writeEnvFile(*envFile, info); err != nil {
			ln.Close()
			return err
		}
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		ln.Close()
		return err
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// readSeedFile reads and checks the -seed-file.
func readSeedFile(name string) (*emulator.SeedFile, error) {
	r, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("-seed-file: %w", err)
	}
	defer r.Close()
	f, err := emulator.ParseSeedFile(r)
	if err != nil {
		return nil, fmt.Errorf("-seed-file %s: %w", name, err)
	}
	return f, nil
}

// writeEnvFile writes info as shell variable assignments that the provider (AIRBYTE_*) and
// scripts (AIRBYTE_EMULATOR_*: the first source of the first workspace, its streams and the
// first destination) can use. The file is written under another name and renamed into place,
// so a reader waiting for it never sees it half written.
func writeEnvFile(name string, info emulator.Info) error {
	var workspaceID, sourceID, streams, destinationID string
	if len(info.Workspaces) > 0 {
		ws := info.Workspaces[0]
		workspaceID = ws.WorkspaceID
		if len(ws.Sources) > 0 {
			sourceID = ws.Sources[0].SourceID
			streams = strings.Join(ws.Sources[0].Streams, " ")
		}
		if len(ws.Destinations) > 0 {
			destinationID = ws.Destinations[0].DestinationID
		}
	}
	var b strings.Builder
	for _, kv := range [][2]string{
		{"AIRBYTE_SERVER_URL", info.ServerURL},
		{"AIRBYTE_CONFIG_API_URL", info.ConfigAPIURL},
		{"AIRBYTE_CLIENT_ID", info.ClientID},
		{"AIRBYTE_CLIENT_SECRET", info.ClientSecret},
		{"AIRBYTE_WORKSPACE_ID", workspaceID},
		{"AIRBYTE_EMULATOR_SOURCE_ID", sourceID},
		{"AIRBYTE_EMULATOR_SOURCE_STREAMS", streams},
		{"AIRBYTE_EMULATOR_DESTINATION_ID", destinationID},
	} {
		fmt.Fprintf(&b, "%s=%s\n", kv[0], shellQuote(kv[1]))
	}

	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return fmt.Errorf("-env-file: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	// CreateTemp makes the file readable by its owner only, which suits a client secret.
	if _, err := tmp.WriteString(b.String()); err != nil {
		tmp.Close()
		return fmt.Errorf("-env-file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("-env-file: %w", err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("-env-file: %w", err)
	}
	return nil
}

// shellQuote quotes s for a POSIX shell: inside single quotes nothing is special but the
// single quote itself, written as: end the quoting, an escaped quote, quote again.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// checkLoopback refuses to listen anywhere but on a loopback address: the
// emulator has fixed, published credentials.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("invalid -addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-addr %q: only loopback hosts (127.0.0.1, ::1, localhost) are allowed", addr)
	}
	return nil
}
