package conformance

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"
)

// Environment variables naming the OpenAPI documents.
const (
	PublicSpecEnv = "AIRBYTE_OPENAPI_SPEC"
	ConfigSpecEnv = "AIRBYTE_CONFIG_API_SPEC"
)

const skippedLine = "conformance: skipped: set AIRBYTE_OPENAPI_SPEC and AIRBYTE_CONFIG_API_SPEC to the Airbyte OpenAPI documents to validate API traffic"

// maxPrintedViolations bounds the report printed by Run.
const maxPrintedViolations = 50

var (
	activeMu      sync.RWMutex
	active        *Recorder
	activeOptions HandlerOptions
)

// Run is for TestMain. When AIRBYTE_OPENAPI_SPEC and AIRBYTE_CONFIG_API_SPEC
// name the OpenAPI documents, it makes Wrap validate traffic with opts, runs
// the tests and reports what it saw on stdout. It returns non-zero when the
// tests failed, when any traffic did not conform, or when an operation in
// requireOperations was never exercised. Otherwise it just runs the tests.
//
//	func TestMain(m *testing.M) {
//		os.Exit(conformance.Run(m, conformance.HandlerOptions{CheckRequests: true, CheckResponses: true}, "getConnection"))
//	}
func Run(m *testing.M, opts HandlerOptions, requireOperations ...string) int {
	tests := func() int {
		code := m.Run()
		// A run narrowed with -run exercises only part of the API; do not
		// hold it to covering every operation.
		if f := flag.Lookup("test.run"); f != nil && f.Value.String() != "" {
			requireOperations = nil
		}
		return code
	}
	return run(tests, os.Stdout, opts, requireOperations, os.Getenv(ReportFileEnv))
}

func run(tests func() int, out io.Writer, opts HandlerOptions, requireOperations []string, reportFile string) int {
	publicPath, configPath := os.Getenv(PublicSpecEnv), os.Getenv(ConfigSpecEnv)
	if !fileExists(publicPath) || !fileExists(configPath) {
		fmt.Fprintln(out, skippedLine)
		return tests()
	}
	start := time.Now()
	rec, err := New(publicPath, configPath)
	if err != nil {
		fmt.Fprintf(out, "conformance: %v\n", err)
		return 1
	}
	loaded := time.Since(start)

	activeMu.Lock()
	active, activeOptions = rec, opts
	activeMu.Unlock()
	defer func() {
		activeMu.Lock()
		active = nil
		activeMu.Unlock()
	}()

	code := tests()
	appendToReportFile(reportFile, rec)
	return report(rec, out, loaded, code, requireOperations)
}

// ReportFileEnv names a file to which every test binary that ran with
// conformance checks appends its Line, followed by the binary's name. The
// Makefile uses it to print one total for the whole test run, since go test
// shows a passing package's output only with -v.
const ReportFileEnv = "AIRBYTE_CONFORMANCE_REPORT"

func appendToReportFile(name string, rec *Recorder) {
	if name == "" {
		return
	}
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Fprintf(os.Stderr, "conformance: writing %s: %v\n", name, err)
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s package=%s\n", rec.Line(), filepath.Base(os.Args[0]))
}

// report prints the summary and returns the exit code.
func report(rec *Recorder, out io.Writer, loaded time.Duration, code int, requireOperations []string) int {
	s := rec.Summary()
	fmt.Fprintln(out, rec.Line())
	fmt.Fprintf(out, "conformance: documents loaded in %s; %d responses skipped as injected faults or rate limiting\n",
		loaded.Round(time.Millisecond), s.Skipped)
	if len(s.Tolerated) > 0 {
		keys := make([]string, 0, len(s.Tolerated))
		for k := range s.Tolerated {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprint(out, "conformance: statuses accepted by exceptions.go, bodies not validated:")
		for _, k := range keys {
			fmt.Fprintf(out, " %q×%d", k, s.Tolerated[k])
		}
		fmt.Fprintln(out)
	}
	for i, v := range s.Violations {
		if i == maxPrintedViolations {
			fmt.Fprintf(out, "conformance: ... and %d more violations\n", len(s.Violations)-maxPrintedViolations)
			break
		}
		fmt.Fprintf(out, "conformance: violation %d: %s\n", i+1, v)
	}
	var missing []string
	for _, op := range requireOperations {
		if s.Operations[op] == 0 {
			missing = append(missing, op)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(out, "conformance: operations never exercised: %v\n", missing)
	}
	if code != 0 {
		return code
	}
	if len(s.Violations) > 0 || len(missing) > 0 {
		return 1
	}
	return 0
}

// Wrap wraps h with the recorder Run created, using Run's options. It returns
// h itself when conformance checking is not enabled.
func Wrap(h http.Handler) http.Handler {
	activeMu.RLock()
	rec, opts := active, activeOptions
	activeMu.RUnlock()
	if rec == nil {
		return h
	}
	return rec.Handler(h, opts)
}

func fileExists(path string) bool {
	if path == "" {
		return false
	}
	info, err := os.Stat(path)
	return err == nil && !info.IsDir()
}
