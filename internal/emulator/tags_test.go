package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// newTag creates a tag with colour FF5733 in seeded workspace ws and returns
// its TagResponse, which is also a valid Tag object for connection requests.
func (e *env) newTag(ws int, name string) map[string]any {
	e.t.Helper()
	return e.expect(e.call("POST", "/tags", map[string]any{"name": name, "color": "FF5733", "workspaceId": e.ws(ws).WorkspaceID}), 200).json(e.t)
}

// expectProblem checks status, type, title and detail of a problem body and
// returns its data.
func (e *env) expectProblem(r response, status int, typ, title, detail string) map[string]any {
	e.t.Helper()
	body := e.expect(r, status).json(e.t)
	if body["type"] != typ || body["title"] != title || body["detail"] != detail || body["status"] != float64(status) {
		e.t.Fatalf("problem %s, want %d %s %q %q", r.body, status, typ, title, detail)
	}
	if v, ok := body["documentationUrl"]; !ok || v != nil {
		e.t.Fatalf("documentationUrl must be null: %s", r.body)
	}
	data, _ := body["data"].(map[string]any)
	return data
}

func tagIDsOf(conn map[string]any) []string {
	ids := []string{}
	for _, t := range conn["tags"].([]any) {
		ids = append(ids, t.(map[string]any)["tagId"].(string))
	}
	return ids
}

const (
	tooLongTitle = "Tag name too long"
	badHexTitle  = "Invalid hex color"
	tooLongType  = "error:tag-name-too-long"
	badHexType   = "error:tag-invalid-hex-color"
	tooLongText  = "The tag name can be maximum 30 characters."
	badHexText   = "The hex color provided is invalid."
)

func (e *env) expectTooLong(r response) {
	e.t.Helper()
	e.expectProblem(r, 400, tooLongType, tooLongTitle, tooLongText)
}

func (e *env) expectBadHex(r response) {
	e.t.Helper()
	e.expectProblem(r, 400, badHexType, badHexTitle, badHexText)
}

func (e *env) expectDuplicate(r response) {
	e.t.Helper()
	e.expectProblem(r, 409, "error:tag-already-exists", "Tag already exists", "A tag with this name already exists in this workspace.")
}

// TestTagLifecycle: create, get, list, patch and delete on both public
// prefixes; TagResponse keys in the server's order; delete is hard
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/controllers/TagsController.kt).
func TestTagLifecycle(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	ws0 := e.ws(0).WorkspaceID
	r := e.expect(e.call("POST", "/tags", map[string]any{"name": "Finance", "color": "ff5733", "workspaceId": strings.ToUpper(ws0)}), 200)
	if !strings.HasPrefix(string(r.body), `{"tagId":"`) || !strings.Contains(string(r.body), `","name":"Finance","color":"ff5733","workspaceId":"`+ws0+`"}`) {
		t.Fatalf("create body %s", r.body)
	}
	created := r.json(t)
	path := "/tags/" + created["tagId"].(string)
	for _, u := range []string{path, e.srv.URL + "/v1" + path, "/tags/" + strings.ToUpper(created["tagId"].(string))} {
		if got := e.expect(e.call("GET", u, nil), 200).json(t); !reflect.DeepEqual(got, created) {
			t.Fatalf("GET %s = %v, want %v", u, got, created)
		}
	}
	list := e.expect(e.call("GET", "/tags", nil), 200).json(t)
	if len(list) != 1 || !reflect.DeepEqual(list["data"], []any{created}) {
		t.Fatalf("list %v", list)
	}
	patched := e.expect(e.call("PATCH", path, map[string]any{"name": "Ops", "color": "00AAFF"}), 200).json(t)
	want := map[string]any{"tagId": created["tagId"], "name": "Ops", "color": "00AAFF", "workspaceId": ws0}
	if !reflect.DeepEqual(patched, want) || !reflect.DeepEqual(e.expect(e.call("GET", path, nil), 200).json(t), want) {
		t.Fatalf("patch %v, want %v", patched, want)
	}
	if r := e.expect(e.call("DELETE", path, nil), 204); len(r.body) != 0 {
		t.Fatalf("delete body %q", r.body)
	}
	e.expect(e.call("GET", path, nil), 404)
	e.expect(e.call("DELETE", path, nil), 404)
	if data := e.expect(e.call("GET", e.srv.URL+"/v1/tags", nil), 200).json(t)["data"].([]any); len(data) != 0 {
		t.Fatalf("deleted tag still listed: %v", data)
	}
}

