package provider

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"math/big"
	"sort"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// Digests of values as the plugin protocol carries them (MessagePack). Terraform and the
// framework encode the same value differently (the order of set elements, the width of a
// number), so a value is hashed by its meaning: sets and object attributes in a canonical
// order, numbers as exact decimals. Equal values digest the same whoever encoded them;
// a value holding unknowns has no digest.

var errNoDigest = errors.New("the value holds an unknown or a dynamic value")

// valueDigest returns the digest of a MessagePack value of type typ.
func valueDigest(data []byte, typ tftypes.Type) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	h := sha256.New()
	dec := msgpack.NewDecoder(bytes.NewReader(data))
	if err := digestValue(dec, typ, h); err != nil {
		return sum, err
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

// digestValue reads one value of type typ from dec and writes it to h, each kind with a
// tag and each variable part with its length, so that no two values write the same.
func digestValue(dec *msgpack.Decoder, typ tftypes.Type, h hash.Hash) error {
	code, err := dec.PeekCode()
	if err != nil {
		return err
	}
	if msgpcode.IsExt(code) || typ.Is(tftypes.DynamicPseudoType) {
		return errNoDigest
	}
	if code == msgpcode.Nil {
		h.Write([]byte{'n'})
		return dec.Skip()
	}
	switch {
	case typ.Is(tftypes.String):
		s, err := dec.DecodeString()
		if err != nil {
			return err
		}
		writeTagged(h, 's', s)
	case typ.Is(tftypes.Bool):
		b, err := dec.DecodeBool()
		if err != nil {
			return err
		}
		writeTagged(h, 'b', fmt.Sprint(b))
	case typ.Is(tftypes.Number):
		n, err := decodeNumber(dec, code)
		if err != nil {
			return err
		}
		writeTagged(h, 'd', n)
	case typ.Is(tftypes.List{}):
		return digestSequence(dec, h, func(int) tftypes.Type { return typ.(tftypes.List).ElementType })
	case typ.Is(tftypes.Tuple{}):
		elems := typ.(tftypes.Tuple).ElementTypes
		return digestSequence(dec, h, func(i int) tftypes.Type {
			if i < len(elems) {
				return elems[i]
			}
			return tftypes.DynamicPseudoType // more elements than the type has: no digest
		})
	case typ.Is(tftypes.Set{}):
		return digestSet(dec, typ.(tftypes.Set).ElementType, h)
	case typ.Is(tftypes.Map{}):
		return digestMapping(dec, h, func(string) (tftypes.Type, bool) { return typ.(tftypes.Map).ElementType, true })
	case typ.Is(tftypes.Object{}):
		attrs := typ.(tftypes.Object).AttributeTypes
		return digestMapping(dec, h, func(name string) (tftypes.Type, bool) { t, ok := attrs[name]; return t, ok })
	default:
		return fmt.Errorf("no digest for type %s", typ)
	}
	return nil
}

func writeTagged(h hash.Hash, tag byte, s string) {
	var n [9]byte
	n[0] = tag
	binary.BigEndian.PutUint64(n[1:], uint64(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}

// decodeNumber returns a number as the exact decimal of its value, the same for every
// encoding of it (an integer, a float or the string Terraform uses for large numbers).
func decodeNumber(dec *msgpack.Decoder, code byte) (string, error) {
	f := new(big.Float).SetPrec(512)
	switch {
	case msgpcode.IsFixedNum(code) || code == msgpcode.Int8 || code == msgpcode.Int16 || code == msgpcode.Int32 || code == msgpcode.Int64:
		v, err := dec.DecodeInt64()
		if err != nil {
			return "", err
		}
		f.SetInt64(v)
	case code == msgpcode.Uint8 || code == msgpcode.Uint16 || code == msgpcode.Uint32 || code == msgpcode.Uint64:
		v, err := dec.DecodeUint64()
		if err != nil {
			return "", err
		}
		f.SetUint64(v)
	case code == msgpcode.Float || code == msgpcode.Double:
		v, err := dec.DecodeFloat64()
		if err != nil {
			return "", err
		}
		f.SetFloat64(v)
	default:
		s, err := dec.DecodeString()
		if err != nil {
			return "", err
		}
		if _, _, err := f.Parse(s, 10); err != nil {
			return "", err
		}
	}
	return f.Text('g', -1), nil
}

// digestSequence digests a list or tuple, in order.
func digestSequence(dec *msgpack.Decoder, h hash.Hash, elem func(int) tftypes.Type) error {
	n, err := dec.DecodeArrayLen()
	if err != nil {
		return err
	}
	writeTagged(h, 'l', fmt.Sprint(n))
	for i := 0; i < n; i++ {
		if err := digestValue(dec, elem(i), h); err != nil {
			return err
		}
	}
	return nil
}

// digestSet digests a set whatever the order of its elements: each element on its own,
// then the element digests in sorted order.
func digestSet(dec *msgpack.Decoder, elem tftypes.Type, h hash.Hash) error {
	n, err := dec.DecodeArrayLen()
	if err != nil {
		return err
	}
	sums := make([][]byte, 0, max(n, 0))
	for i := 0; i < n; i++ {
		eh := sha256.New()
		if err := digestValue(dec, elem, eh); err != nil {
			return err
		}
		sums = append(sums, eh.Sum(nil))
	}
	sort.Slice(sums, func(i, j int) bool { return bytes.Compare(sums[i], sums[j]) < 0 })
	writeTagged(h, 'e', fmt.Sprint(n))
	for _, s := range sums {
		h.Write(s)
	}
	return nil
}

// digestMapping digests a map or an object by key, in sorted key order.
func digestMapping(dec *msgpack.Decoder, h hash.Hash, typeOf func(string) (tftypes.Type, bool)) error {
	n, err := dec.DecodeMapLen()
	if err != nil {
		return err
	}
	type entry struct {
		key string
		sum []byte
	}
	entries := make([]entry, 0, max(n, 0))
	for i := 0; i < n; i++ {
		key, err := dec.DecodeString()
		if err != nil {
			return err
		}
		t, ok := typeOf(key)
		if !ok {
			return fmt.Errorf("no attribute %q in the type", key)
		}
		eh := sha256.New()
		if err := digestValue(dec, t, eh); err != nil {
			return err
		}
		entries = append(entries, entry{key, eh.Sum(nil)})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
	writeTagged(h, 'm', fmt.Sprint(n))
	for _, e := range entries {
		writeTagged(h, 'k', e.key)
		h.Write(e.sum)
	}
	return nil
}

// topLevel reads the attributes of a MessagePack object named in want (strings, bools,
// or objects of strings, which come back as the object's attributes by "name.attr"),
// skipping the others. A null attribute is left out.
func topLevel(data []byte, want map[string]bool) (map[string]any, error) {
	dec := msgpack.NewDecoder(bytes.NewReader(data))
	out := map[string]any{}
	if err := readAttributes(dec, "", want, out); err != nil {
		return nil, err
	}
	return out, nil
}

func readAttributes(dec *msgpack.Decoder, prefix string, want map[string]bool, out map[string]any) error {
	n, err := dec.DecodeMapLen()
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		key, err := dec.DecodeString()
		if err != nil {
			return err
		}
		name := prefix + key
		code, err := dec.PeekCode()
		if err != nil {
			return err
		}
		switch {
		case !want[name] || code == msgpcode.Nil:
			err = dec.Skip()
		case msgpcode.IsExt(code):
			return errNoDigest
		case msgpcode.IsFixedMap(code) || code == msgpcode.Map16 || code == msgpcode.Map32:
			err = readAttributes(dec, name+".", want, out)
		case code == msgpcode.True || code == msgpcode.False:
			out[name], err = dec.DecodeBool()
		default:
			out[name], err = dec.DecodeString()
		}
		if err != nil {
			return err
		}
	}
	return nil
}
