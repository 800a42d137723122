package client

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// maxErrorMessageBytes bounds what APIError.Error adds to its "METHOD path: status" prefix:
// the status text and at most four quoted fields, each cut to maxMessageFieldRunes.
const maxErrorMessageBytes = 64 + 4*(utf8.UTFMax*maxMessageFieldRunes+32)

// FuzzNewAPIError checks that any response, whatever its status, Content-Type and body, becomes
// an APIError whose message names the request, is valid UTF-8 (it ends up in Terraform
// diagnostics, which must be) and stays short however large the body, and that the body is kept.
func FuzzNewAPIError(f *testing.F) {
	seeds := []struct {
		status      int
		contentType string
		body        string
	}{
		{400, "application/problem+json", `{"status":400,"type":"https://reference.airbyte.com/reference/errors#bad-request","title":"bad-request",` +
			`"detail":"The request could not be understood by the server due to malformed syntax.","documentationUrl":null,` +
			`"data":{"message":"Cannot set sync mode to INCREMENTAL_APPEND for stream users. Valid sync modes are: [FULL_REFRESH_OVERWRITE]"}}`},
		{404, "application/json; charset=utf-8", `{"status":404,"type":"https://reference.airbyte.com/reference/errors#resource-not-found",` +
			`"title":"resource-not-found","detail":"The requested resource could not be found.","data":{"resourceType":"connection","resourceId":"x"}}`},
		{422, "application/json", `{"errorId":"5b2e0c5e-3a57-4d5e-9bb6-7f1ad4d1a1a0"}`},
		{409, "application/json", `{"message":"State cannot be updated while a sync is running for this connection.","exceptionClassName":"x"}`},
		{429, "application/json", `{"message":"Rate limit exceeded"}`},
		{403, "text/html", "<html><head><title>403</title><style>body{color:red}</style></head>\n<body><h1>403 Forbidden</h1>\n<p>nginx</p></body></html>"},
		{502, "text/html; charset=utf-8", "<html><script>var a = '<b>';</script><body>Bad Gateway</body></html>"},
		{400, "text/plain", `{"title":"bad-request","data":{"message":"Missing cron expression in the schedule."}}`},
		{403, "", ""},
		{400, "application/json", `{"title":7,"data":["not","an","object"],"message":{"nested":true}}`},
		{500, "text/plain", "upstream connect error or disconnect/reset before headers"},
		{503, "application/json", "not json"},
		{0, "application/problem+json;;", "{"},
		{999, "text/html", "<"},
		// Regressions: lowering the Kelvin sign shortens it, which once put stripTags's offsets
		// past the end of its lowered copy; bytes that are not UTF-8 were once quoted as they
		// were; an enormous detail once made an enormous message.
		{502, "text/html", "\u212a\u212a<"},
		{502, "text/html", "<\u212a<style>x</STYLE>ok"},
		{500, "text/plain", "\xff\xfebad gateway"},
		{400, "application/problem+json", `{"detail":"` + strings.Repeat("d", 4<<10) + `"}`},
	}
	for _, s := range seeds {
		f.Add(s.status, s.contentType, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		e := newAPIError(http.MethodPatch, "/connections/"+connID, status, contentType, body)
		msg := e.Error()
		prefix := fmt.Sprintf("%s /connections/%s: %d", http.MethodPatch, connID, status)
		if !strings.HasPrefix(msg, prefix) {
			t.Errorf("Error() = %q, want it to start with %q", msg, prefix)
		}
		if !utf8.ValidString(msg) {
			t.Errorf("Error() = %q, which is not valid UTF-8", msg)
		}
		if n := len(msg) - len(prefix); n > maxErrorMessageBytes {
			t.Errorf("Error() adds %d bytes to the request and status for a %d-byte body; want at most %d", n, len(body), maxErrorMessageBytes)
		}
		if kept := body[:min(len(body), maxErrorBodyBytes)]; !bytes.Equal(e.Body, kept) {
			t.Errorf("Body keeps %d bytes of the %d-byte body, want the first %d", len(e.Body), len(body), len(kept))
		}
		if len(body) > 0 && len(e.Body) > 0 && &e.Body[0] == &body[0] {
			t.Error("Body shares memory with the response buffer")
		}
		if e.StatusCode != status || e.ContentType != contentType {
			t.Errorf("StatusCode, ContentType = %d, %q; want %d, %q", e.StatusCode, e.ContentType, status, contentType)
		}
	})
}

// TestAPIErrorMessageIsBounded makes sure that a problem whose fields are enormous still gives a
// short message, while the fields themselves keep the API's whole text.
func TestAPIErrorMessageIsBounded(t *testing.T) {
	long := strings.Repeat("é", 1<<20)
	body := fmt.Sprintf(`{"title":%q,"detail":%q,"errorId":%q,"data":{"message":%q}}`, long, long+"!", long, long)
	e := newAPIError(http.MethodGet, "/connections/x", http.StatusBadRequest, "application/problem+json", []byte(body))
	if e.Title != long || e.Message != long || e.Detail != long+"!" || e.ErrorID != long {
		t.Error("the parsed fields do not keep the whole text")
	}
	msg := e.Error()
	if len(msg) > len("GET /connections/x: 400")+maxErrorMessageBytes {
		t.Errorf("Error() is %d bytes long", len(msg))
	}
	want := "GET /connections/x: 400 Bad Request: " + strings.Repeat("é", maxMessageFieldRunes) + "…"
	if !strings.HasPrefix(msg, want) || !strings.HasSuffix(msg, "…)") || !utf8.ValidString(msg) {
		t.Errorf("Error() = %.80q…%q, want each field cut to %d runes and marked with an ellipsis",
			msg, msg[max(0, len(msg)-80):], maxMessageFieldRunes)
	}
}
