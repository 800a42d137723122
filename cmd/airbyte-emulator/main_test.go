package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

func TestRunPrintsInfoAndServes(t *testing.T) {
	info, cancel, done := startRun(t, "-seed", "7", "-seed-connections", "3")
	if !strings.HasSuffix(info.ServerURL, "/api/public/v1") || strings.HasSuffix(info.ServerURL, ":0/api/public/v1") {
		t.Fatalf("server_url = %q, want the bound address", info.ServerURL)
	}
	if info.ClientID == "" || len(info.Workspaces) != 2 {
		t.Fatalf("info incomplete: %+v", info)
	}
	if n := listConnections(t, info, info.Workspaces[0].WorkspaceID); n != 3 {
		t.Fatalf("list: %d connections, want 3", n)
	}
	stopRun(t, cancel, done)
}

// listConnections returns how many connections the workspace lists.
func listConnections(t *testing.T, info emulator.Info, workspaceID string) int {
	t.Helper()
	var list struct {
		Data []map[string]any `json:"data"`
	}
	newTestAPI(t, info).call(http.MethodGet, "/connections?workspaceIds="+workspaceID, "", &list)
	return len(list.Data)
}

// stopRun cancels a running run and waits for it to end cleanly.
func stopRun(t *testing.T, cancel context.CancelFunc, done <-chan error) {
	t.Helper()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop after cancel")
	}
}

func TestRunRejectsNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "example.com:80", ":18006"} {
		if err := run(context.Background(), []string{"-addr", addr}, io.Discard); err == nil {
			t.Errorf("run accepted -addr %s", addr)
		}
	}
}

// sourceEnv sources the env file in sh and returns the variables it sets, as the demo script does.
func sourceEnv(t *testing.T, name string, vars ...string) map[string]string {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to source the env file with")
	}
	// The names are fixed identifiers from the tests, safe to paste into the script.
	script := `set -e; . "$1"`
	for _, v := range vars {
		script += `; printf '%s\0' "$` + v + `"`
	}
	out, err := exec.Command(sh, "-c", script, "sh", name).Output()
	if err != nil {
		t.Fatalf("sourcing %s: %v", name, err)
	}
	values := bytes.Split(bytes.TrimSuffix(out, []byte{0}), []byte{0})
	if len(values) != len(vars) {
		t.Fatalf("sourcing %s gave %d values for %d variables: %q", name, len(values), len(vars), out)
	}
	got := map[string]string{}
	for i, v := range vars {
		got[v] = string(values[i])
	}
	return got
}

func TestRunWritesEnvFileBeforeInfoLine(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	envFile := filepath.Join(t.TempDir(), "emulator.env")
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-seed", "5", "-env-file", envFile}, pw)
		pw.Close()
	}()

	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		t.Fatalf("no output line: %v", sc.Err())
	}
	// The file is complete by the time the line is printed.
	raw, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatalf("env file missing when the info line was printed: %v", err)
	}
	var info emulator.Info
	if err := json.Unmarshal(sc.Bytes(), &info); err != nil {
		t.Fatalf("first line is not Info JSON: %v: %s", err, sc.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	if fi, err := os.Stat(envFile); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("env file holds the client secret but is readable by others: %v %v", fi.Mode(), err)
	}
	if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(envFile), ".*")); len(matches) != 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if name, value, ok := strings.Cut(line, "="); !ok || !strings.HasPrefix(name, "AIRBYTE_") || !strings.HasPrefix(value, "'") {
			t.Errorf("env file line %q is not NAME='value'", line)
		}
	}

	ws := info.Workspaces[0]
	want := map[string]string{
		"AIRBYTE_SERVER_URL":              info.ServerURL,
		"AIRBYTE_CONFIG_API_URL":          info.ConfigAPIURL,
		"AIRBYTE_CLIENT_ID":               info.ClientID,
		"AIRBYTE_CLIENT_SECRET":           info.ClientSecret,
		"AIRBYTE_WORKSPACE_ID":            ws.WorkspaceID,
		"AIRBYTE_EMULATOR_SOURCE_ID":      ws.Sources[0].SourceID,
		"AIRBYTE_EMULATOR_SOURCE_STREAMS": strings.Join(ws.Sources[0].Streams, " "),
		"AIRBYTE_EMULATOR_DESTINATION_ID": ws.Destinations[0].DestinationID,
	}
	var names []string
	for name := range want {
		names = append(names, name)
	}
	got := sourceEnv(t, envFile, names...)
	for name, w := range want {
		if got[name] != w || w == "" {
			t.Errorf("%s = %q, want %q", name, got[name], w)
		}
	}
	if got["AIRBYTE_EMULATOR_SOURCE_STREAMS"] != "users orders events audit_log" {
		t.Errorf("streams of the first source = %q", got["AIRBYTE_EMULATOR_SOURCE_STREAMS"])
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop after cancel")
	}
}

