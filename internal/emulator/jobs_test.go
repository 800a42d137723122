package emulator

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

func (e *env) startJob(connectionID, jobType string) map[string]any {
	e.t.Helper()
	return e.expect(e.call("POST", "/jobs", map[string]any{"connectionId": connectionID, "jobType": jobType}), 200).json(e.t)
}

func (e *env) getJob(id any) map[string]any {
	e.t.Helper()
	return e.expect(e.call("GET", fmt.Sprintf("/jobs/%v", id), nil), 200).json(e.t)
}

func TestJobLifecycle(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 100 * time.Second})
	conn := e.newConnection(stripe, nil)
	j := e.startJob(conn, "sync")
	id := j["jobId"]
	want := map[string]any{"jobId": float64(1), "status": "pending", "jobType": "sync", "startTime": "2024-05-01T12:00Z", "connectionId": conn}
	if !reflect.DeepEqual(j, want) {
		t.Fatalf("new job %v", j)
	}
	r := e.expect(e.call("POST", "/jobs", map[string]any{"connectionId": conn, "jobType": "sync"}), 409)
	if r.json(t)["title"] != "try-again-later" || r.message(t) != "A sync is already running for: "+conn {
		t.Fatalf("409 body %s", r.body)
	}

	e.clock.Add(55 * time.Second) // halfway through the running phase
	j = e.getJob(id)
	if j["status"] != "running" || j["duration"] != "PT55S" || j["lastUpdatedAt"] != nil {
		t.Fatalf("running job %v", j)
	}
	rows1 := j["rowsSynced"].(float64)
	e.clock.Add(20 * time.Second)
	j = e.getJob(id)
	if rows2 := j["rowsSynced"].(float64); rows2 <= rows1 || rows1 <= 0 {
		t.Fatalf("rows did not grow: %v then %v", rows1, rows2)
	}

	e.clock.Add(25 * time.Second)
	j = e.getJob(id)
	if j["status"] != "succeeded" || j["duration"] != "PT1M40S" || j["lastUpdatedAt"] != "2024-05-01T12:01:40Z" {
		t.Fatalf("finished job %v", j)
	}
	final := j["rowsSynced"].(float64)
	e.clock.Add(time.Hour)
	e.token = e.login() // the hour outlived the token
	if again := e.getJob(id); again["rowsSynced"] != final || again["bytesSynced"].(float64) <= final {
		t.Fatalf("final figures changed or implausible: %v", again)
	}

	// Same seed, same job id → same figures.
	e2 := newEnv(t, Options{Seed: 9, JobDuration: 100 * time.Second})
	e2.startJob(e2.newConnection(stripe, nil), "sync")
	e2.clock.Add(2 * time.Minute)
	if got := e2.getJob(1)["rowsSynced"]; got != final {
		t.Fatalf("figures not deterministic: %v vs %v", got, final)
	}

	// Cancel a running job, then cancelling again is a conflict.
	j = e.startJob(conn, "sync")
	e.clock.Add(50 * time.Second)
	c := e.expect(e.call("DELETE", fmt.Sprintf("/jobs/%v", j["jobId"]), nil), 200).json(t)
	if c["status"] != "cancelled" || c["lastUpdatedAt"] == nil {
		t.Fatalf("cancelled job %v", c)
	}
	r = e.expect(e.call("DELETE", fmt.Sprintf("/jobs/%v", j["jobId"]), nil), 409)
	if r.json(t)["title"] != "state-conflict" || r.message(t) != "Job is not currently running" {
		t.Fatalf("cancel terminal: %s", r.body)
	}
	e.expect(e.call("DELETE", fmt.Sprintf("/jobs/%v", id), nil), 409)

	// refresh is refused; reset and clear start reset jobs.
	r = e.expect(e.call("POST", "/jobs", map[string]any{"connectionId": conn, "jobType": "refresh"}), 422)
	if r.json(t)["title"] != "unprocessable-entity" || r.message(t) != "Refreshes are not supported in the public API" {
		t.Fatalf("refresh: %s", r.body)
	}
	reset := e.startJob(conn, "clear")
	if reset["jobType"] != "reset" {
		t.Fatalf("clear job %v", reset)
	}
	e.expect(e.call("POST", "/jobs", map[string]any{"connectionId": conn, "jobType": "bogus"}), 422)
	e.expect(e.call("POST", "/jobs", `{"connectionId":`), 422)
	e.expect(e.call("GET", "/jobs/abc", nil), 400)

	// A deleted connection cannot sync (and its running job is cancelled).
	if got := e.getJob(reset["jobId"])["status"]; got != "pending" {
		t.Fatalf("reset job %v", got)
	}
	e.expect(e.call("DELETE", "/connections/"+conn, nil), 204)
	if got := e.getJob(reset["jobId"])["status"]; got != "cancelled" {
		t.Fatalf("job of deleted connection %v", got)
	}
	e.expect(e.call("POST", "/jobs", map[string]any{"connectionId": conn, "jobType": "sync"}), 409)
}

