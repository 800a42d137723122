package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// TestRunSyncRetryFlags checks that the -sync-retries-* flags set the deployment's retry
// limits: a sync whose first two attempts fail after committing records (partial failures)
// fails for good with -sync-retries-partial-total 2, and is retried to success under the
// server's default limits.
func TestRunSyncRetryFlags(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags []string
		want  string
	}{
		{"default limits", nil, "succeeded"},
		{"two partial failures in all", []string{"-sync-retries-partial-total", "2"}, "failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, cancel, done := startRun(t, append([]string{"-seed-connections", "1", "-job-duration", "20ms"}, tc.flags...)...)
			defer stopRun(t, cancel, done)
			api := newTestAPI(t, info)
			connID := api.firstConnection(info.Workspaces[0].WorkspaceID)
			root := strings.TrimSuffix(info.ServerURL, "/api/public/v1")
			resp, err := http.Post(root+"/_emulator/connections/"+connID+"/fail-next-sync", "application/json",
				strings.NewReader(`{"failure_type": "system_error", "attempts": 2, "partial_success": true}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusOK {
				t.Fatalf("fail-next-sync: status %d", resp.StatusCode)
			}
			var job struct {
				JobID  int64  `json:"jobId"`
				Status string `json:"status"`
			}
			api.call(http.MethodPost, "/jobs", fmt.Sprintf(`{"connectionId": %q, "jobType": "sync"}`, connID), &job)
			deadline := time.Now().Add(10 * time.Second)
			for job.Status != "succeeded" && job.Status != "failed" && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
				api.call(http.MethodGet, fmt.Sprintf("/jobs/%d", job.JobID), "", &job)
			}
			if job.Status != tc.want {
				t.Errorf("the job ended %q, want %q", job.Status, tc.want)
			}
		})
	}
}

// TestRunRejectsBadRetryLimit refuses a retry limit below 1.
func TestRunRejectsBadRetryLimit(t *testing.T) {
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-sync-retries-complete-successive", "0"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-sync-retries-complete-successive") {
		t.Fatalf("run with a limit of 0: %v, want an error naming the flag", err)
	}
}

// startRun runs the emulator command with args on a free loopback port and returns what it
// printed about itself.
func startRun(t *testing.T, args ...string) (emulator.Info, context.CancelFunc, <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), pw)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		cancel()
		t.Fatalf("no output line: %v", sc.Err())
	}
	var info emulator.Info
	if err := json.Unmarshal(sc.Bytes(), &info); err != nil {
		cancel()
		t.Fatalf("first line is not Info JSON: %v: %s", err, sc.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	return info, cancel, done
}

// testAPI calls the emulator's public API with a token of its client credentials.
type testAPI struct {
	t     *testing.T
	base  string
	token string
}

func newTestAPI(t *testing.T, info emulator.Info) *testAPI {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {info.ClientID}, "client_secret": {info.ClientSecret}}
	resp, err := http.PostForm(info.ServerURL+"/applications/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: status %d, %v", resp.StatusCode, err)
	}
	return &testAPI{t: t, base: info.ServerURL, token: tok.AccessToken}
}

// call sends body (none when "") and decodes a 2xx answer into out.
func (a *testAPI) call(method, path, body string, out any) {
	a.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = bytes.NewBufferString(body)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		a.t.Fatalf("%s %s: status %d: %s", method, path, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
}

// firstConnection returns the id of the workspace's first connection.
func (a *testAPI) firstConnection(workspaceID string) string {
	a.t.Helper()
	var list struct {
		Data []struct {
			ConnectionID string `json:"connectionId"`
		} `json:"data"`
	}
	a.call(http.MethodGet, "/connections?workspaceIds="+workspaceID, "", &list)
	if len(list.Data) == 0 {
		a.t.Fatal("the workspace has no connection")
	}
	return list.Data[0].ConnectionID
}
