package conformance

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"strings"

	yaml "github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi/datamodel"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// configOperations are the Config API paths the emulator serves.
// Only these, and the components they reference, are kept from config.yaml:
// building a validator for the whole 700 KB document takes about ten seconds,
// almost all of it compiling schemas no test will ever use.
var configOperations = []string{
	"/v1/state/get",
	"/v1/web_backend/connections/get",
	"/v1/jobs/get",
	"/v1/connections/status",
	"/v1/connections/get",
	"/v1/connections/update",
	"/v1/web_backend/connections/update",
	"/v1/state/create_or_update_safe",
	"/v1/connections/reset",
	"/v1/connections/clear",
	"/v1/connections/reset/stream",
	"/v1/connections/clear/stream",
	"/v1/connections/refresh",
	"/v1/connections/events/list",
	"/v1/connections/events/get",
}

// apiDocument is one OpenAPI document with its validator and operation table.
type apiDocument struct {
	name       string // "public" or "config"
	validator  validator.Validator
	operations []*operation
}

// operation is one method on one spec path.
type operation struct {
	id          string
	method      string
	path        string   // the spec's path template, e.g. /connections/{connectionId}
	segments    []string // path split on "/"; "{...}" segments match anything
	literals    int      // number of literal segments, to prefer /applications/token over /applications/{applicationId}
	pathItem    *v3.PathItem
	op          *v3.Operation
	hasBody     bool
	document    *apiDocument
	declaredAny bool // the operation declares a "default" response
}

// loadDocument parses an OpenAPI document and builds its validator. When keepPaths is
// non-empty, the document is first reduced to those paths and what they reference.
func loadDocument(name, path string, keepPaths []string) (*apiDocument, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s OpenAPI document: %w", name, err)
	}
	raw, err = prepareDocument(raw, keepPaths)
	if err != nil {
		return nil, fmt.Errorf("prepare %s OpenAPI document %s: %w", name, path, err)
	}
	docConfig := datamodel.NewDocumentConfiguration()
	// api.yaml references two components it does not define
	// (DataplaneCreateResponseBody, ForbiddenResponse); libopenapi logs each one.
	// The operations concerned are not ones this provider uses, so stay quiet.
	docConfig.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	doc, err := libopenapi.NewDocumentWithConfiguration(raw, docConfig)
	if err != nil {
		return nil, fmt.Errorf("parse %s OpenAPI document %s: %w", name, path, err)
	}
	// BuildV3Model reports the unresolved references above but still returns a
	// usable model; only give up when there is no model at all.
	model, buildErr := doc.BuildV3Model()
	if model == nil {
		return nil, fmt.Errorf("build %s OpenAPI model from %s: %w", name, path, buildErr)
	}
	d := &apiDocument{name: name}
	d.validator = validator.NewValidatorFromV3Model(&model.Model,
		// The token endpoint accepts form bodies (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/controllers/ApplicationsController.kt).
		config.WithURLEncodedBodyValidation(),
	)
	d.operations = collectOperations(d, &model.Model)
	if len(d.operations) == 0 {
		return nil, fmt.Errorf("%s OpenAPI document %s declares no operations", name, path)
	}
	return d, nil
}

func collectOperations(d *apiDocument, model *v3.Document) []*operation {
	var ops []*operation
	if model.Paths == nil || model.Paths.PathItems == nil {
		return nil
	}
	for p := model.Paths.PathItems.First(); p != nil; p = p.Next() {
		item := p.Value()
		for o := item.GetOperations().First(); o != nil; o = o.Next() {
			op := o.Value()
			segs := strings.Split(strings.Trim(p.Key(), "/"), "/")
			lit := 0
			for _, s := range segs {
				if !isTemplateSegment(s) {
					lit++
				}
			}
			ops = append(ops, &operation{
				id:          op.OperationId,
				method:      strings.ToUpper(o.Key()),
				path:        p.Key(),
				segments:    segs,
				literals:    lit,
				pathItem:    item,
				op:          op,
				hasBody:     op.RequestBody != nil,
				document:    d,
				declaredAny: op.Responses != nil && op.Responses.Default != nil,
			})
		}
	}
	// Most literal segments first, so the first match is the most specific one.
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].literals > ops[j].literals })
	return ops
}

func isTemplateSegment(s string) bool {
	return strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}")
}

// find returns the operation for method and a spec-relative path, or nil.
func (d *apiDocument) find(method, specPath string) *operation {
	segs := strings.Split(strings.Trim(specPath, "/"), "/")
	for _, op := range d.operations {
		if op.method != method || len(op.segments) != len(segs) {
			continue
		}
		if segmentsMatch(op.segments, segs) {
			return op
		}
	}
	return nil
}

func segmentsMatch(template, actual []string) bool {
	for i, t := range template {
		if isTemplateSegment(t) {
			if actual[i] == "" {
				return false
			}
			continue
		}
		if t != actual[i] {
			return false
		}
	}
	return true
}

// declaresStatus reports whether the operation declares a response for status,
// exactly, as a range such as 4XX, or through "default".
func (o *operation) declaresStatus(status int) bool {
	if o.declaredAny {
		return true
	}
	if o.op.Responses == nil || o.op.Responses.Codes == nil {
		return false
	}
	codes := o.op.Responses.Codes
	if _, ok := codes.Get(fmt.Sprint(status)); ok {
		return true
	}
	_, ok := codes.Get(fmt.Sprintf("%dXX", status/100))
	return ok
}