// TestCreateTagValidation: names up to 30 UTF-16 units, anything else
// allowed; colour exactly six hex digits, excess trailing spaces truncated
// by the char(6) column while the response echoes the request
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/handlers/TagHandler.kt).
func TestCreateTagValidation(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	ws0 := e.ws(0).WorkspaceID
	create := func(name, color string) response {
		return e.call("POST", "/tags", map[string]any{"name": name, "color": color, "workspaceId": ws0})
	}
	for _, name := range []string{strings.Repeat("n", 31), strings.Repeat("😀", 16)} {
		e.expectTooLong(create(name, "FF5733"))
	}
	for _, name := range []string{strings.Repeat("n", 30), strings.Repeat("😀", 15), "", "  padded  "} {
		if got := e.expect(create(name, "FF5733"), 200).json(t)["name"]; got != name {
			t.Errorf("name %q stored as %q", name, got)
		}
	}
	for _, color := range []string{"#FF5733", "FFF", "", "GGGGGG", "FF5733X", "FF573 ", "FF5733 x"} {
		e.expectBadHex(create("c"+color, color))
	}
	if got := e.expect(create("mixed", "abcDEF"), 200).json(t)["color"]; got != "abcDEF" {
		t.Errorf("colour case not kept: %v", got)
	}
	padded := e.expect(create("padded colour", "FF5733  "), 200).json(t)
	if padded["color"] != "FF5733  " {
		t.Errorf("create echoes %q", padded["color"])
	}
	if got := e.expect(e.call("GET", "/tags/"+padded["tagId"].(string), nil), 200).json(t)["color"]; got != "FF5733" {
		t.Errorf("stored colour %q, want FF5733", got)
	}
}

// TestCreateTagDuplicateName: (name, workspace) is unique, exact and case
// sensitive; the colour check fires before uniqueness
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/handlers/TagHandler.kt).
func TestCreateTagDuplicateName(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	e.newTag(0, "finance")
	e.expectDuplicate(e.call("POST", "/tags", map[string]any{"name": "finance", "color": "000000", "workspaceId": e.ws(0).WorkspaceID}))
	e.expectBadHex(e.call("POST", "/tags", map[string]any{"name": "finance", "color": "red", "workspaceId": e.ws(0).WorkspaceID}))
	e.newTag(0, "Finance")
	e.newTag(0, "finance ")
	e.newTag(1, "finance")
}

// TestTagLimitPerWorkspace: the 101st tag of a workspace is refused before
// the uniqueness check but after the name check; updates are not limited
// (airbytehq/airbyte-platform@310e6cb: airbyte-data/src/main/kotlin/io/airbyte/data/services/impls/data/TagServiceDataImpl.kt).
func TestTagLimitPerWorkspace(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	var last map[string]any
	for i := range 100 {
		last = e.newTag(0, fmt.Sprintf("t%03d", i))
	}
	create := func(name string) response {
		return e.call("POST", "/tags", map[string]any{"name": name, "color": "FF5733", "workspaceId": e.ws(0).WorkspaceID})
	}
	limit := func(r response) {
		t.Helper()
		e.expectProblem(r, 400, "error:tag-limit-for-workspace-reached", "Tag limit for workspace reached",
			"The workspace has reached the maximum number of tags.")
	}
	limit(create("one more"))
	limit(create(last["name"].(string)))
	e.expectTooLong(create(strings.Repeat("n", 31)))
	e.newTag(1, "one more")
	e.expect(e.call("PATCH", "/tags/"+last["tagId"].(string), map[string]any{"name": "renamed", "color": "000000"}), 200)
	e.expect(e.call("DELETE", "/tags/"+last["tagId"].(string), nil), 204)
	e.newTag(0, "one more")
}

