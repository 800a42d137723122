package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestAPIErrorParsing(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		check       func(t *testing.T, e *APIError)
		wantMsg     string
	}{
		{
			name: "problem+json", status: 400, contentType: "application/problem+json",
			body: `{"status":400,"type":"https://reference.airbyte.com/reference/errors#bad-request","title":"bad-request",
			        "detail":"The request could not be understood by the server due to malformed syntax.",
			        "documentationUrl":null,"data":{"message":"Cannot set sync mode to INCREMENTAL_APPEND for stream users. Valid sync modes are: [FULL_REFRESH_OVERWRITE]"}}`,
			check: func(t *testing.T, e *APIError) {
				if e.Title != "bad-request" || !strings.HasSuffix(e.Type, "#bad-request") || !strings.HasPrefix(e.Message, "Cannot set sync mode") {
					t.Errorf("parsed %+v", e)
				}
				if e.Data["message"] == nil {
					t.Errorf("Data = %v", e.Data)
				}
			},
			wantMsg: "PATCH /connections/" + connID + ": 400 Bad Request: bad-request: Cannot set sync mode to INCREMENTAL_APPEND for stream users. " +
				"Valid sync modes are: [FULL_REFRESH_OVERWRITE] (The request could not be understood by the server due to malformed syntax.)",
		},
		{
			name: "application/json problem", status: 404, contentType: "application/json; charset=utf-8",
			body: `{"status":404,"type":"https://reference.airbyte.com/reference/errors#resource-not-found","title":"resource-not-found",
			        "detail":"The requested resource could not be found.","data":{"resourceType":"connection","resourceId":"` + connID + `"}}`,
			check: func(t *testing.T, e *APIError) {
				if e.Data["resourceType"] != "connection" || e.Message != "" {
					t.Errorf("parsed %+v", e)
				}
			},
			wantMsg: "PATCH /connections/" + connID + ": 404 Not Found: resource-not-found (The requested resource could not be found.)",
		},
		{
			name: "errorId body", status: 422, contentType: "application/json",
			body: `{"errorId":"5b2e0c5e-3a57-4d5e-9bb6-7f1ad4d1a1a0"}`,
			check: func(t *testing.T, e *APIError) {
				if e.ErrorID != "5b2e0c5e-3a57-4d5e-9bb6-7f1ad4d1a1a0" {
					t.Errorf("parsed %+v", e)
				}
			},
			wantMsg: "PATCH /connections/" + connID + ": 422 Unprocessable Entity (errorId 5b2e0c5e-3a57-4d5e-9bb6-7f1ad4d1a1a0)",
		},
		{
			name: "message body", status: 409, contentType: "application/json",
			body:    `{"message":"State cannot be updated while a sync is running for this connection.","exceptionClassName":"x"}`,
			wantMsg: "PATCH /connections/" + connID + ": 409 Conflict: State cannot be updated while a sync is running for this connection.",
		},
		{
			name: "HTML body", status: 403, contentType: "text/html",
			body: "<html><head><title>403</title><style>body{color:red}</style></head>\n<body><h1>403 Forbidden</h1>\n<p>nginx</p></body></html>",
			check: func(t *testing.T, e *APIError) {
				if !strings.HasPrefix(string(e.Body), "<html>") || e.ContentType != "text/html" {
					t.Errorf("parsed %+v", e)
				}
			},
			wantMsg: "PATCH /connections/" + connID + ": 403 Forbidden: 403 403 Forbidden nginx",
		},
		{
			name: "mislabelled JSON", status: 400, contentType: "text/plain",
			body:    `{"title":"bad-request","data":{"message":"Missing cron expression in the schedule."}}`,
			wantMsg: "PATCH /connections/" + connID + ": 400 Bad Request: bad-request: Missing cron expression in the schedule.",
		},
		{
			name: "empty body", status: 403, contentType: "",
			wantMsg: "PATCH /connections/" + connID + ": 403 Forbidden",
		},
		{
			name: "JSON with unexpected types", status: 400, contentType: "application/json",
			body:    `{"title":7,"data":["not","an","object"],"message":{"nested":true}}`,
			wantMsg: "PATCH /connections/" + connID + ": 400 Bad Request: {\"title\":7,\"data\":[\"not\",\"an\",\"object\"],\"message\":{\"nested\":true}}",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				writeRaw(w, tt.status, tt.contentType, tt.body)
			})
			c := newTestClient(t, srv.root())
			_, err := c.PatchConnection(context.Background(), connID, ConnectionPatchRequest{Name: new("x")})
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v (%T), want *APIError", err, err)
			}
			if apiErr.StatusCode != tt.status || apiErr.Method != http.MethodPatch || apiErr.Path != "/connections/"+connID {
				t.Errorf("APIError = %+v", apiErr)
			}
			if tt.check != nil {
				tt.check(t, apiErr)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("Error() =\n  %s\nwant\n  %s", err.Error(), tt.wantMsg)
			}
		})
	}
}