func TestFailNextSync(t *testing.T) {
	e := newEnv(t, Options{Seed: 9})
	conn := e.newConnection(stripe, nil)
	if err := e.emu.FailNextSync("nope"); err == nil {
		t.Fatal("FailNextSync accepted an unknown id")
	}
	e.expect(e.call("POST", srvAdmin(e, "/connections/"+conn+"/fail-next-sync"), nil), 204)
	j := e.startJob(conn, "sync")
	e.clock.Add(3 * time.Second)
	if got := e.getJob(j["jobId"])["status"]; got != "failed" {
		t.Fatalf("status %v, want failed", got)
	}
	j = e.startJob(conn, "sync")
	e.clock.Add(3 * time.Second)
	if got := e.getJob(j["jobId"])["status"]; got != "succeeded" {
		t.Fatalf("second sync %v, want succeeded", got)
	}
}

func TestListJobs(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	a := e.newConnection(stripe, nil)
	b := e.newConnection(mysql, nil)
	for range 3 {
		e.startJob(a, "sync")
		e.startJob(b, "sync")
		e.clock.Add(time.Minute)
	}
	e.startJob(a, "reset") // job 7, still pending

	ids := func(query string) []int {
		body := e.expect(e.call("GET", "/jobs"+query, nil), 200).json(t)
		var out []int
		for _, j := range body["data"].([]any) {
			out = append(out, int(j.(map[string]any)["jobId"].(float64)))
		}
		return out
	}
	cases := []struct {
		query string
		want  []int
	}{
		{"", []int{1, 2, 3, 4, 5, 6, 7}},
		{"?connectionId=" + a, []int{1, 3, 5, 7}},
		{"?connectionId=" + a + "&orderBy=createdAt%7CDESC", []int{7, 5, 3, 1}},
		{"?connectionId=" + a + "&orderBy=updatedAt%7CASC", []int{1, 3, 5, 7}},
		{"?connectionId=" + a + "&jobType=reset", []int{7}},
		{"?connectionId=" + a + "&status=pending", []int{7}},
		{"?status=succeeded&workspaceIds=" + e.ws(1).WorkspaceID, []int{2, 4, 6}},
		{"?createdAtStart=2024-05-01T12:01:00Z&createdAtEnd=2024-05-01T12:02:00Z", []int{3, 4, 5, 6}},
		{"?connectionId=" + a + "&limit=2&offset=1", []int{3, 5}},
	}
	for _, tc := range cases {
		if got := ids(tc.query); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
	body := e.expect(e.call("GET", "/jobs?connectionId="+a+"&jobType=sync&limit=2&orderBy=createdAt%7CDESC", nil), 200).json(t)
	if want := e.info.ServerURL + "/jobs?jobType=sync&connectionId=" + a + "&limit=2&offset=2"; body["next"] != want || body["previous"] != "" {
		t.Fatalf("links %v %v", body["previous"], body["next"])
	}
	for _, bad := range []string{"createdAt", "createdAt|asc", "name|ASC", "createdAt|DESC|x"} {
		r := e.expect(e.call("GET", "/jobs?orderBy="+bad, nil), 400)
		if r.message(t) != "Invalid order by clause provided: "+bad {
			t.Errorf("orderBy %q: %s", bad, r.body)
		}
	}
	e.expect(e.call("GET", "/jobs?status=queuedx", nil), 400)
	e.expect(e.call("GET", "/jobs?limit=0", nil), 400)
}

func TestJavaFormats(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2024, 5, 1, 12, 34, 56, 0, time.UTC), "2024-05-01T12:34:56Z"},
		{time.Date(2024, 5, 1, 12, 34, 0, 0, time.UTC), "2024-05-01T12:34Z"},
		{time.Date(2024, 5, 1, 12, 34, 0, 500, time.UTC), "2024-05-01T12:34Z"},
	} {
		if got := javaTime(tc.t); got != tc.want {
			t.Errorf("javaTime = %s, want %s", got, tc.want)
		}
	}
	for secs, want := range map[int64]string{0: "PT0S", 7: "PT7S", 307: "PT5M7S", 3600: "PT1H", 29172: "PT8H6M12S", 172800: "PT48H"} {
		if got := javaDuration(secs); got != want {
			t.Errorf("javaDuration(%d) = %s, want %s", secs, got, want)
		}
	}
}
