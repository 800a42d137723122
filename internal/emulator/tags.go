package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/google/uuid"
)

// Tags (airbytehq/airbyte-platform@310e6cb:
// airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/controllers/TagsController.kt,
// airbyte-server/src/main/kotlin/io/airbyte/server/handlers/TagHandler.kt,
// airbyte-data/src/main/kotlin/io/airbyte/data/services/impls/data/TagServiceDataImpl.kt).

// maxTagsPerWorkspace and maxTagNameLength are TagServiceDataImpl.createTag's
// and TagHandler.validateTagName's limits.
const (
	maxTagsPerWorkspace = 100
	maxTagNameLength    = 30
)

// tagRow is a row of the tag table. Tags are hard-deleted.
type tagRow struct {
	id, workspaceID, name, color string
}

// tagResponse is TagResponse, in the server's key order.
type tagResponse struct {
	TagID       string `json:"tagId"`
	Name        string `json:"name"`
	Color       string `json:"color"`
	WorkspaceID string `json:"workspaceId"`
}

type tagsResponse struct {
	Data []tagResponse `json:"data"`
}

// tagCreateRequest is TagCreateRequest and TagPatchRequest; nil is absent
// or null.
type tagCreateRequest struct {
	Name        *string `json:"name"`
	Color       *string `json:"color"`
	WorkspaceID *string `json:"workspaceId"`
}

// tagRef is a Tag object in a connection request. The Tag schema requires
// all four fields (a missing or null one, or a non-UUID id, fails binding),
// but the server keeps only tagId (airbytehq/airbyte-platform@310e6cb:
// airbyte-data/src/main/kotlin/io/airbyte/data/services/impls/jooq/ConnectionServiceJooqImpl.kt,
// updateOrCreateConnectionTags).
type tagRef struct{ id string }

var errBadTag = errors.New("tag: tagId, workspaceId, name and color are required; ids must be UUIDs")

