// Package conformance checks HTTP traffic against the official Airbyte OpenAPI
// documents: the public API (api.yaml) and the two Config API operations the
// provider uses (config.yaml). Test binaries wrap the emulator's handler with a
// Recorder, so every request the client sends and every response the emulator
// returns is validated, and report what they saw when they finish.
//
// Known defects in the documents, and places where the real server is known to
// differ from them, are listed in exceptions.go; nothing else is tolerated.
package conformance

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"

	liberrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/helpers"
)

// Violation is one request or response that does not conform to the OpenAPI documents.
type Violation struct {
	Kind      string // "request" or "response"
	Method    string
	Path      string // the request path as served, e.g. /api/public/v1/connections/{id}
	Operation string // operationId, empty when no operation matches
	Status    int    // the response status
	Messages  []string
}

func (v Violation) String() string {
	op := v.Operation
	if op == "" {
		op = "no operation"
	}
	s := fmt.Sprintf("%s %s %s (%s) → %d", v.Kind, v.Method, v.Path, op, v.Status)
	for _, m := range v.Messages {
		s += "\n    " + m
	}
	return s
}

// Summary is what a Recorder has seen so far.
type Summary struct {
	// Requests and Responses count the messages that were validated.
	Requests, Responses int
	// Tolerated counts responses whose status the documents do not declare (or
	// whose body they describe wrongly) but that exceptions.go accepts; their
	// bodies were not validated. Keyed by "operationId status".
	Tolerated map[string]int
	// Skipped counts responses left out entirely: injected faults and rate
	// limiting (see faultStatuses). Their requests are not counted either.
	Skipped    int
	Violations []Violation
	// Operations counts requests per operationId.
	Operations map[string]int
}

// HandlerOptions chooses what Handler checks.
type HandlerOptions struct {
	// CheckRequests: requests come from our client, and every one must conform.
	CheckRequests bool
	// CheckRequestsIf2xx: requests are hand-made by emulator tests, often wrong
	// on purpose; a request violation counts only when the server answered 2xx,
	// that is, accepted something the documents forbid.
	CheckRequestsIf2xx bool
	// CheckResponses: every response must conform.
	CheckResponses bool
}

// Recorder validates traffic and counts it. Safe for concurrent use.
type Recorder struct {
	public, config *apiDocument

	mu         sync.Mutex
	requests   int
	responses  int
	skipped    int
	tolerated  map[string]int
	violations []Violation
	operations map[string]int
}

// New loads the public API document (api.yaml) and the Config API document
// (config.yaml), keeping only the Config API operations the provider uses.
func New(publicSpecPath, configSpecPath string) (*Recorder, error) {
	var (
		wg                sync.WaitGroup
		public, cfg       *apiDocument
		publicErr, cfgErr error
	)
	wg.Go(func() { public, publicErr = loadDocument("public API", publicSpecPath, nil) })
	wg.Go(func() { cfg, cfgErr = loadDocument("Config API", configSpecPath, configOperations) })
	wg.Wait()
	if publicErr != nil {
		return nil, publicErr
	}
	if cfgErr != nil {
		return nil, cfgErr
	}
	return (&Recorder{public: public, config: cfg}).withEmptyCounts(), nil
}

