package emulator

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// listParams are the query parameters shared by list endpoints.
type listParams struct {
	limit, offset  int
	workspaceIDs   []string
	includeDeleted bool
}

// parseListParams reads limit, offset, workspaceIds (repeated keys or one
// comma-joined value) and includeDeleted; invalid values are answered 400
// {"errorId"} like the server's bean validation.
func parseListParams(w http.ResponseWriter, r *http.Request) (listParams, bool) {
	q := r.URL.Query()
	p := listParams{limit: 20}
	bad := func() (listParams, bool) { writeErrorID(w, http.StatusBadRequest); return p, false }
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return bad()
		}
		p.limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return bad()
		}
		p.offset = n
	}
	if v := q.Get("includeDeleted"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return bad()
		}
		p.includeDeleted = b
	}
	p.workspaceIDs = splitList(q["workspaceIds"])
	return p, true
}

func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// checkWorkspaces answers for workspace filters naming unknown workspaces:
// 403 in the default mode; in 404 (admin) mode they just match nothing.
func (e *Emulator) checkWorkspaces(w http.ResponseWriter, ids []string) bool {
	if e.opts.UnknownIDStatus == http.StatusNotFound {
		return true
	}
	for _, id := range ids {
		if e.workspaceByID(id) == nil {
			writeProblem(w, forbidden())
			return false
		}
	}
	return true
}

// pageLinks builds next and previous the way the server's PaginationMapper
// does (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/mappers/PaginationMapper.kt):
// next whenever the page is non-empty (even a short last page), previous
// whenever offset is not 0. Values are URL-encoded (a comma-joined id list
// reads "%2C"), and since both links come from one builder whose queryParam
// appends, previous repeats limit when next was built first.
func pageLinks(base string, query []string, limit, offset, n int) (prev, next string) {
	for i, kv := range query {
		k, v, _ := strings.Cut(kv, "=")
		query[i] = k + "=" + url.QueryEscape(v)
	}
	lim := "limit=" + strconv.Itoa(limit)
	link := func(limits []string, off int) string {
		q := append(slices.Clone(query), limits...)
		return base + "?" + strings.Join(append(q, "offset="+strconv.Itoa(off)), "&")
	}
	limits := []string{lim}
	if n > 0 {
		next = link(limits, offset+limit)
		limits = append(limits, lim)
	}
	if offset != 0 {
		prev = link(limits, max(offset-limit, 0))
	}
	return prev, next
}

// page returns the slice of items for limit and offset.
func page[T any](items []T, limit, offset int) []T {
	if offset >= len(items) {
		return []T{}
	}
	return items[offset:min(offset+limit, len(items))]
}

type listResponse[T any] struct {
	Previous string `json:"previous"`
	Next     string `json:"next"`
	Data     []T    `json:"data"`
}

func (e *Emulator) listConnections(w http.ResponseWriter, r *http.Request, base string) {
	p, ok := parseListParams(w, r)
	if !ok {
		return
	}
	tagIDs := splitList(r.URL.Query()["tagIds"])
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	if !e.checkWorkspaces(w, p.workspaceIDs) {
		return
	}
	var all []connectionResponse
	for _, c := range e.connections {
		if c.status == "deprecated" && !p.includeDeleted {
			continue
		}
		if len(p.workspaceIDs) > 0 && !slices.Contains(p.workspaceIDs, e.workspaceOf(c)) {
			continue
		}
		if len(tagIDs) > 0 && !c.hasAnyTag(tagIDs) {
			continue
		}
		all = append(all, e.connectionJSON(c))
	}
	data := page(all, p.limit, p.offset)
	query := []string{"includeDeleted=" + strconv.FormatBool(p.includeDeleted)}
	if len(p.workspaceIDs) > 0 {
		query = append(query, "workspaceIds="+strings.Join(p.workspaceIDs, ","))
	}
	prev, next := pageLinks(base+"/connections", query, p.limit, p.offset, len(data))
	writeJSON(w, http.StatusOK, listResponse[connectionResponse]{Previous: prev, Next: next, Data: data})
}
