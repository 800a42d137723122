package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

func TestRunPrintsInfoAndServes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-seed", "7", "-seed-connections", "3"}, pw)
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
	if !strings.HasSuffix(info.ServerURL, "/api/public/v1") || strings.HasSuffix(info.ServerURL, ":0/api/public/v1") {
		t.Fatalf("server_url = %q, want the bound address", info.ServerURL)
	}
	if info.ClientID == "" || len(info.Workspaces) != 2 {
		t.Fatalf("info incomplete: %+v", info)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }() // anything more would fail below

	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {info.ClientID}, "client_secret": {info.ClientSecret}}
	resp, err := http.PostForm(info.ServerURL+"/applications/token", form)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if resp.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("token: status %d", resp.StatusCode)
	}

	req, _ := http.NewRequest("GET", info.ServerURL+"/connections?workspaceIds="+info.Workspaces[0].WorkspaceID, nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Data []map[string]any `json:"data"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(list.Data) != 3 {
		t.Fatalf("list: status %d, %d connections", resp.StatusCode, len(list.Data))
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

func TestRunRejectsNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "example.com:80", ":18006"} {
		if err := run(context.Background(), []string{"-addr", addr}, io.Discard); err == nil {
			t.Errorf("run accepted -addr %s", addr)
		}
	}
}