// Handler wraps next. It validates each request (when checkRequests) before
// passing it on and each response next writes (buffering it), counting
// validated requests and responses and collecting violations. Requests to the
// emulator's admin endpoints (/_emulator/...) pass through unchecked.
func (r *Recorder) Handler(next http.Handler, opts HandlerOptions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if isAdminPath(req.URL.Path) || !(opts.CheckRequests || opts.CheckRequestsIf2xx || opts.CheckResponses) {
			next.ServeHTTP(w, req)
			return
		}
		var body []byte
		if req.Body != nil {
			var err error
			body, err = io.ReadAll(req.Body)
			if err != nil {
				http.Error(w, "conformance: read request body: "+err.Error(), http.StatusBadRequest)
				return
			}
			_ = req.Body.Close()
			req.Body = io.NopCloser(bytes.NewReader(body))
		}

		ex := r.newExchange(req, body)
		var requestMessages []string
		if opts.CheckRequests || opts.CheckRequestsIf2xx {
			requestMessages = ex.validateRequest()
		}

		buf := &bufferedResponse{header: http.Header{}}
		next.ServeHTTP(buf, req)
		status := buf.statusCode()
		if _, set := buf.header["Content-Type"]; !set && buf.body.Len() > 0 {
			// What net/http would send; validate what the client receives.
			buf.header.Set("Content-Type", http.DetectContentType(buf.body.Bytes()))
		}

		if _, fault := faultStatuses[status]; fault {
			r.mu.Lock()
			r.skipped++
			r.mu.Unlock()
		} else {
			var responseMessages []string
			outcome := responseNotChecked
			if opts.CheckResponses {
				outcome, responseMessages = ex.validateResponse(status, buf.header, buf.body.Bytes())
			}
			r.record(ex, opts, status, requestMessages, outcome, responseMessages)
		}

		buf.copyTo(w)
	})
}

// record adds one exchange's results to the counters.
func (r *Recorder) record(ex *exchange, opts HandlerOptions, status int, requestMessages []string, outcome responseOutcome, responseMessages []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	opID := ""
	if ex.op != nil {
		opID = ex.op.id
		r.operations[opID]++
	}
	if opts.CheckRequests || opts.CheckRequestsIf2xx {
		if ex.op != nil {
			r.requests++
		}
		if len(requestMessages) > 0 && (opts.CheckRequests || status/100 == 2) {
			r.violations = append(r.violations, Violation{
				Kind: "request", Method: ex.req.Method, Path: ex.req.URL.Path,
				Operation: opID, Status: status, Messages: requestMessages,
			})
		}
	}
	switch outcome {
	case responseValidated:
		r.responses++
	case responseTolerated:
		r.tolerated[fmt.Sprintf("%s %d", opID, status)]++
	}
	if len(responseMessages) > 0 {
		r.violations = append(r.violations, Violation{
			Kind: "response", Method: ex.req.Method, Path: ex.req.URL.Path,
			Operation: opID, Status: status, Messages: responseMessages,
		})
	}
}

// Summary returns a copy of what the recorder has seen so far.
func (r *Recorder) Summary() Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := Summary{
		Requests:   r.requests,
		Responses:  r.responses,
		Skipped:    r.skipped,
		Tolerated:  make(map[string]int, len(r.tolerated)),
		Violations: append([]Violation(nil), r.violations...),
		Operations: make(map[string]int, len(r.operations)),
	}
	for k, v := range r.tolerated {
		s.Tolerated[k] = v
	}
	for k, v := range r.operations {
		s.Operations[k] = v
	}
	return s
}

// Line returns the one-line report "conformance: requests=N responses=M violations=K".
func (r *Recorder) Line() string {
	s := r.Summary()
	return fmt.Sprintf("conformance: requests=%d responses=%d violations=%d", s.Requests, s.Responses, len(s.Violations))
}

// exchange is one request being checked.
type exchange struct {
	r        *Recorder
	req      *http.Request
	body     []byte
	doc      *apiDocument
	specPath string
	op       *operation
}

func (r *Recorder) newExchange(req *http.Request, body []byte) *exchange {
	ex := &exchange{r: r, req: req, body: body}
	if d, p, ok := r.route(req.URL.Path); ok {
		ex.doc, ex.specPath = d, p
		ex.op = d.find(req.Method, p)
	}
	return ex
}

func (ex *exchange) noOperationMessage() string {
	if ex.doc == nil {
		return fmt.Sprintf("%s %s is under neither /v1, /api/public/v1 (public API) nor /api/v1 (Config API)", ex.req.Method, ex.req.URL.Path)
	}
	return fmt.Sprintf("the %s document declares no operation for %s %s", ex.doc.name, ex.req.Method, ex.specPath)
}