// TestTagBindingErrors: the generated request classes require every field
// (missing or null: 422 {"errorId"}, empty body 400); path ids are UUIDs
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/controllers/TagsController.kt).
func TestTagBindingErrors(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	ws0 := e.ws(0).WorkspaceID
	tg := e.newTag(0, "kept")
	path := "/tags/" + tg["tagId"].(string)
	errorID := func(r response, status int) {
		t.Helper()
		if e.expect(r, status).json(t)["errorId"] == nil {
			t.Fatalf("no errorId: %s", r.body)
		}
	}
	errorID(e.call("POST", "/tags", ""), 400)
	for _, body := range []map[string]any{
		{"color": "FF5733", "workspaceId": ws0},
		{"name": "a", "workspaceId": ws0},
		{"name": "a", "color": "FF5733"},
		{"name": nil, "color": "FF5733", "workspaceId": ws0},
		{"name": "a", "color": "FF5733", "workspaceId": "not-a-uuid"},
		{"name": 5, "color": "FF5733", "workspaceId": ws0},
	} {
		errorID(e.call("POST", "/tags", body), 422)
	}
	errorID(e.call("PATCH", path, map[string]any{"name": "only name"}), 422)
	errorID(e.call("PATCH", path, map[string]any{"color": "000000"}), 422)
	errorID(e.call("PATCH", path, ""), 400)
	for _, method := range []string{"GET", "DELETE"} {
		errorID(e.call(method, "/tags/not-a-uuid", nil), 400)
	}
	errorID(e.call("PATCH", "/tags/not-a-uuid", map[string]any{"name": "a", "color": "000000"}), 400)
	if got := e.expect(e.call("GET", path, nil), 200).json(t); !reflect.DeepEqual(got, tg) {
		t.Fatalf("tag changed by refused requests: %v", got)
	}
}

// TestUnknownTagIs404: the controller reads the tag before the role check,
// so an unknown tag is 404 resourceType TAG whatever the caller's roles
// (airbytehq/airbyte-platform@310e6cb: airbyte-data/src/main/kotlin/io/airbyte/data/services/impls/data/TagServiceDataImpl.kt, getTagById).
func TestUnknownTagIs404(t *testing.T) {
	const missing = "0F0F0F0F-0000-4000-8000-000000000001"
	for _, status := range []int{http.StatusForbidden, http.StatusNotFound} {
		e := newEnv(t, Options{Seed: 7, UnknownIDStatus: status})
		for _, method := range []string{"GET", "PATCH", "DELETE"} {
			var body any
			if method == "PATCH" {
				body = map[string]any{"name": "a", "color": "000000"}
			}
			data := e.expectProblem(e.call(method, "/tags/"+missing, body), 404,
				errorsDoc+"#resource-not-found", "resource-not-found", "The requested resource could not be found.")
			if !reflect.DeepEqual(data, map[string]any{"resourceType": "TAG", "resourceId": strings.ToLower(missing)}) {
				t.Fatalf("%s data %v", method, data)
			}
		}
	}
}

// TestCreateTagUnknownWorkspace: the @Secured editor check fails for a
// workspace that does not exist (403); an instance admin passes it and the
// insert breaks the workspace foreign key, which is not mapped (500)
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/handlers/TagHandler.kt, handleDataAccessException).
func TestCreateTagUnknownWorkspace(t *testing.T) {
	const missing = "00000000-0000-4000-8000-000000000000"
	body := map[string]any{"name": "a", "color": "FF5733", "workspaceId": missing}
	e := newEnv(t, Options{Seed: 7})
	if msg := e.expect(e.call("POST", "/tags", body), 403).message(t); msg != readerDenied {
		t.Fatalf("403 message %q", msg)
	}
	e = newEnv(t, Options{Seed: 7, UnknownIDStatus: http.StatusNotFound})
	r := e.call("POST", "/tags", body)
	data := e.expectProblem(r, 500, errorsDoc, "unexpected-problem",
		"An unexpected problem has occurred. If this is an error that needs to be addressed, please submit a pull request or github issue.")
	if !strings.Contains(data["message"].(string), "foreign key") {
		t.Fatalf("message %v", data)
	}
	if data := e.expect(e.call("GET", "/tags", nil), 200).json(t)["data"].([]any); len(data) != 0 {
		t.Fatalf("tag stored: %v", data)
	}
}

// TestPatchTagValidation: same name and colour checks as create, a tag may
// keep its own name, another tag's name in the workspace is 409
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/handlers/TagHandler.kt, updateTag).
func TestPatchTagValidation(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	a, b := e.newTag(0, "a"), e.newTag(0, "b")
	e.newTag(1, "elsewhere")
	path := "/tags/" + a["tagId"].(string)
	patch := func(name, color string) response {
		return e.call("PATCH", path, map[string]any{"name": name, "color": color})
	}
	e.expect(patch("a", "123456"), 200)
	e.expect(patch("elsewhere", "123456"), 200)
	e.expectDuplicate(patch(b["name"].(string), "123456"))
	e.expectBadHex(patch(b["name"].(string), "#123456"))
	e.expectTooLong(patch(strings.Repeat("n", 31), "123456"))
	padded := e.expect(patch("p", "ABCDEF   "), 200).json(t)
	got := e.expect(e.call("GET", path, nil), 200).json(t)
	if padded["color"] != "ABCDEF   " || got["color"] != "ABCDEF" || got["name"] != "p" || got["workspaceId"] != e.ws(0).WorkspaceID {
		t.Fatalf("patched %v, stored %v", padded, got)
	}
}

