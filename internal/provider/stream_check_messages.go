package provider

import (
	"fmt"
	"slices"
	"strings"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// How the stream checks name streams, fields and lists in their messages:
// values are written as they are in a Terraform configuration.

// streamLabel names a discovered stream in messages.
func streamLabel(d client.StreamProperties) string {
	if d.StreamNamespace == "" {
		return fmt.Sprintf("%q", d.StreamName)
	}
	return fmt.Sprintf("%q (namespace %q)", d.StreamName, d.StreamNamespace)
}

// catalogNames lists the catalog's stream names, sorted, each once.
func catalogNames(catalog []client.StreamProperties) []string {
	names := make([]string, 0, len(catalog))
	for _, d := range catalog {
		names = append(names, d.StreamName)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// quoteList quotes and joins items; with limit > 0 it shows that many and
// counts the rest.
func quoteList(items []string, limit int) string {
	if len(items) == 0 {
		return "none"
	}
	shown := items
	if limit > 0 && len(items) > limit {
		shown = items[:limit]
	}
	parts := make([]string, len(shown))
	for i, s := range shown {
		parts[i] = fmt.Sprintf("%q", s)
	}
	out := strings.Join(parts, ", ")
	if len(shown) < len(items) {
		out += fmt.Sprintf(" and %d more", len(items)-len(shown))
	}
	return out
}

// hclPath writes a field path as Terraform does: ["a", "b"].
func hclPath(p []string) string {
	parts := make([]string, len(p))
	for i, s := range p {
		parts[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// hclPaths writes a list of field paths: [["id"], ["a", "b"]].
func hclPaths(ps [][]string) string {
	return "[" + pathList(ps) + "]"
}

func pathList(ps [][]string) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = hclPath(p)
	}
	return strings.Join(parts, ", ")
}

// nearestName returns the name closest to name when it differs only in
// case or by at most two edits, or "".
func nearestName(name string, names []string) string {
	best, bestDist := "", 3
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return n
		}
		if d := editDistance(strings.ToLower(n), strings.ToLower(name)); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
