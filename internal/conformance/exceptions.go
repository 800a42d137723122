package conformance

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strings"

	yaml "github.com/pb33f/go-yaml"
)

// This file is the one place that lists where traffic may differ from the
// OpenAPI documents. Every entry names a known defect in the documents, or a
// known difference between them and the real Airbyte server, with the section
// of the Airbyte API reference (REFERENCE.md) that records it. Each entry is as
// narrow as the defect: one status of named operations, or one schema failure
// of one operation. Nothing here skips an operation as a whole.

// faultStatuses are left out of validation and out of every count. They are
// not part of the API contract the emulator imitates: the emulator injects them
// on request to exercise the client's retries, and the documents declare none
// of them.
var faultStatuses = map[int]string{
	http.StatusTooManyRequests: "429: operator-triggered rate limiting, body {\"message\": ...}, no Retry-After (REFERENCE.md §4.8, §6 item 8, §7); declared by no operation",
	http.StatusBadGateway:      "502: injected gateway fault (REFERENCE.md §6 item 8); declared by no operation",
	http.StatusServiceUnavailable: "503: injected fault; the server's own service-unavailable problem comes only from the health controller " +
		"(REFERENCE.md §4.8 table, §6 item 8)",
	http.StatusGatewayTimeout: "504: injected gateway fault (REFERENCE.md §6 item 8); declared by no operation",
	499:                       "499: the emulator held the answer back (a latency spike) and the client gave up before it was written; nobody receives it",
}

// statusException accepts a response status the documents do not declare for
// an operation (or declare with a body the server does not send). The status
// is accepted, the body is not validated, and the response is counted under
// Summary.Tolerated instead of Summary.Responses.
type statusException struct {
	status int
	// operations are the operationIds covered; nil means every operation of
	// both documents.
	operations []string
	// withRequestBody limits the exception to operations that take a request body.
	withRequestBody bool
	reason          string
}

var statusExceptions = []statusException{
	{
		status: http.StatusUnauthorized,
		reason: "No operation declares 401. The server answers 401 for a missing, invalid or expired bearer token " +
			"and {\"errorId\": ...} for bad client credentials on the token endpoint (REFERENCE.md §1.2, §6 items 1-2); " +
			"the body for a missing token is not known (§7).",
	},
	{
		status:          http.StatusUnprocessableEntity,
		withRequestBody: true,
		reason: "No public operation declares 422. Malformed JSON or a body with wrong types, an unknown enum value or a bad UUID " +
			"is answered 422 {\"errorId\": ...} by the framework before any controller runs (REFERENCE.md §4.8), " +
			"and POST /jobs with jobType refresh is answered 422 unprocessable-entity (§4.5). " +
			"The Config API declares 422 as InvalidInputExceptionInfo (required message, validationErrors), " +
			"but the server sends {\"errorId\": ...} there too (§5.4).",
	},
	{
		status:     http.StatusConflict,
		operations: []string{"createJob"},
		reason: "POST /jobs declares 200, 400, 403 only; a sync already running, or a sync of a deleted connection, " +
			"is answered 409 try-again-later (REFERENCE.md §4.5, §4.8).",
	},
	{
		status:     http.StatusConflict,
		operations: []string{"cancelJob"},
		reason:     "DELETE /jobs/{jobId} declares 200, 403, 404 only; cancelling a job that is not running is answered 409 state-conflict (REFERENCE.md §4.5, §4.8).",
	},
	{
		status:     http.StatusConflict,
		operations: []string{"patchConnection"},
		reason:     "PATCH /connections/{connectionId} declares 200, 403, 404 only; a locked connection is answered 409 \"Connection is locked\" (REFERENCE.md §4.2, §4.8).",
	},
	{
		status:     http.StatusBadRequest,
		operations: []string{"patchConnection"},
		reason: "PATCH /connections/{connectionId} declares no 400, but invalid streams and cron expressions are answered " +
			"400 bad-request as on create (REFERENCE.md §4.2 \"plus 400/409\", §4.3, §4.4).",
	},
	{
		status:     http.StatusBadRequest,
		operations: []string{"listConnections", "listJobs", "listSources", "listDestinations", "listWorkspaces"},
		reason: "The list operations declare no 400, but limit outside 1-100 or offset below 0 fails bean validation, " +
			"answered 400 {\"errorId\": ...}, and a bad orderBy on GET /jobs is 400 bad-request (REFERENCE.md §4.5, §4.8).",
	},
	{
		status:     http.StatusBadRequest,
		operations: []string{"getJob", "cancelJob"},
		reason: "GET and DELETE /jobs/{jobId} declare no 400, but a jobId that is not an int64 cannot be bound to the " +
			"controller's parameter and the framework answers 400 {\"errorId\": ...} (REFERENCE.md §4.8, bean validation).",
	},
	{
		status:     http.StatusNotFound,
		operations: []string{"createConnection", "createJob"},
		reason: "POST /connections and POST /jobs declare no 404, but an unknown source, destination or connection is " +
			"answered 404 resource-not-found when the caller may see every workspace (REFERENCE.md §4.2, §4.5, §4.9).",
	},
	{
		status:     http.StatusForbidden,
		operations: []string{"getState", "webBackendGetConnection"},
		reason:     "The two Config API operations declare 200, 404, 422 only; a caller without the workspace role is answered 403 (REFERENCE.md §5.4).",
	},
}

