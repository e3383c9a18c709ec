package reference

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/scimconform/scimconform/reference/internal/store"
)

// ErrTokenNotFound is returned by TokenManager.Revoke for an unknown id.
var ErrTokenNotFound = errors.New("token not found")

// TokenInfo describes a stored token; the secret itself is never kept.
type TokenInfo struct {
	ID        string
	Label     string
	Created   time.Time
	RevokedAt *time.Time
}

// Revoked reports whether the token has been revoked.
func (t TokenInfo) Revoked() bool { return t.RevokedAt != nil }

// TokenManager creates, lists and revokes SCIM bearer tokens in the
// server's database. Only SHA-256 digests are stored. A revocation through
// this manager takes effect on the next request; one made by another
// process on the same database (`scimconform token revoke`, or another
// server sharing PostgreSQL) within the cache's time to live, since a
// digest found valid is not looked up again for that long (see tokenCache).
type TokenManager struct {
	store store.Store
	cache *tokenCache
}

// DefaultTokenCacheTTL is how long a token found valid is trusted without
// asking the database again (WithTokenCacheTTL).
const DefaultTokenCacheTTL = time.Second

func digest(secret string) []byte {
	d := sha256.Sum256([]byte(secret))
	return d[:]
}

// tokenCache remembers which digests were valid tokens, each for ttl after
// the database said so: authenticating a request then costs a hash and a
// map lookup instead of a query (a third of a userName lookup's time and
// more under write load, bench-http). Only valid tokens are kept, so its
// size is bounded by the tokens in use; a revocation through the manager
// empties it. A zero ttl disables it.
type tokenCache struct {
	ttl time.Duration
	mu  sync.RWMutex
	m   map[[sha256.Size]byte]cachedToken
}

type cachedToken struct {
	id    string
	until time.Time
}

// maxCachedTokens bounds the cache; when it is full it starts afresh.
const maxCachedTokens = 1024

func (c *tokenCache) get(h [sha256.Size]byte, now time.Time) (string, bool) {
	if c == nil || c.ttl <= 0 {
		return "", false
	}
	c.mu.RLock()
	t, ok := c.m[h]
	c.mu.RUnlock()
	if !ok || !now.Before(t.until) {
		return "", false
	}
	return t.id, true
}

func (c *tokenCache) put(h [sha256.Size]byte, id string, now time.Time) {
	if c == nil || c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedTokens {
		c.m = make(map[[sha256.Size]byte]cachedToken)
	}
	c.m[h] = cachedToken{id: id, until: now.Add(c.ttl)}
	c.mu.Unlock()
}

// clear forgets every token, so the next request of each asks the database.
func (c *tokenCache) clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b)
}

// Create makes a new token with label and returns its secret (shown once:
// it cannot be recovered later) and its info.
func (m *TokenManager) Create(ctx context.Context, label string) (string, TokenInfo, error) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	secret := "scim_" + base64.RawURLEncoding.EncodeToString(b)
	t := store.Token{ID: "tok_" + randomHex(6), Label: label, Hash: digest(secret), Created: time.Now().UTC()}
	if err := m.store.CreateToken(ctx, t); err != nil {
		return "", TokenInfo{}, fmt.Errorf("create token %q: %w", label, err)
	}
	return secret, TokenInfo{ID: t.ID, Label: t.Label, Created: t.Created}, nil
}

func (m *TokenManager) bootstrap(ctx context.Context, secret string) error {
	if strings.TrimSpace(secret) == "" {
		return errors.New("bootstrap token is empty")
	}
	h := digest(secret)
	if _, err := m.store.TokenByHash(ctx, h); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("bootstrap token: %w", err)
	}
	t := store.Token{ID: "tok_" + randomHex(6), Label: "bootstrap", Hash: h, Created: time.Now().UTC()}
	if err := m.store.CreateToken(ctx, t); err != nil && !errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("bootstrap token: %w", err)
	}
	return nil
}

// List returns every token (valid and revoked) in creation order, without secrets.
func (m *TokenManager) List(ctx context.Context) ([]TokenInfo, error) {
	ts, err := m.store.ListTokens(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]TokenInfo, 0, len(ts))
	for _, t := range ts {
		out = append(out, TokenInfo{ID: t.ID, Label: t.Label, Created: t.Created, RevokedAt: t.RevokedAt})
	}
	return out, nil
}