func (t *tagRef) UnmarshalJSON(b []byte) error {
	var raw struct {
		TagID       *string `json:"tagId"`
		WorkspaceID *string `json:"workspaceId"`
		Name        *string `json:"name"`
		Color       *string `json:"color"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if raw.TagID == nil || raw.WorkspaceID == nil || raw.Name == nil || raw.Color == nil {
		return errBadTag
	}
	id, ok := parseUUID(*raw.TagID)
	if _, wsOK := parseUUID(*raw.WorkspaceID); !ok || !wsOK {
		return errBadTag
	}
	t.id = id
	return nil
}

// parseUUID accepts what Jackson's UUID binding does (the 36-character
// hyphenated form, any case) and returns the canonical lower-case form.
func parseUUID(s string) (string, bool) {
	id, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return "", false
	}
	return id.String(), true
}

func (r *tagRow) response() tagResponse {
	return tagResponse{TagID: r.id, Name: r.name, Color: r.color, WorkspaceID: r.workspaceID}
}

func (e *Emulator) tagByID(id string) *tagRow {
	for _, t := range e.tags {
		if t.id == id {
			return t
		}
	}
	return nil
}

// Problems of TagHandler (api-problems.yaml: TagNameTooLong, TagInvalidHexColor,
// TagAlreadyExists, TagLimitForWorkspaceReached).
func tagNameTooLong() problem {
	return problem{Status: 400, Type: "error:tag-name-too-long", Title: "Tag name too long",
		Detail: "The tag name can be maximum 30 characters."}
}

func tagInvalidHexColor() problem {
	return problem{Status: 400, Type: "error:tag-invalid-hex-color", Title: "Invalid hex color",
		Detail: "The hex color provided is invalid."}
}

func tagAlreadyExists() problem {
	return problem{Status: 409, Type: "error:tag-already-exists", Title: "Tag already exists",
		Detail: "A tag with this name already exists in this workspace."}
}

func tagLimitReached() problem {
	return problem{Status: 400, Type: "error:tag-limit-for-workspace-reached", Title: "Tag limit for workspace reached",
		Detail: "The workspace has reached the maximum number of tags."}
}

var hexColor = regexp.MustCompile(`^[0-9A-Fa-f]{6}$`)

// storedColor is what the tag table's color char(6) column keeps, or false
// when Postgres refuses the value: excess characters are truncated only when
// they are all spaces, then the valid_hex_color CHECK applies.
func storedColor(color string) (string, bool) {
	if len(color) > 6 {
		if strings.Trim(color[6:], " ") != "" {
			return "", false
		}
		color = color[:6]
	}
	return color, hexColor.MatchString(color)
}

// nameTooLong is Kotlin's String.length (UTF-16 code units) over 30.
func nameTooLong(name string) bool {
	return len(utf16.Encode([]rune(name))) > maxTagNameLength
}

// nameTaken reports whether another tag of the workspace has this exact
// name (the UNIQUE(name, workspace_id) constraint).
func (e *Emulator) nameTaken(workspaceID, name, exceptID string) bool {
	return slices.ContainsFunc(e.tags, func(t *tagRow) bool {
		return t.workspaceID == workspaceID && t.name == name && t.id != exceptID
	})
}

// insertTag runs TagHandler.createTag's checks in the server's order (name
// length, workspace limit, then the insert's colour and uniqueness
// constraints) and stores the tag. The caller holds e.mu and has checked
// the workspace.
func (e *Emulator) insertTag(workspaceID, name, color string) (*tagRow, *problem) {
	if nameTooLong(name) {
		p := tagNameTooLong()
		return nil, &p
	}
	n := 0
	for _, t := range e.tags {
		if t.workspaceID == workspaceID {
			n++
		}
	}
	if n >= maxTagsPerWorkspace {
		p := tagLimitReached()
		return nil, &p
	}
	stored, ok := storedColor(color)
	if !ok {
		p := tagInvalidHexColor()
		return nil, &p
	}
	if e.nameTaken(workspaceID, name, "") {
		p := tagAlreadyExists()
		return nil, &p
	}
	row := &tagRow{id: e.ids.next(), workspaceID: workspaceID, name: name, color: stored}
	e.tags = append(e.tags, row)
	return row, nil
}

// CreateTag creates a tag as POST /tags does, for tests of other packages.
func (e *Emulator) CreateTag(workspaceID, name, color string) (tagID string, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.workspaceByID(workspaceID) == nil {
		return "", fmt.Errorf("emulator: unknown workspace %q", workspaceID)
	}
	row, p := e.insertTag(workspaceID, name, color)
	if p != nil {
		return "", fmt.Errorf("emulator: %d %s: %s", p.Status, p.Type, p.Detail)
	}
	return row.id, nil
}

// decodeTagBody reads a TagCreateRequest or TagPatchRequest: every field
// listed in required must be present and non-null, and workspaceId a UUID.
func decodeTagBody(w http.ResponseWriter, r *http.Request, withWorkspace bool) (tagCreateRequest, bool) {
	var req tagCreateRequest
	if !decodeJSON(w, r, &req) {
		return req, false
	}
	if req.Name == nil || req.Color == nil {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return req, false
	}
	if withWorkspace {
		id, ok := "", req.WorkspaceID != nil
		if ok {
			id, ok = parseUUID(*req.WorkspaceID)
		}
		if !ok {
			writeErrorID(w, http.StatusUnprocessableEntity)
			return req, false
		}
		req.WorkspaceID = &id
	}
	return req, true
}

// createTag: an unknown workspace fails the @Secured role check (403); an
// instance admin passes it and the insert breaks the workspace foreign key,
// which TagHandler does not map (500 unexpected-problem).
func (e *Emulator) createTag(w http.ResponseWriter, r *http.Request, _ string) {
	req, ok := decodeTagBody(w, r, true)
	if !ok {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ws := *req.WorkspaceID
	if e.workspaceByID(ws) == nil {
		if e.opts.UnknownIDStatus == http.StatusNotFound {
			writeProblem(w, unexpectedProblem(`SQL Error executing INSERT: ERROR: insert or update on table "tag" violates foreign key constraint "tag_workspace_id_fkey"`+
				"\n  Detail: Key (workspace_id)=("+ws+`) is not present in table "workspace".`))
			return
		}
		writeProblem(w, forbidden())
		return
	}
	row, p := e.insertTag(ws, *req.Name, *req.Color)
	if p != nil {
		writeProblem(w, *p)
		return
	}
	// The repository returns the entity it was given, so the colour is
	// echoed as sent even when the column truncated trailing spaces.
	resp := row.response()
	resp.Color = *req.Color
	writeJSON(w, http.StatusOK, resp)
}

// listTags: no pagination; without workspaceIds, every workspace.
func (e *Emulator) listTags(w http.ResponseWriter, r *http.Request, _ string) {
	ids := splitList(r.URL.Query()["workspaceIds"])
	for i, id := range ids {
		ids[i] = strings.ToLower(id)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.checkWorkspaces(w, ids) {
		return
	}
	out := tagsResponse{Data: []tagResponse{}}
	for _, t := range e.tags {
		if len(ids) == 0 || slices.Contains(ids, t.workspaceID) {
			out.Data = append(out.Data, t.response())
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// lookupTag finds the tag of the path: a non-UUID is a conversion error
// (400), an unknown tag 404 TAG in every mode, since the controller reads
// the tag before any role check.
func (e *Emulator) lookupTag(w http.ResponseWriter, r *http.Request) *tagRow {
	id, ok := parseUUID(r.PathValue("tagId"))
	if !ok {
		writeErrorID(w, http.StatusBadRequest)
		return nil
	}
	t := e.tagByID(id)
	if t == nil {
		writeProblem(w, resourceNotFound("TAG", id))
	}
	return t
}

func (e *Emulator) getTag(w http.ResponseWriter, r *http.Request, _ string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t := e.lookupTag(w, r); t != nil {
		writeJSON(w, http.StatusOK, t.response())
	}
}

// patchTag replaces both name and colour (TagPatchRequest requires both);
// there is no limit check, and the tag may keep its own name.
func (e *Emulator) patchTag(w http.ResponseWriter, r *http.Request, _ string) {
	if _, ok := parseUUID(r.PathValue("tagId")); !ok {
		writeErrorID(w, http.StatusBadRequest)
		return
	}
	req, ok := decodeTagBody(w, r, false)
	if !ok {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.lookupTag(w, r)
	if t == nil {
		return
	}
	if nameTooLong(*req.Name) {
		writeProblem(w, tagNameTooLong())
		return
	}
	stored, ok := storedColor(*req.Color)
	if !ok {
		writeProblem(w, tagInvalidHexColor())
		return
	}
	if e.nameTaken(t.workspaceID, *req.Name, t.id) {
		writeProblem(w, tagAlreadyExists())
		return
	}
	t.name, t.color = *req.Name, stored
	resp := t.response()
	resp.Color = *req.Color
	writeJSON(w, http.StatusOK, resp)
}

// deleteTag hard-deletes; connection_tag rows go with it (ON DELETE
// CASCADE), so connections silently lose the tag.
func (e *Emulator) deleteTag(w http.ResponseWriter, r *http.Request, _ string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.lookupTag(w, r)
	if t == nil {
		return
	}
	e.tags = slices.DeleteFunc(e.tags, func(x *tagRow) bool { return x == t })
	for _, c := range e.connections {
		c.tagIDs = slices.DeleteFunc(c.tagIDs, func(id string) bool { return id == t.id })
	}
	w.WriteHeader(http.StatusNoContent)
}

// setConnectionTags applies a connection request's tags: the list is a set
// of ids; ids already attached and still requested stay, others are dropped,
// and new ids are attached only when the tag exists in the connection's
// workspace (its source's). Unknown and foreign ids are ignored silently.
func (e *Emulator) setConnectionTags(c *connection, refs []tagRef) {
	want := make([]string, 0, len(refs))
	for _, ref := range refs {
		if !slices.Contains(want, ref.id) {
			want = append(want, ref.id)
		}
	}
	kept := slices.DeleteFunc(slices.Clone(c.tagIDs), func(id string) bool { return !slices.Contains(want, id) })
	ws := e.workspaceOf(c)
	for _, id := range want {
		if slices.Contains(kept, id) {
			continue
		}
		if t := e.tagByID(id); t != nil && t.workspaceID == ws {
			kept = append(kept, id)
		}
	}
	c.tagIDs = kept
}

// connectionTags reads a connection's tags from the tag table, so a
// renamed tag shows its current name; never nil.
func (e *Emulator) connectionTags(c *connection) []tag {
	out := []tag{}
	for _, id := range c.tagIDs {
		if t := e.tagByID(id); t != nil {
			out = append(out, tag{TagID: t.id, WorkspaceID: t.workspaceID, Name: t.name, Color: t.color})
		}
	}
	return out
}

// hasAnyTag is the tagIds filter of GET /connections: any of the ids.
func (c *connection) hasAnyTag(ids []string) bool {
	return slices.ContainsFunc(c.tagIDs, func(id string) bool {
		return slices.ContainsFunc(ids, func(want string) bool { return strings.EqualFold(want, id) })
	})
}
