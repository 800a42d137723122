package emulator

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// tokenRequest holds the fields of ApplicationTokenRequestWithGrant. Both
// grant_type (what clients send) and grant-type (what the spec spells) are
// read; neither is required.
type tokenRequest struct {
	clientID, clientSecret, grantType string
}

func parseTokenRequest(r *http.Request) (tokenRequest, bool) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return tokenRequest{}, false
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/x-www-form-urlencoded" {
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return tokenRequest{}, false
		}
		g := v.Get("grant_type")
		if g == "" {
			g = v.Get("grant-type")
		}
		return tokenRequest{clientID: v.Get("client_id"), clientSecret: v.Get("client_secret"), grantType: g}, true
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return tokenRequest{}, false
	}
	get := func(k string) string { s, _ := m[k].(string); return s }
	g := get("grant_type")
	if g == "" {
		g = get("grant-type")
	}
	return tokenRequest{clientID: get("client_id"), clientSecret: get("client_secret"), grantType: g}, true
}

// createToken serves POST /applications/token.
func (e *Emulator) createToken(w http.ResponseWriter, r *http.Request, _ string) {
	req, ok := parseTokenRequest(r)
	if !ok {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return
	}
	if req.grantType != "" && req.grantType != "client_credentials" {
		writeErrorID(w, http.StatusBadRequest)
		return
	}
	if !equalSecret(req.clientID, e.clientID) || !equalSecret(req.clientSecret, e.clientSecret) {
		writeErrorID(w, http.StatusUnauthorized)
		return
	}
	token := "emu_" + rand.Text()
	e.mu.Lock()
	ttl := e.faults.TokenTTL
	e.tokens[token] = e.now().Add(ttl)
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": token, "token_type": "Bearer", "expires_in": int64(ttl.Seconds()),
	})
}

func equalSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// authorized accepts a token we issued that has not expired, the static
// Options.BearerToken, or Basic auth with the configured user.
func (e *Emulator) authorized(r *http.Request) bool {
	if e.opts.NoAuth {
		return true
	}
	h := r.Header.Get("Authorization")
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok {
		return false
	}
	cred = strings.TrimSpace(cred)
	switch strings.ToLower(scheme) {
	case "bearer":
		if e.opts.BearerToken != "" && equalSecret(cred, e.opts.BearerToken) {
			return true
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		exp, ok := e.tokens[cred]
		if ok && !e.now().Before(exp) {
			delete(e.tokens, cred)
			return false
		}
		return ok
	case "basic":
		raw, err := base64.StdEncoding.DecodeString(cred)
		if err != nil {
			return false
		}
		user, pass, _ := strings.Cut(string(raw), ":")
		return equalSecret(user, e.opts.Username) && equalSecret(pass, e.opts.Password)
	}
	return false
}

// ExpireTokens invalidates every token issued so far; the next API call
// that presents one gets 401. The static BearerToken keeps working.
func (e *Emulator) ExpireTokens() {
	e.mu.Lock()
	defer e.mu.Unlock()
	clear(e.tokens)
}