// statusExceptionFor returns the exception that accepts status for op, or nil.
func statusExceptionFor(op *operation, status int) *statusException {
	for i := range statusExceptions {
		e := &statusExceptions[i]
		if e.status != status {
			continue
		}
		if e.withRequestBody && !op.hasBody {
			continue
		}
		if e.operations != nil && !slices.Contains(e.operations, op.id) {
			continue
		}
		return e
	}
	return nil
}

// failureException accepts one schema failure of one operation.
type failureException struct {
	kind      string // "request" or "response"
	operation string
	field     *regexp.Regexp // matches the JSONPath of the failing instance
	reason    string         // the validator's reason, exactly
	why       string
}

var failureExceptions = []failureException{
	{
		kind:      "request",
		operation: "createAccessToken",
		field:     regexp.MustCompile(`^\$$`),
		reason:    "missing property 'grant_type'",
		why: "ApplicationTokenRequestWithGrant requires grant_type but spells the property grant-type, and the server accepts " +
			"token requests without any grant type: PyAirbyte's get_bearer_token sends only client_id and client_secret " +
			"(REFERENCE.md §1.2, §6 item 1).",
	},
	{
		kind:      "request",
		operation: "patchConnection",
		field:     regexp.MustCompile(`^\$\.(name|prefix|namespaceFormat)$`),
		reason:    "got null, want string",
		why: "ConnectionPatchRequest types these properties as plain strings, but the server reads a null as absent and " +
			"leaves the value unchanged (REFERENCE.md §4.2, patch semantics: \"null is ignored\"). Our client never sends null; " +
			"the emulator's tests send it to check that the value is kept.",
	},
	{
		kind:      "response",
		operation: "webBackendGetConnection",
		field:     regexp.MustCompile(`^\$\.syncCatalog\.streams\[\d+\]\.stream$`),
		reason:    "missing property 'json_schema'",
		why: "AirbyteStream in config.yaml requires json_schema but spells the property jsonSchema, " +
			"which is what the server sends (REFERENCE.md §5.2).",
	},
}

// tolerateFailure reports whether a failure is a known defect (failureExceptions).
func tolerateFailure(kind, operationID string, f failure) bool {
	for _, e := range failureExceptions {
		if e.kind == kind && e.operation == operationID && e.field.MatchString(f.Field) && e.reason == f.Reason {
			return true
		}
	}
	return false
}

// normalizePublicResponseBody removes properties whose value is null from
// every JSON object in a public API response body before it is validated.
//
// Why: the public API document types optional properties without null
// (JobResponse.lastUpdatedAt is "type: string"), but the server's Jackson
// mapper writes absent optional fields as null, e.g. "lastUpdatedAt": null,
// "namespaceFormat": null (REFERENCE.md §3, §4.2 and §4.5 examples, §7).
// Treating null as absent keeps every other check: a required property that is
// null is still reported, as missing.
func normalizePublicResponseBody(header http.Header, body []byte) []byte {
	mediaType, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil || !(mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")) {
		return body
	}
	if !bytes.Contains(body, []byte("null")) {
		return body
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return body // let the validator report the malformed body
	}
	out, err := json.Marshal(dropNulls(v))
	if err != nil {
		return body
	}
	return out
}

func dropNulls(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if x == nil {
				delete(t, k)
				continue
			}
			t[k] = dropNulls(x)
		}
	case []any:
		for i, x := range t {
			t[i] = dropNulls(x)
		}
	}
	return v
}

// fixDocument corrects, in the parsed document, defects that would otherwise
// stop a schema from compiling at all.
//
// nullable: api.yaml declares "openapi: 3.1.0" but its Group* schemas still
// use the OpenAPI 3.0 keyword "nullable: true", which 3.1 removed; the
// validator refuses to compile such schemas, so every response of the group
// operations would fail. In a 3.1 document "type: X" plus "nullable: true" is
// rewritten to "type: [X, 'null']", which is what the authors meant. (Found
// while building this package; not in REFERENCE.md, whose operations do not
// use these schemas.) 3.0 documents such as config.yaml are left alone: there
// nullable is valid and the validator honours it.
func fixDocument(top *yaml.Node) {
	version := mappingValue(top, "openapi")
	if version == nil || !strings.HasPrefix(version.Value, "3.1") {
		return
	}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			rewriteNullable(n)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(top)
}

// rewriteNullable turns {type: X, nullable: true} into {type: [X, "null"]} in one mapping.
func rewriteNullable(m *yaml.Node) {
	nullableAt := -1
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "nullable" && m.Content[i+1].Kind == yaml.ScalarNode {
			nullableAt = i
		}
	}
	if nullableAt < 0 {
		return
	}
	nullable := m.Content[nullableAt+1].Value == "true"
	m.Content = append(m.Content[:nullableAt], m.Content[nullableAt+2:]...)
	typ := mappingValue(m, "type")
	if !nullable || typ == nil || typ.Kind != yaml.ScalarNode {
		return
	}
	*typ = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: typ.Value},
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "null"},
	}}
}