// Revoke revokes the token with id; ErrTokenNotFound if there is none.
// The next request with it is refused by this server at once (the token
// cache is emptied), by other processes within their cache's time to live.
func (m *TokenManager) Revoke(ctx context.Context, id string) error {
	err := m.store.RevokeToken(ctx, id)
	m.cache.clear() // also after an error: the revocation may have happened
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("revoke %q: %w", id, ErrTokenNotFound)
	}
	return err
}

// Verify reports whether secret is a valid (stored, not revoked) token and
// returns its id. Digests are compared in constant time; a digest found
// valid in the last ttl is answered from the cache.
func (m *TokenManager) Verify(ctx context.Context, secret string) (string, bool, error) {
	sum := sha256.Sum256([]byte(secret))
	now := time.Now()
	if id, ok := m.cache.get(sum, now); ok {
		return id, true, nil
	}
	h := sum[:]
	t, err := m.store.TokenByHash(ctx, h)
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if subtle.ConstantTimeCompare(t.Hash, h) != 1 || t.RevokedAt != nil {
		return "", false, nil
	}
	m.cache.put(sum, t.ID, now)
	return t.ID, true, nil
}

// authenticate accepts Bearer tokens, and when configured bare tokens
// (mockidp/okta/WIRE.md §2.2 OIN "Header") and Basic credentials; anything else is 401
// with WWW-Authenticate. It also applies the rate limit per credential.
func (s *Server) authenticate(c *gin.Context) {
	key, detail := s.credential(c)
	if key == "" {
		s.fail(c, http.StatusUnauthorized, "", detail)
		return
	}
	if s.limiter != nil {
		if wait, ok := s.limiter.allow(key, time.Now()); !ok {
			c.Header("Retry-After", strconv.Itoa(wait))
			s.fail(c, http.StatusTooManyRequests, "", fmt.Sprintf("rate limit of %g requests per second exceeded; retry after %d s", s.cfg.rateLimit, wait))
			return
		}
	}
	c.Next()
}

// credential returns a key identifying the valid credential, or "" and why not.
func (s *Server) credential(c *gin.Context) (key, detail string) {
	h := strings.TrimSpace(c.GetHeader("Authorization"))
	if h == "" {
		return "", "missing Authorization header; send Authorization: Bearer <SCIM token>"
	}
	scheme, rest, hasSpace := strings.Cut(h, " ")
	var secret string
	switch {
	case hasSpace && strings.EqualFold(scheme, "Bearer"):
		secret = strings.TrimSpace(rest)
	case hasSpace && strings.EqualFold(scheme, "Basic") && s.cfg.basicUser != "":
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest))
		if err != nil {
			return "", "malformed Basic credentials"
		}
		user, pass, _ := strings.Cut(string(raw), ":")
		okUser := subtle.ConstantTimeCompare(digest(user), digest(s.cfg.basicUser))
		okPass := subtle.ConstantTimeCompare(digest(pass), digest(s.cfg.basicPass))
		if okUser&okPass != 1 {
			return "", "invalid Basic credentials"
		}
		return "basic:" + s.cfg.basicUser, ""
	case !hasSpace && s.cfg.bareToken:
		secret = h
	default:
		return "", "unsupported Authorization scheme; send Authorization: Bearer <SCIM token>"
	}
	if secret == "" {
		return "", "empty bearer token"
	}
	id, ok, err := s.tokens.Verify(c.Request.Context(), secret)
	if err != nil {
		s.log.Error("verify token", "err", err)
		return "", "cannot verify the token"
	}
	if !ok {
		return "", "invalid or revoked token"
	}
	return id, ""
}

// rateLimiter is a token bucket per credential (golang.org/x/time/rate).
type rateLimiter struct {
	rate    rate.Limit
	burst   int
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func newRateLimiter(perSecond float64) *rateLimiter {
	return &rateLimiter{rate: rate.Limit(perSecond), burst: max(1, int(perSecond)), buckets: map[string]*rate.Limiter{}}
}

// allow takes one request from key's bucket, or returns the whole seconds
// to wait (at least 1) for Retry-After (mockidp/okta/WIRE.md §2.5: integer seconds).
func (l *rateLimiter) allow(key string, now time.Time) (int, bool) {
	l.mu.Lock()
	b := l.buckets[key]
	if b == nil {
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[key] = b
	}
	l.mu.Unlock()
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now) // a refused request does not use up a token
		return max(1, int(math.Ceil(d.Seconds()))), false
	}
	return 0, true
}
