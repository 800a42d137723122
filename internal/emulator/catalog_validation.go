package emulator

import (
	"fmt"
	"slices"
	"strings"
)

func validateStream(req streamRequest, s discoveredStream, destModes []string) string {
	mode := ""
	if req.SyncMode != nil {
		mode = *req.SyncMode
	}
	if msg := validateFieldSelection(req, s, mode); msg != "" {
		return msg
	}
	if mode == "" || mode == "full_refresh_overwrite" {
		return ""
	}
	valid := validCombinedSyncModes(s, destModes)
	if !slices.Contains(valid, mode) {
		names := make([]string, len(valid))
		for i, v := range valid {
			names[i] = strings.ToUpper(v)
		}
		return fmt.Sprintf("Cannot set sync mode to %s for stream %s. Valid sync modes are: %s", strings.ToUpper(mode), req.Name, javaList(names))
	}
	switch mode {
	case "incremental_append":
		return validateCursor(req.CursorField, s)
	case "incremental_deduped_history":
		if msg := validateCursor(req.CursorField, s); msg != "" {
			return msg
		}
		return validatePrimaryKey(req.PrimaryKey, s)
	case "full_refresh_update", "incremental_update":
		return validatePrimaryKey(req.PrimaryKey, s)
	}
	return ""
}

func validateFieldSelection(req streamRequest, s discoveredStream, mode string) string {
	if req.SelectedFields == nil {
		return ""
	}
	top := s.topLevelFields()
	sel := *req.SelectedFields
	if len(sel) == 0 {
		return fmt.Sprintf("No fields selected for stream %s. The list of valid field names includes: %s.", s.name, javaList(top))
	}
	names := make([]string, 0, len(sel))
	for _, f := range sel {
		if len(f.FieldPath) == 0 {
			return fmt.Sprintf("Selected field path cannot be empty for stream:  %s.", s.name)
		}
		if len(f.FieldPath) > 1 {
			return fmt.Sprintf("Nested field selection not supported for stream %s.", s.name)
		}
		names = append(names, f.FieldPath[0])
	}
	set := map[string]bool{}
	for _, n := range names {
		set[n] = true
	}
	if len(set) != len(names) {
		return fmt.Sprintf("Duplicate fields selected in configuration for stream: %s.", s.name)
	}
	for _, n := range names {
		if !slices.Contains(top, n) {
			return fmt.Sprintf("Invalid fields selected for stream %s. The list of valid field names includes: %s.", s.name, javaList(top))
		}
	}
	if needsPrimaryKey(mode) {
		for _, p := range selectPrimaryKey(s, req.PrimaryKey) {
			if len(p) > 0 && !set[p[0]] {
				return fmt.Sprintf("Primary key fields are not selected properly for stream: %s. Please include primary key(s) in the configuration for this stream.", s.name)
			}
		}
	}
	if isIncremental(mode) {
		if c := selectCursor(s, req.CursorField); len(c) > 0 && !set[c[0]] {
			return fmt.Sprintf("Cursor field is not selected properly for stream: %s. Please include the cursor field in selected fields for this stream.", s.name)
		}
	}
	return ""
}

func validateCursor(cursor []string, s discoveredStream) string {
	if s.sourceDefinedCursor {
		if len(cursor) > 0 && !sameElements(cursor, s.defaultCursorField) {
			return fmt.Sprintf("Cursor Field %s is already defined by source for stream: %s. Do not include a cursor field configuration for this stream.", javaList(cursor), s.name)
		}
		return ""
	}
	if len(cursor) > 0 {
		paths := s.propertyPaths()
		for _, p := range paths {
			if slices.Equal(p, cursor) {
				return ""
			}
		}
		return fmt.Sprintf("Invalid cursor field for stream: %s. The list of valid cursor fields include: %s.", s.name, javaList(paths))
	}
	if len(s.defaultCursorField) == 0 {
		return fmt.Sprintf("No default cursor field for stream: %s. Please include a cursor field configuration for this stream.", s.name)
	}
	return ""
}

// validatePrimaryKey accepts a key equal to the source-defined one, as the
// server does: only a different key is "already pre-defined".
func validatePrimaryKey(pk [][]string, s discoveredStream) string {
	if len(s.sourceDefinedPK) > 0 && len(pk) > 0 && !equalKeys(s.sourceDefinedPK, pk) {
		return fmt.Sprintf("Primary key for stream: %s is already pre-defined. Please remove the primaryKey or provide the value as %s.", s.name, javaList(s.sourceDefinedPK))
	}
	if len(pk) == 0 && len(s.sourceDefinedPK) == 0 {
		return fmt.Sprintf("No default primary key for stream: %s. Please include a primary key configuration for this stream.", s.name)
	}
	paths := s.propertyPaths()
	for _, single := range pk {
		if !slices.ContainsFunc(paths, func(p []string) bool { return slices.Equal(p, single) }) {
			return fmt.Sprintf("Invalid primary key for stream: %s. The list of valid primary keys fields: %s.", s.name, javaList(paths))
		}
		if len(uniq(single)) != len(single) {
			return fmt.Sprintf("Duplicate primary key detected for stream: %s, please don't provide the same column more than once. Key: %s", s.name, javaList(pk))
		}
	}
	return ""
}

func equalKeys(a, b [][]string) bool {
	return slices.EqualFunc(a, b, func(x, y []string) bool { return slices.Equal(x, y) })
}

func sameElements(a, b []string) bool {
	return slices.Equal(uniqSorted(a), uniqSorted(b))
}

func uniqSorted(a []string) []string {
	out := slices.Clone(a)
	slices.Sort(out)
	return slices.Compact(out)
}

func uniq(a []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range a {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
