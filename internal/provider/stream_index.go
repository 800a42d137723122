package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// streamID names a stream as Airbyte does: by name and namespace, "" when
// it has none.
type streamID struct{ name, namespace string }

// streamIndex indexes a set of existing streams (a connection's, or a
// source's catalog) by name and namespace, to tell which of them a
// configured stream is. It is the one place that answers that question:
// the plan, the update request, the catalog's properties and the AES keys
// kept across reads all match streams through it.
type streamIndex[T any] struct {
	streams []T
	exact   map[streamID]int // the position of the stream of that name and namespace
	byName  map[string]int   // the position of the only stream of that name; -1 when there are several
}

// newStreamIndex indexes streams, each named by id. Of two streams with the
// same name and namespace, the last counts.
func newStreamIndex[T any](streams []T, id func(T) streamID) *streamIndex[T] {
	x := &streamIndex[T]{
		streams: streams,
		exact:   make(map[streamID]int, len(streams)),
		byName:  make(map[string]int, len(streams)),
	}
	for i, s := range streams {
		sid := id(s)
		x.exact[sid] = i
		if _, seen := x.byName[sid.name]; seen {
			x.byName[sid.name] = -1
		} else {
			x.byName[sid.name] = i
		}
	}
	return x
}

// position returns the position of the existing stream that the configured
// stream named name, in namespace, is; -1 when it is none of them:
//   - a namespace that is set matches only the stream of that name and
//     namespace;
//   - without a namespace (null), the stream of that name without namespace,
//     else the only stream of that name, as Airbyte picks it;
//   - a namespace not known yet matches the only stream of that name.
//
// A nil index holds no streams.
func (x *streamIndex[T]) position(name string, namespace types.String) int {
	if x == nil {
		return -1
	}
	if !namespace.IsUnknown() {
		if i, ok := x.exact[streamID{name, namespace.ValueString()}]; ok {
			return i
		}
		if !namespace.IsNull() {
			return -1
		}
	}
	if i, ok := x.byName[name]; ok {
		return i
	}
	return -1
}

// find returns the existing stream that the configured stream named name,
// in namespace, is, by the rules of position.
func (x *streamIndex[T]) find(name string, namespace types.String) (T, bool) {
	if i := x.position(name, namespace); i >= 0 {
		return x.streams[i], true
	}
	var none T
	return none, false
}

// streamModelID names a stream of a Terraform value (a state's, a plan's).
func streamModelID(s streamModel) streamID {
	return streamID{s.Name.ValueString(), s.Namespace.ValueString()}
}

// catalogStreamID names a stream of a source's catalog.
func catalogStreamID(p client.StreamProperties) streamID {
	return streamID{p.StreamName, p.StreamNamespace}
}

// configuredStreamID names a stream of a connection as the API returns it.
func configuredStreamID(s client.StreamConfiguration) streamID {
	return streamID{s.Name, s.Namespace}
}
