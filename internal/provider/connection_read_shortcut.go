package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// The read shortcut. A framework read of a connection turns its state S and its Airbyte
// record C into a new state S'. When it reports nothing, the server keeps, in the
// resource's private state, a fingerprint of (S', C): the digest of S' and of C's JSON,
// with this build and the web UI root Read fills links from. The next read whose state is
// S' and whose record, from the same listing Read uses, is C again has the answer
// already: reading C into S' gives S' (a read that did not would show a change at every
// refresh), so S' stands without the framework. Anything else, a connection not in the
// listing, deleted or in another workspace among them, goes to the framework.

// readFingerprintKey is the private state key of the fingerprint.
const readFingerprintKey = "airbyte_read"

// readRecord carries the record a framework read used out of the resource's Read.
type readRecord struct{ conn *client.Connection }

type readRecordKey struct{}

// recordRead notes the connection record a read turned into state, when the read is the
// shortcut server's.
func recordRead(ctx context.Context, conn *client.Connection) {
	if rec, ok := ctx.Value(readRecordKey{}).(*readRecord); ok {
		rec.conn = conn
	}
}

func (s *shortcutServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	if req.TypeName != connectionTypeName {
		return s.frameworkServer.ReadResource(ctx, req)
	}
	if fast, ok := s.readUnchanged(ctx, req); ok {
		return checkedAgainstFramework("ReadResource", &shortcutStats.reads, fast,
			func() (*tfprotov6.ReadResourceResponse, error) { return s.frameworkRead(ctx, req) },
			func(r *tfprotov6.ReadResourceResponse) shortcutAnswer {
				return shortcutAnswer{state: r.NewState, identity: r.NewIdentity, private: r.Private, diags: r.Diagnostics, replaces: r.Deferred != nil}
			},
			func(r *tfprotov6.ReadResourceResponse, d *tfprotov6.Diagnostic) {
				r.Diagnostics = append(r.Diagnostics, d)
			})
	}
	return s.frameworkRead(ctx, req)
}

// frameworkRead is the framework's read, with the fingerprint of what it read kept.
func (s *shortcutServer) frameworkRead(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	rec := &readRecord{}
	resp, err := s.frameworkServer.ReadResource(context.WithValue(ctx, readRecordKey{}, rec), req)
	if err != nil || rec.conn == nil || len(resp.Diagnostics) > 0 || resp.Deferred != nil || resp.NewState == nil {
		return resp, err
	}
	if private, ok := s.fingerprinted(resp, rec.conn); ok {
		resp.Private = private
	}
	return resp, nil
}

// fingerprinted is resp's private state with the fingerprint of resp's state read from
// conn; false when there is none to give (the value or the private state cannot be read).
func (s *shortcutServer) fingerprinted(resp *tfprotov6.ReadResourceResponse, conn *client.Connection) ([]byte, bool) {
	data := s.provider.configured.Load()
	stateType, _ := connectionTypes()
	digest, err := valueDigest(resp.NewState.MsgPack, stateType)
	if data == nil || err != nil {
		return nil, false
	}
	private, err := decodePrivate(resp.Private)
	if err != nil {
		return nil, false
	}
	if private == nil {
		private = map[string][]byte{}
	}
	fp := readFingerprint(digest, conn, data.webRoot)
	if fp == "" {
		return nil, false
	}
	private[readFingerprintKey], _ = json.Marshal(fp)
	b, err := json.Marshal(private)
	return b, err == nil
}

// readUnchanged answers a read whose state and record are those of the fingerprint.
func (s *shortcutServer) readUnchanged(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, bool) {
	data := s.provider.configured.Load()
	if data == nil || req.CurrentState == nil || len(req.CurrentState.MsgPack) == 0 {
		return nil, false
	}
	private, err := decodePrivate(req.Private)
	var remembered string
	if err != nil || private[readFingerprintKey] == nil || json.Unmarshal(private[readFingerprintKey], &remembered) != nil || remembered == "" {
		return nil, false
	}
	stateType, _ := connectionTypes()
	digest, err := valueDigest(req.CurrentState.MsgPack, stateType)
	if err != nil {
		return nil, false
	}
	top, err := topLevel(req.CurrentState.MsgPack, map[string]bool{
		"connection_id": true, "workspace_id": true, "timeouts": true, "timeouts.read": true,
	})
	id, _ := top["connection_id"].(string)
	workspaceID, _ := top["workspace_id"].(string)
	if err != nil || id == "" || workspaceID == "" {
		return nil, false
	}
	timeout := defaultConnectionReadTimeout
	if t, ok := top["timeouts.read"].(string); ok {
		if timeout, err = time.ParseDuration(t); err != nil {
			return nil, false // the framework reports it
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, found := data.listings.lookup(ctx, workspaceID, id)
	if !found || conn.ConnectionID != id || conn.Status == client.ConnectionStatusDeprecated ||
		len(data.checkWorkspace(path.Root("connection_id"), "connection", id, conn.WorkspaceID)) > 0 ||
		readFingerprint(digest, conn, data.webRoot) != remembered {
		return nil, false
	}
	identity, err := identityValue(&conn.ConnectionID)
	if err != nil || !identityMayBecome(req.CurrentIdentity, identity) {
		return nil, false
	}
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, NewIdentity: identity, Private: req.Private}, true
}

// identityMayBecome says whether a read may answer identity next to the current one: the
// framework refuses a read that changes an identity already set.
func identityMayBecome(current, next *tfprotov6.ResourceIdentityData) bool {
	if current == nil || current.IdentityData == nil || len(current.IdentityData.MsgPack) == 0 {
		return true
	}
	_, typ := connectionTypes()
	cur, err := current.IdentityData.Unmarshal(typ)
	if err != nil {
		return false
	}
	nxt, err := next.IdentityData.Unmarshal(typ)
	return err == nil && (cur.IsFullyNull() || cur.Equal(nxt))
}

// readFingerprint names a state read from a connection record by this build.
func readFingerprint(stateDigest [sha256.Size]byte, conn *client.Connection, webRoot string) string {
	record, err := json.Marshal(conn)
	if err != nil {
		return ""
	}
	h := sha256.New()
	for _, part := range [][]byte{[]byte(buildSalt()), stateDigest[:], record, []byte(webRoot)} {
		writeTagged(h, 'p', string(part))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// decodePrivate decodes private state as the framework encodes it: a JSON object of keys
// to JSON values, each as base64. Empty private state is a nil map.
func decodePrivate(b []byte) (map[string][]byte, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var m map[string][]byte
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}