// TestListTagsWorkspaceFilter: workspaceIds filters, unknown workspaces
// fail the reader check (match nothing for an instance admin), and there
// is no pagination (airbytehq/airbyte-platform@310e6cb:
// airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/controllers/TagsController.kt, publicListTags).
func TestListTagsWorkspaceFilter(t *testing.T) {
	const missing = "00000000-0000-4000-8000-000000000000"
	e := newEnv(t, Options{Seed: 7})
	ws0, ws1 := e.ws(0).WorkspaceID, e.ws(1).WorkspaceID
	e.newTag(0, "a")
	e.newTag(1, "b")
	e.newTag(0, "c")
	names := func(q string) []string {
		t.Helper()
		out := []string{}
		for _, tg := range e.expect(e.call("GET", "/tags"+q, nil), 200).json(t)["data"].([]any) {
			out = append(out, tg.(map[string]any)["name"].(string))
		}
		return out
	}
	for q, want := range map[string][]string{
		"":                                      {"a", "b", "c"},
		"?limit=1&offset=1":                     {"a", "b", "c"},
		"?workspaceIds=" + ws0:                  {"a", "c"},
		"?workspaceIds=" + strings.ToUpper(ws1): {"b"},
		"?workspaceIds=" + ws1 + "," + ws0:      {"a", "b", "c"},
		"?workspaceIds=" + ws1 + "&workspaceIds=" + ws0: {"a", "b", "c"},
	} {
		if got := names(q); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %v, want %v", q, got, want)
		}
	}
	if msg := e.expect(e.call("GET", "/tags?workspaceIds="+ws0+","+missing, nil), 403).message(t); msg != readerDenied {
		t.Fatalf("403 message %q", msg)
	}
	admin := newEnv(t, Options{Seed: 7, UnknownIDStatus: http.StatusNotFound})
	admin.newTag(0, "a")
	if data := admin.expect(admin.call("GET", "/tags?workspaceIds="+missing, nil), 200).json(t)["data"].([]any); len(data) != 0 {
		t.Fatalf("admin unknown workspace: %v", data)
	}
}