// validateRequest returns the request's violations, after exceptions.
func (ex *exchange) validateRequest() []string {
	if ex.op == nil {
		return []string{ex.noOperationMessage()}
	}
	specReq := requestForSpec(ex.req, ex.specPath, ex.body)
	_, errs := ex.doc.validator.ValidateHttpRequestSyncWithPathItem(specReq, ex.op.pathItem, ex.op.path)
	return messages(errs, func(f failure) bool { return tolerateFailure("request", ex.op.id, f) })
}

type responseOutcome int

const (
	responseNotChecked responseOutcome = iota
	responseValidated
	responseTolerated
)

// validateResponse checks one response against the operation's declared responses.
func (ex *exchange) validateResponse(status int, header http.Header, body []byte) (responseOutcome, []string) {
	if ex.op == nil {
		// The emulator answering an undocumented route with an error is right;
		// answering it with success means it serves something the API lacks.
		if status/100 == 2 {
			return responseNotChecked, []string{ex.noOperationMessage() + fmt.Sprintf(", yet the server answered %d", status)}
		}
		return responseNotChecked, nil
	}
	if exc := statusExceptionFor(ex.op, status); exc != nil {
		return responseTolerated, nil
	}
	if !ex.op.declaresStatus(status) {
		return responseNotChecked, []string{fmt.Sprintf("status %d is not declared for %s (declared: %s)", status, ex.op.id, ex.op.declaredStatuses())}
	}
	if ex.doc == ex.r.public {
		body = normalizePublicResponseBody(header, body)
	}
	specReq := requestForSpec(ex.req, ex.specPath, ex.body)
	resp := &http.Response{
		StatusCode:    status,
		Header:        header,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       specReq,
	}
	if len(body) == 0 {
		resp.Body = http.NoBody
	}
	_, errs := ex.doc.validator.GetResponseBodyValidator().ValidateResponseBodyWithPathItem(specReq, resp, ex.op.pathItem, ex.op.path)
	return responseValidated, messages(errs, func(f failure) bool { return tolerateFailure("response", ex.op.id, f) })
}

func (o *operation) declaredStatuses() string {
	var codes []string
	if o.op.Responses != nil && o.op.Responses.Codes != nil {
		for c := o.op.Responses.Codes.First(); c != nil; c = c.Next() {
			codes = append(codes, c.Key())
		}
	}
	sort.Strings(codes)
	return fmt.Sprint(codes)
}

// failure is one schema failure, or one validation error without schema
// details, in the form exceptions are matched against.
type failure struct {
	Field  string // JSONPath of the failing instance, "$" for the root; empty when unknown
	Reason string
}

// messages flattens validation errors into readable lines, dropping the
// failures tolerate accepts.
func messages(errs []*liberrors.ValidationError, tolerate func(failure) bool) []string {
	var out []string
	for _, e := range errs {
		if len(e.SchemaValidationErrors) == 0 {
			if tolerate(failure{Reason: e.Message}) {
				continue
			}
			msg := e.Message
			if e.Reason != "" && e.Reason != e.Message {
				msg += ": " + e.Reason
			}
			out = append(out, msg)
			continue
		}
		for _, f := range e.SchemaValidationErrors {
			field := f.FieldPath
			if field == "" {
				field = "$"
			}
			if tolerate(failure{Field: field, Reason: f.Reason}) {
				continue
			}
			if e.ValidationType == helpers.RequestBodyValidation || e.ValidationType == helpers.ResponseBodyValidation {
				// The violation already says which request or response this is.
				out = append(out, fmt.Sprintf("body %s: %s", field, f.Reason))
			} else {
				out = append(out, fmt.Sprintf("%s: %s: %s", e.Message, field, f.Reason))
			}
		}
	}
	return out
}

// bufferedResponse holds what the wrapped handler writes until it has been validated.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *bufferedResponse) statusCode() int {
	if b.status == 0 {
		return http.StatusOK
	}
	return b.status
}

func (b *bufferedResponse) copyTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.statusCode())
	_, _ = w.Write(b.body.Bytes())
}

// withEmptyCounts returns a recorder sharing r's documents with nothing recorded.
func (r *Recorder) withEmptyCounts() *Recorder {
	return &Recorder{public: r.public, config: r.config, tolerated: map[string]int{}, operations: map[string]int{}}
}