func TestAPIErrorBodyIsTruncated(t *testing.T) {
	body := "<html>" + strings.Repeat("x", 1<<20) + "</html>"
	e := newAPIError("GET", "/x", 502, "text/html", []byte(body))
	if len(e.Body) != maxErrorBodyBytes {
		t.Errorf("Body length = %d", len(e.Body))
	}
	if msg := e.Error(); len(msg) > 300 {
		t.Errorf("Error() is %d bytes long", len(msg))
	}
}

func TestPredicates(t *testing.T) {
	mk := func(code int) error {
		return fmt.Errorf("reading connection: %w", &APIError{Method: "GET", Path: "/x", StatusCode: code})
	}
	checks := []struct {
		name string
		pred func(error) bool
		code int
	}{
		{"IsNotFound", IsNotFound, 404},
		{"IsForbidden", IsForbidden, 403},
		{"IsConflict", IsConflict, 409},
		{"IsUnauthorized", IsUnauthorized, 401},
		{"IsBadRequest", IsBadRequest, 400},
	}
	for _, c := range checks {
		if !c.pred(mk(c.code)) {
			t.Errorf("%s(%d) = false", c.name, c.code)
		}
		if c.pred(mk(500)) || c.pred(nil) || c.pred(errors.New("x")) {
			t.Errorf("%s matches the wrong errors", c.name)
		}
	}
	if StatusCode(mk(418)) != 418 || StatusCode(nil) != 0 || StatusCode(errors.New("x")) != 0 {
		t.Error("StatusCode")
	}
	amb := fmt.Errorf("creating: %w", &AmbiguousError{Method: "POST", Path: "/jobs", Err: mk(502)})
	if !IsAmbiguous(amb) || StatusCode(amb) != 502 || IsAmbiguous(mk(502)) {
		t.Error("AmbiguousError predicates")
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, contentType, body, want string
	}{
		{"truncated JSON", "application/json", connectionJSON[:200], "unexpected end of JSON input"},
		{"HTML on 200", "text/html", "<html>login</html>", "Content-Type text/html"},
		{"web UI page", "text/html; charset=utf-8", "<!doctype html><html><head><title>Airbyte</title></head><body></body></html>",
			`the body is an HTML page ("Airbyte"), not JSON`},
		{"empty body", "application/json", "", "the body is empty"},
		{"wrong shape", "application/json", `[1,2,3]`, "cannot unmarshal array"},
		{"wrong field type", "application/json", `{"connectionId": 5}`, "cannot unmarshal number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				writeRaw(w, http.StatusOK, tt.contentType, tt.body)
			})
			c := newTestClient(t, srv.root())
			_, err := c.GetConnection(context.Background(), connID)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v (%T), want *DecodeError", err, err)
			}
			msg := err.Error()
			for _, want := range []string{"GET /connections/" + connID, "200", "Connection", tt.want} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not contain %q", msg, want)
				}
			}
			if n := len(srv.requests()); n != 1 {
				t.Errorf("requests = %d; a decoding error must not be retried", n)
			}
		})
	}
}

// TestConnectionErrorsNameTheRequest: a request that gets no whole response
// says which request it was, and is told apart from Airbyte's answers.
func TestConnectionErrorsNameTheRequest(t *testing.T) {
	cut := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(connectionJSON)))
		_, _ = w.Write([]byte(connectionJSON[:len(connectionJSON)/2]))
	}))
	t.Cleanup(cut.Close)
	refused := httptest.NewServer(http.NotFoundHandler())
	refused.Close()

	for name, tc := range map[string]struct{ root, want string }{
		"cut mid-body": {cut.URL + publicPrefix, "GET /connections/" + connID + ": reading the 200 response: unexpected EOF"},
		"refused":      {refused.URL + publicPrefix, "GET /connections/" + connID + ": Get "},
	} {
		t.Run(name, func(t *testing.T) {
			c := newTestClient(t, tc.root, func(cfg *Config) { cfg.MaxRetries = -1 })
			_, err := c.GetConnection(context.Background(), connID)
			if !IsConnectionError(err) {
				t.Fatalf("err = %v (%T), want a *ConnectionError", err, err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %q does not start with %q", err, tc.want)
			}
			if IsConnectionError(&APIError{Method: "GET", Path: "/x", StatusCode: 502}) {
				t.Error("an answer from the server is not a connection error")
			}
		})
	}
}

func TestEnormousBody(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"name":"` + strings.Repeat("a", 4096) + `"}`))
	})
	c := newTestClient(t, srv.root())
	c.maxBody = 1024
	_, err := c.GetConnection(context.Background(), connID)
	if !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("err = %v, want ErrBodyTooLarge", err)
	}
}

func TestTypeName(t *testing.T) {
	for v, want := range map[any]string{
		&Connection{}:          "Connection",
		&[]StreamProperties{}:  "[]StreamProperties",
		&page[Source]{}:        "page[Source]",
		&accessTokenResponse{}: "accessTokenResponse",
	} {
		if got := typeName(v); got != want {
			t.Errorf("typeName(%T) = %q, want %q", v, got, want)
		}
	}
}