// TestConnectionTagsByID: connections keep tag ids only, as a set; ids of
// unknown tags or of another workspace are dropped silently; reads show
// the tag table's current values; deleting a tag detaches it everywhere
// (airbytehq/airbyte-platform@310e6cb: airbyte-data/src/main/kotlin/io/airbyte/data/services/impls/jooq/ConnectionServiceJooqImpl.kt,
// updateOrCreateConnectionTags and getTagsByConnectionIds).
func TestConnectionTagsByID(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	ws0 := e.ws(0).WorkspaceID
	a, b, foreign := e.newTag(0, "a"), e.newTag(0, "b"), e.newTag(1, "foreign")
	fake := func(tg map[string]any) map[string]any {
		return map[string]any{"tagId": strings.ToUpper(tg["tagId"].(string)), "workspaceId": ws0, "name": "fake", "color": "not a colour"}
	}
	unknown := map[string]any{"tagId": "0f0f0f0f-0000-4000-8000-000000000001", "workspaceId": ws0, "name": "x", "color": "FF5733"}
	conn := e.createConnection(map[string]any{"sourceId": e.sourceID(postgres), "destinationId": e.destinationID(0, snowflake),
		"tags": []any{fake(a), unknown, fake(a), foreign}})
	if !reflect.DeepEqual(conn["tags"], []any{map[string]any{"tagId": a["tagId"], "workspaceId": ws0, "name": "a", "color": "FF5733"}}) {
		t.Fatalf("create tags %v", conn["tags"])
	}
	id := conn["connectionId"].(string)
	path := "/connections/" + id
	c := e.expect(e.call("PATCH", path, map[string]any{"tags": []any{b, a, unknown}}), 200).json(t)
	if got := tagIDsOf(c); !reflect.DeepEqual(got, []string{a["tagId"].(string), b["tagId"].(string)}) {
		t.Fatalf("patched tags %v", got)
	}
	if got := tagIDsOf(e.expect(e.call("PATCH", path, map[string]any{"name": "no tags sent"}), 200).json(t)); len(got) != 2 {
		t.Fatalf("absent tags changed the set: %v", got)
	}
	e.expect(e.call("PATCH", "/tags/"+a["tagId"].(string), map[string]any{"name": "renamed", "color": "000000"}), 200)
	renamed := map[string]any{"tagId": a["tagId"], "workspaceId": ws0, "name": "renamed", "color": "000000"}
	reads := map[string][]any{
		"get":         e.expect(e.call("GET", path, nil), 200).json(t)["tags"].([]any),
		"list":        e.expect(e.call("GET", "/connections?tagIds="+url.QueryEscape(a["tagId"].(string)), nil), 200).json(t)["data"].([]any)[0].(map[string]any)["tags"].([]any),
		"web_backend": e.expect(e.config("/web_backend/connections/get", map[string]any{"connectionId": id}), 200).json(t)["tags"].([]any),
	}
	for name, tags := range reads {
		if len(tags) != 2 || !reflect.DeepEqual(tags[0], renamed) {
			t.Errorf("%s tags %v", name, tags)
		}
	}
	e.expect(e.call("DELETE", "/tags/"+a["tagId"].(string), nil), 204)
	if got := tagIDsOf(e.expect(e.call("GET", path, nil), 200).json(t)); !reflect.DeepEqual(got, []string{b["tagId"].(string)}) {
		t.Fatalf("after tag delete %v", got)
	}
	if data := e.expect(e.call("GET", "/connections?tagIds="+a["tagId"].(string), nil), 200).json(t)["data"].([]any); len(data) != 0 {
		t.Fatalf("deleted tag still matches: %v", data)
	}
	if snap := e.emu.Snapshot(); !reflect.DeepEqual(snap.Connections[len(snap.Connections)-1].TagIDs, []string{b["tagId"].(string)}) {
		t.Fatalf("snapshot tag ids %v", snap.Connections[len(snap.Connections)-1].TagIDs)
	}
	if got := tagIDsOf(e.expect(e.call("PATCH", path, map[string]any{"tags": []any{}}), 200).json(t)); len(got) != 0 {
		t.Fatalf("[] must clear: %v", got)
	}
}

// TestConnectionTagBinding: Tag objects in connection requests need all
// four fields and UUID ids, else the body does not bind (422)
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/helpers/ConnectionHelper.kt, convertTags).
func TestConnectionTagBinding(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	tg := e.newTag(0, "a")
	id := e.newConnection(postgres, map[string]any{"tags": []any{tg}})
	without := func(key string) map[string]any {
		m := map[string]any{}
		for k, v := range tg {
			if k != key {
				m[k] = v
			}
		}
		return m
	}
	with := func(key string, v any) map[string]any {
		m := without(key)
		m[key] = v
		return m
	}
	for _, bad := range []any{
		without("tagId"), without("workspaceId"), without("name"), without("color"),
		with("name", nil), with("tagId", "x"), with("workspaceId", "x"), nil,
	} {
		e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"tags": []any{bad}}), 422)
		e.expect(e.call("POST", "/connections", map[string]any{"sourceId": e.sourceID(postgres),
			"destinationId": e.destinationID(0, snowflake), "tags": []any{bad}}), 422)
	}
	if got := tagIDsOf(e.expect(e.call("GET", "/connections/"+id, nil), 200).json(t)); !reflect.DeepEqual(got, []string{tg["tagId"].(string)}) {
		t.Fatalf("tags changed by refused patches: %v", got)
	}
}

// TestCreateTagHelper: the exported helper applies POST /tags's rules
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/handlers/TagHandler.kt).
func TestCreateTagHelper(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	id, err := e.emu.CreateTag(e.ws(1).WorkspaceID, "helper", "ABCDEF")
	if err != nil {
		t.Fatal(err)
	}
	got := e.expect(e.call("GET", "/tags/"+id, nil), 200).json(t)
	if got["name"] != "helper" || got["color"] != "ABCDEF" || got["workspaceId"] != e.ws(1).WorkspaceID {
		t.Fatalf("helper tag %v", got)
	}
	for _, c := range []struct{ ws, name, color string }{
		{e.ws(1).WorkspaceID, "helper", "ABCDEF"},
		{e.ws(1).WorkspaceID, "other", "#ABCDEF"},
		{"00000000-0000-4000-8000-000000000000", "x", "ABCDEF"},
	} {
		if _, err := e.emu.CreateTag(c.ws, c.name, c.color); err == nil {
			t.Errorf("CreateTag%v: no error", c)
		}
	}
}
