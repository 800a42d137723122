package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxErrorBodyBytes bounds APIError.Body.
const maxErrorBodyBytes = 64 << 10

// maxSnippetRunes bounds the text quoted from a non-JSON error body.
const maxSnippetRunes = 200

// maxMessageFieldRunes bounds each field of a problem that APIError.Error
// quotes, so that an enormous detail does not make an enormous diagnostic.
const maxMessageFieldRunes = 1000

// APIError is a non-2xx response. The Public API answers with RFC 9457-style
// problems ({"type","title","detail","data":{"message"}}), framework handlers
// with {"errorId": …}, the rate limiter with {"message": …}, and proxies in
// front of a server with HTML; all are parsed into the same fields.
type APIError struct {
	Method     string
	Path       string // request path relative to the API root, such as /connections/<id>
	StatusCode int
	// Problem fields, when the body is a problem document.
	Type   string
	Title  string
	Detail string
	// Message is data.message, or a top-level "message" field.
	Message string
	// ErrorID is the "errorId" that some handlers return instead of a problem.
	ErrorID string
	// Data is the problem's data object, when it is one.
	Data map[string]any
	// Body is the raw body, truncated to 64 KiB.
	Body        []byte
	ContentType string
}

// Error names the request, the status and the API's own words, for example
// "PATCH /connections/1a2b: 400 Bad Request: bad-request: Cannot set sync mode
// to … (The request could not be understood by the server due to malformed syntax.)".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	structured := false
	if e.Title != "" {
		b.WriteString(": " + clip(e.Title, maxMessageFieldRunes))
		structured = true
	}
	if e.Message != "" {
		b.WriteString(": " + clip(e.Message, maxMessageFieldRunes))
		structured = true
	}
	if e.Detail != "" && e.Detail != e.Message {
		b.WriteString(" (" + clip(e.Detail, maxMessageFieldRunes) + ")")
		structured = true
	}
	if e.ErrorID != "" {
		b.WriteString(" (errorId " + clip(e.ErrorID, maxMessageFieldRunes) + ")")
		structured = true
	}
	if !structured {
		if s := bodySnippet(e.Body, e.ContentType); s != "" {
			b.WriteString(": " + s)
		}
	}
	return b.String()
}

// newAPIError builds an APIError from a response. It never fails: a body it
// cannot parse is kept raw and quoted as a snippet.
func newAPIError(method, path string, status int, contentType string, body []byte) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: status, ContentType: contentType}
	if len(body) > maxErrorBodyBytes {
		e.Body = append([]byte(nil), body[:maxErrorBodyBytes]...)
	} else {
		e.Body = append([]byte(nil), body...)
	}
	if !looksLikeJSON(contentType, body) {
		return e
	}
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return e
	}
	e.Type = stringField(doc, "type")
	e.Title = stringField(doc, "title")
	e.Detail = stringField(doc, "detail")
	e.ErrorID = stringField(doc, "errorId")
	e.Message = stringField(doc, "message")
	if data, ok := doc["data"].(map[string]any); ok {
		e.Data = data
		if m := stringField(data, "message"); m != "" {
			e.Message = m
		}
	}
	return e
}

func stringField(doc map[string]any, key string) string {
	s, _ := doc[key].(string)
	return strings.TrimSpace(s)
}

// looksLikeJSON reports whether a body is worth parsing as JSON: a JSON media
// type (application/json, application/problem+json, …) or, for servers that
// mislabel it, a body that starts with "{".
func looksLikeJSON(contentType string, body []byte) bool {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		if mt == "application/json" || strings.HasSuffix(mt, "+json") {
			return true
		}
	}
	trimmed := strings.TrimLeftFunc(string(body[:min(len(body), 64)]), unicode.IsSpace)
	return strings.HasPrefix(trimmed, "{")
}

// bodySnippet turns an unstructured body (an HTML error page from a proxy,
// plain text) into one short line of valid UTF-8, as diagnostics must be:
// tags removed, whitespace collapsed.
func bodySnippet(body []byte, contentType string) string {
	if len(body) == 0 {
		return ""
	}
	text := strings.ToValidUTF8(string(body[:min(len(body), 8<<10)]), string(utf8.RuneError))
	if isHTML(contentType, body) {
		text = stripTags(text)
	}
	return clip(strings.Join(strings.Fields(text), " "), maxSnippetRunes)
}