// prepareDocument applies the fixes in exceptions.go to a document and, when
// keepPaths is non-empty, reduces it to those paths (reduceDocument).
func prepareDocument(raw []byte, keepPaths []string) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		return nil, err
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a YAML mapping document")
	}
	top := root.Content[0]
	if len(keepPaths) > 0 {
		reduced, err := reduceDocument(top, keepPaths)
		if err != nil {
			return nil, err
		}
		top = reduced
	}
	fixDocument(top)
	return yaml.Marshal(top)
}

// reduceDocument keeps only keepPaths from an OpenAPI document, plus every
// component those paths reference, directly or through other components.
// Everything outside paths and components (openapi, info, servers, security)
// is kept as it is.
func reduceDocument(top *yaml.Node, keepPaths []string) (*yaml.Node, error) {
	paths := mappingValue(top, "paths")
	components := mappingValue(top, "components")
	if paths == nil {
		return nil, fmt.Errorf("no paths")
	}

	keptPaths := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, p := range keepPaths {
		item := mappingValue(paths, p)
		if item == nil {
			return nil, fmt.Errorf("path %s not found", p)
		}
		keptPaths.Content = append(keptPaths.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: p}, item)
	}

	// Walk references breadth-first from the kept paths.
	type ref struct{ section, name string }
	used := map[ref]bool{}
	queue := []*yaml.Node{keptPaths}
	if security := mappingValue(components, "securitySchemes"); security != nil {
		queue = append(queue, security)
		used[ref{"securitySchemes", ""}] = true
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, target := range localRefs(n) {
			section, name, ok := splitComponentRef(target)
			if !ok {
				return nil, fmt.Errorf("unsupported reference %q", target)
			}
			r := ref{section, name}
			if used[r] {
				continue
			}
			used[r] = true
			def := mappingValue(mappingValue(components, section), name)
			if def == nil {
				return nil, fmt.Errorf("reference %q not found", target)
			}
			queue = append(queue, def)
		}
	}

	keptComponents := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if components != nil {
		for i := 0; i+1 < len(components.Content); i += 2 {
			section, defs := components.Content[i].Value, components.Content[i+1]
			if section == "securitySchemes" {
				keptComponents.Content = append(keptComponents.Content, components.Content[i], defs)
				continue
			}
			kept := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			for j := 0; j+1 < len(defs.Content); j += 2 {
				if used[ref{section, defs.Content[j].Value}] {
					kept.Content = append(kept.Content, defs.Content[j], defs.Content[j+1])
				}
			}
			if len(kept.Content) > 0 {
				keptComponents.Content = append(keptComponents.Content, components.Content[i], kept)
			}
		}
	}

	reduced := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(top.Content); i += 2 {
		switch top.Content[i].Value {
		case "paths":
			reduced.Content = append(reduced.Content, top.Content[i], keptPaths)
		case "components":
			reduced.Content = append(reduced.Content, top.Content[i], keptComponents)
		case "tags", "x-tagGroups":
			// Only documentation; dropped to keep the reduced document small.
		default:
			reduced.Content = append(reduced.Content, top.Content[i], top.Content[i+1])
		}
	}
	return reduced, nil
}

// mappingValue returns the value for key in a YAML mapping node, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// localRefs returns the targets of every $ref under n.
func localRefs(n *yaml.Node) []string {
	var out []string
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == "$ref" && n.Content[i+1].Kind == yaml.ScalarNode {
					out = append(out, n.Content[i+1].Value)
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return out
}

// splitComponentRef splits "#/components/schemas/Foo" into ("schemas", "Foo").
func splitComponentRef(target string) (section, name string, ok bool) {
	rest, found := strings.CutPrefix(target, "#/components/")
	if !found {
		return "", "", false
	}
	section, name, found = strings.Cut(rest, "/")
	if !found || name == "" || strings.Contains(name, "/") {
		return "", "", false
	}
	return section, strings.ReplaceAll(strings.ReplaceAll(name, "~1", "/"), "~0", "~"), true
}

// route maps a request path served by the emulator onto a document and a
// path relative to that document's server URL:
//
//	/api/public/v1/connections → public, /connections   (self-managed root)
//	/v1/connections            → public, /connections   (Cloud root, servers: https://api.airbyte.com/v1)
//	/api/v1/state/get          → config, /v1/state/get  (servers: https://cloud.airbyte.com/api)
//
// ok is false for paths under none of these roots.
func (r *Recorder) route(urlPath string) (d *apiDocument, specPath string, ok bool) {
	if rest, found := strings.CutPrefix(urlPath, "/api/public/v1/"); found {
		return r.public, "/" + rest, true
	}
	if rest, found := strings.CutPrefix(urlPath, "/api/v1/"); found {
		return r.config, "/v1/" + rest, true
	}
	if rest, found := strings.CutPrefix(urlPath, "/v1/"); found {
		return r.public, "/" + rest, true
	}
	return nil, "", false
}

// isAdminPath reports whether a request goes to the emulator's own control
// endpoints rather than to the Airbyte API.
func isAdminPath(urlPath string) bool {
	return urlPath == "/_emulator" || strings.HasPrefix(urlPath, "/_emulator/")
}

// requestForSpec returns a copy of req whose URL path is specPath, which is
// what the validator expects.
func requestForSpec(req *http.Request, specPath string, body []byte) *http.Request {
	c := req.Clone(req.Context())
	u := *req.URL
	u.Path = specPath
	u.RawPath = ""
	c.URL = &u
	c.Body = io.NopCloser(bytes.NewReader(body))
	c.GetBody = nil
	c.ContentLength = int64(len(body))
	return c
}
