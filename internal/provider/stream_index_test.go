package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestStreamIndexFindsTheExistingStream(t *testing.T) {
	existing := []streamID{
		{"users", "public"},
		{"orders", "public"}, {"orders", "sales"},
		{"events", ""}, {"events", "audit"},
		{"files", ""},
		{"twice", "a"}, {"twice", "a"},
	}
	index := newStreamIndex(existing, func(s streamID) streamID { return s })
	for _, tc := range []struct {
		about     string
		name      string
		namespace types.String
		want      int // position in existing; -1 for none
	}{
		{"name and namespace", "users", types.StringValue("public"), 0},
		{"another namespace of the only stream of the name", "users", types.StringValue("private"), -1},
		{"without namespace: the only stream of the name", "users", types.StringNull(), 0},
		{"namespace not known yet: the only stream of the name", "users", types.StringUnknown(), 0},
		{"one of several namespaces", "orders", types.StringValue("sales"), 2},
		{"without namespace among several namespaces", "orders", types.StringNull(), -1},
		{"namespace not known yet among several namespaces", "orders", types.StringUnknown(), -1},
		{"without namespace: the stream without namespace first", "events", types.StringNull(), 3},
		{"an empty namespace is the stream without namespace", "events", types.StringValue(""), 3},
		{"namespace not known yet, the name not unique", "events", types.StringUnknown(), -1},
		{"a namespace the stream without namespace lacks", "files", types.StringValue("public"), -1},
		{"without namespace, the stream has none", "files", types.StringNull(), 5},
		{"the same name and namespace twice: the last", "twice", types.StringValue("a"), 7},
		{"no stream of the name", "missing", types.StringNull(), -1},
		{"no stream of the name, with namespace", "missing", types.StringValue("public"), -1},
	} {
		t.Run(tc.about, func(t *testing.T) {
			if got := index.position(tc.name, tc.namespace); got != tc.want {
				t.Fatalf("position(%q, %s) = %d, want %d", tc.name, tc.namespace, got, tc.want)
			}
			got, ok := index.find(tc.name, tc.namespace)
			if ok != (tc.want >= 0) || (ok && got != existing[tc.want]) {
				t.Fatalf("find(%q, %s) = %v, %v", tc.name, tc.namespace, got, ok)
			}
		})
	}
}

func TestStreamIndexNilAndEmptyHoldNothing(t *testing.T) {
	var none *streamIndex[streamModel]
	if _, ok := none.find("users", types.StringNull()); ok {
		t.Error("a nil index found a stream")
	}
	empty := newStreamIndex[streamModel](nil, streamModelID)
	if i := empty.position("users", types.StringUnknown()); i != -1 {
		t.Errorf("an empty index found position %d", i)
	}
}