func TestShellQuoteSurvivesTheShell(t *testing.T) {
	name := filepath.Join(t.TempDir(), "quoted.env")
	tricky := `it's $HOME "quoted" \ back` + "`tick`"
	if err := os.WriteFile(name, []byte("AIRBYTE_X="+shellQuote(tricky)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := sourceEnv(t, name, "AIRBYTE_X")["AIRBYTE_X"]; got != tricky {
		t.Fatalf("sourced %q, want %q", got, tricky)
	}
}

func TestRunFailsWhenEnvFileCannotBeWritten(t *testing.T) {
	var out bytes.Buffer
	envFile := filepath.Join(t.TempDir(), "missing-dir", "emulator.env")
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-env-file", envFile}, &out)
	if err == nil || !strings.Contains(err.Error(), "-env-file") {
		t.Fatalf("run = %v, want an -env-file error", err)
	}
	if out.Len() != 0 {
		t.Errorf("the info line was printed although the env file was not written: %s", out.String())
	}
}

// TestRunPrintsVersion: -version prints one line and serves nothing.
func TestRunPrintsVersion(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"-version", "-addr", "0.0.0.0:1"}, &out); err != nil {
		t.Fatalf("run -version: %v", err)
	}
	if got := out.String(); got != "airbyte-emulator dev\n" {
		t.Errorf("run -version printed %q, want %q", got, "airbyte-emulator dev\n")
	}
	version = "1.4.0"
	t.Cleanup(func() { version = "dev" })
	out.Reset()
	if err := run(context.Background(), []string{"-version"}, &out); err != nil || out.String() != "airbyte-emulator 1.4.0\n" {
		t.Errorf("with version set by the release build: %q, %v", out.String(), err)
	}
}

// TestRunWithSeedFile starts the emulator with the example seed file: the info line and
// the env file carry the file's fixed ids, and the token and the API work with them.
func TestRunWithSeedFile(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seedFile := filepath.Join("..", "..", "examples", "emulator", "workspace.json")
	envFile := filepath.Join(t.TempDir(), "emulator.env")
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-seed-file", seedFile, "-seed-connections", "2", "-env-file", envFile}, pw)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		t.Fatalf("no output line: %v", sc.Err())
	}
	var info emulator.Info
	if err := json.Unmarshal(sc.Bytes(), &info); err != nil {
		t.Fatalf("first line is not Info JSON: %v: %s", err, sc.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	const workspaceID, sourceID, destinationID = "8d3c6a1e-2f4b-4c7a-9e15-3b6d0f2a7c41", "5a0e9c2d-7b31-4f86-a4d2-91c3e8b6f017",
		"e2f8a6b4-9c17-4d03-b5e1-7a4c3f0d9b62"
	if len(info.Workspaces) != 1 || info.Workspaces[0].WorkspaceID != workspaceID || info.Workspaces[0].Name != "Analytics" ||
		len(info.Workspaces[0].Sources) != 2 || info.Workspaces[0].Sources[0].SourceID != sourceID {
		t.Fatalf("info workspaces: %+v", info.Workspaces)
	}
	got := sourceEnv(t, envFile, "AIRBYTE_WORKSPACE_ID", "AIRBYTE_EMULATOR_SOURCE_ID", "AIRBYTE_EMULATOR_SOURCE_STREAMS",
		"AIRBYTE_EMULATOR_DESTINATION_ID")
	if want := map[string]string{"AIRBYTE_WORKSPACE_ID": workspaceID, "AIRBYTE_EMULATOR_SOURCE_ID": sourceID,
		"AIRBYTE_EMULATOR_SOURCE_STREAMS": "customers orders countries", "AIRBYTE_EMULATOR_DESTINATION_ID": destinationID}; !reflect.DeepEqual(got, want) {
		t.Errorf("env file: got %v, want %v", got, want)
	}

	if n := listConnections(t, info, workspaceID); n != 2 {
		t.Fatalf("list: %d connections, want 2", n)
	}
	stopRun(t, cancel, done)
}

func TestRunRejectsBadSeedFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"workspaces": [{"name": ""}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		bad:                                "-seed-file " + bad + ": workspaces[0].name: a non-empty name is required",
		filepath.Join(dir, "missing.json"): "-seed-file: open ",
	} {
		var out bytes.Buffer
		err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-seed-file", file}, &out)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("run = %v, want an error containing %q", err, want)
		}
		if out.Len() != 0 {
			t.Errorf("info line printed for a bad seed file: %s", out.String())
		}
	}
}
