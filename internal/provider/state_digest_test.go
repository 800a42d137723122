package provider

import (
	"errors"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

var digestTestType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"streams": tftypes.Set{ElementType: tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"name":   tftypes.String,
		"cursor": tftypes.List{ElementType: tftypes.String},
	}}},
	"count": tftypes.Number,
	"flag":  tftypes.Bool,
}}

func digestTestValue(t *testing.T, count any, streams ...[2]string) []byte {
	t.Helper()
	elemType := digestTestType.AttributeTypes["streams"].(tftypes.Set).ElementType
	var elems []tftypes.Value
	for _, s := range streams {
		elems = append(elems, tftypes.NewValue(elemType, map[string]tftypes.Value{
			"name":   tftypes.NewValue(tftypes.String, s[0]),
			"cursor": tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, s[1])}),
		}))
	}
	v := tftypes.NewValue(digestTestType, map[string]tftypes.Value{
		"streams": tftypes.NewValue(digestTestType.AttributeTypes["streams"], elems),
		"count":   tftypes.NewValue(tftypes.Number, count),
		"flag":    tftypes.NewValue(tftypes.Bool, nil),
	})
	dv, err := tfprotov6.NewDynamicValue(digestTestType, v)
	if err != nil {
		t.Fatal(err)
	}
	return dv.MsgPack
}

func mustDigest(t *testing.T, b []byte) [32]byte {
	t.Helper()
	d, err := valueDigest(b, digestTestType)
	if err != nil {
		t.Fatalf("valueDigest: %v", err)
	}
	return d
}

// TestValueDigest checks that equal values digest the same whatever the order of set
// elements, and that any difference, down to a list element, changes the digest.
func TestValueDigest(t *testing.T) {
	a := digestTestValue(t, big.NewFloat(3), [2]string{"users", "updated_at"}, [2]string{"orders", "id"})
	reordered := digestTestValue(t, big.NewFloat(3), [2]string{"orders", "id"}, [2]string{"users", "updated_at"})
	if mustDigest(t, a) != mustDigest(t, reordered) {
		t.Error("the same set in another order digests differently")
	}
	for name, other := range map[string][]byte{
		"a list element":   digestTestValue(t, big.NewFloat(3), [2]string{"users", "created_at"}, [2]string{"orders", "id"}),
		"a set element":    digestTestValue(t, big.NewFloat(3), [2]string{"users", "updated_at"}),
		"a number":         digestTestValue(t, big.NewFloat(4), [2]string{"users", "updated_at"}, [2]string{"orders", "id"}),
		"a null for value": digestTestValue(t, nil, [2]string{"users", "updated_at"}, [2]string{"orders", "id"}),
	} {
		if mustDigest(t, a) == mustDigest(t, other) {
			t.Errorf("a value with another %s digests the same", name)
		}
	}
	// Two names that run into each other when concatenated stay apart.
	if mustDigest(t, digestTestValue(t, 1, [2]string{"ab", "c"})) == mustDigest(t, digestTestValue(t, 1, [2]string{"a", "bc"})) {
		t.Error(`"ab","c" and "a","bc" digest the same`)
	}
}

// TestValueDigestNumberEncodings checks that a number digests the same as an integer, a
// float and the string Terraform writes for large numbers.
func TestValueDigestNumberEncodings(t *testing.T) {
	var want [32]byte
	for i, enc := range []any{int64(1700000000), float64(1700000000), uint64(1700000000), "1700000000"} {
		b, err := msgpack.Marshal(enc)
		if err != nil {
			t.Fatal(err)
		}
		d, err := valueDigest(b, tftypes.Number)
		if err != nil {
			t.Fatalf("%T: %v", enc, err)
		}
		if i == 0 {
			want = d
		} else if d != want {
			t.Errorf("the number encoded as %T digests differently", enc)
		}
	}
}

// TestValueDigestRefusesUnknowns checks that a value holding an unknown has no digest: a
// plan's unknown is never the same as anything.
func TestValueDigestRefusesUnknowns(t *testing.T) {
	v := tftypes.NewValue(digestTestType, map[string]tftypes.Value{
		"streams": tftypes.NewValue(digestTestType.AttributeTypes["streams"], tftypes.UnknownValue),
		"count":   tftypes.NewValue(tftypes.Number, 1),
		"flag":    tftypes.NewValue(tftypes.Bool, true),
	})
	dv, err := tfprotov6.NewDynamicValue(digestTestType, v)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := valueDigest(dv.MsgPack, digestTestType); !errors.Is(err, errNoDigest) {
		t.Errorf("valueDigest of a value with an unknown: %v, want errNoDigest", err)
	}
	if _, err := topLevel(dv.MsgPack, map[string]bool{"streams": true}); !errors.Is(err, errNoDigest) {
		t.Errorf("topLevel of an unknown attribute: %v, want errNoDigest", err)
	}
	got, err := topLevel(dv.MsgPack, map[string]bool{"flag": true})
	if err != nil || got["flag"] != true {
		t.Errorf("topLevel(flag) = %v, %v; want true", got, err)
	}
}