// clip cuts s to at most n runes, marking a cut with an ellipsis.
func clip(s string, n int) string {
	runes := 0
	for i := range s {
		if runes == n {
			return s[:i] + "…"
		}
		runes++
	}
	return s
}

// isHTML reports whether a body is a page rather than data: an HTML media
// type, or a body that starts with "<".
func isHTML(contentType string, body []byte) bool {
	trimmed := strings.TrimLeftFunc(string(body[:min(len(body), 64)]), unicode.IsSpace)
	return strings.Contains(contentType, "html") || strings.HasPrefix(trimmed, "<")
}

// stripTags removes markup and the content of <script> and <style>.
func stripTags(s string) string {
	var b strings.Builder
	// Only ASCII letters are lowered so that offsets in lower are offsets in
	// s: strings.ToLower changes the length of some characters, such as the
	// Kelvin sign.
	lower := []byte(s)
	for i, c := range lower {
		if 'A' <= c && c <= 'Z' {
			lower[i] = c + 'a' - 'A'
		}
	}
	for i := 0; i < len(s); {
		if s[i] != '<' {
			b.WriteByte(s[i])
			i++
			continue
		}
		for _, skip := range []string{"script", "style"} {
			if bytes.HasPrefix(lower[i+1:], []byte(skip)) {
				if end := bytes.Index(lower[i:], []byte("</"+skip)); end >= 0 {
					i += end
				}
			}
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			break
		}
		i += end + 1
		b.WriteByte(' ')
	}
	return b.String()
}

// AmbiguousError reports that a request which is not safe to repeat (POST
// /connections, POST /jobs) failed in a way that leaves open whether the
// server acted on it: a gateway error or a connection lost after the request
// was sent. The caller should look for the resource (for example a connection
// with the requested name created after StartedAt) instead of sending the
// request again.
type AmbiguousError struct {
	Method    string
	Path      string
	StartedAt time.Time // when the first attempt was started
	Err       error     // the *APIError or transport error that ended the request
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%s %s: the outcome is unknown and the request was not repeated to avoid a duplicate "+
		"(started %s): %v", e.Method, e.Path, e.StartedAt.UTC().Format(time.RFC3339), e.Err)
}

func (e *AmbiguousError) Unwrap() error { return e.Err }

// IsAmbiguous reports whether err says that a non-idempotent request may or
// may not have taken effect.
func IsAmbiguous(err error) bool {
	var a *AmbiguousError
	return errors.As(err, &a)
}

// ConnectionError is a request that got no whole HTTP response: the server
// could not be reached, the connection broke while the response was read, or
// the attempt timed out. Nothing was heard from Airbyte.
type ConnectionError struct {
	Method string
	Path   string
	Err    error
}

func (e *ConnectionError) Error() string { return fmt.Sprintf("%s %s: %v", e.Method, e.Path, e.Err) }

func (e *ConnectionError) Unwrap() error { return e.Err }

// IsConnectionError reports a request that got no whole HTTP response.
func IsConnectionError(err error) bool {
	var c *ConnectionError
	return errors.As(err, &c)
}

// DecodeError reports a 2xx response whose body is not the expected JSON.
type DecodeError struct {
	Method      string
	Path        string
	StatusCode  int
	ContentType string
	Size        int    // bytes read
	Target      string // the model the body should have held
	Err         error
}

func (e *DecodeError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "none"
	}
	return fmt.Sprintf("%s %s: cannot decode the %d response (%d bytes, Content-Type %s) as %s: %v",
		e.Method, e.Path, e.StatusCode, e.Size, ct, e.Target, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// ErrBodyTooLarge is wrapped by the error returned for a response body
// larger than the client reads (32 MiB).
var ErrBodyTooLarge = errors.New("response body too large")

// StatusCode returns the HTTP status of the *APIError in err's chain, or 0.
func StatusCode(err error) int {
	var e *APIError
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// IsNotFound reports a 404. Note that for ids the caller cannot see (including
// ids that do not exist) Airbyte usually answers 403, not 404.
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// IsForbidden reports a 403.
func IsForbidden(err error) bool { return StatusCode(err) == http.StatusForbidden }

// IsConflict reports a 409, such as a sync already running or a locked connection.
func IsConflict(err error) bool { return StatusCode(err) == http.StatusConflict }

// IsUnauthorized reports a 401, including one from the token endpoint.
func IsUnauthorized(err error) bool { return StatusCode(err) == http.StatusUnauthorized }

// IsBadRequest reports a 400.
func IsBadRequest(err error) bool { return StatusCode(err) == http.StatusBadRequest }
