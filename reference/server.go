// Package reference is the reference SCIM 2.0 service provider: a gin
// server that behaves like a well-built SaaS app receiving Okta
// provisioning (mockidp/okta/WIRE.md). It is the yardstick the conformance suite is
// proven against and backs `scimconform demo` (in-process) and
// `scimconform serve`. Requests flow: gin middleware (logging, recovery,
// auth, rate limit, body limit, content type) → handlers (users.go,
// groups.go, discovery.go) → filter/patch evaluation → store (SQLite).
//
// It must not import the suite (steps, mockidp, reports, godog,
// httpexpect), must never log secrets or request bodies, and maps every
// failure to an RFC 7644 §3.12 error in errors.go. Faults for the suite's
// self-test (faults*.go) wrap the handlers from outside and are off unless
// named in WithFaults; no handler knows of them.
package reference

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/scimconform/scimconform/internal/faults"
	"github.com/scimconform/scimconform/reference/internal/store"
)

// BasePath is where the SCIM API is mounted, like most SaaS apps (Apollo included).
const BasePath = "/scim/v2"

// DefaultMaxBody is the default request body limit (1 MiB).
const DefaultMaxBody = 1 << 20

// MaxResults is the largest page the server returns; it is advertised as
// filter.maxResults in /ServiceProviderConfig and is the default count.
const MaxResults = 200

// EmailPolicy says whether an update may change userName and the primary email.
type EmailPolicy string

const (
	// EmailImmutable (the default, Apollo's policy) answers 400 mutability to
	// a PUT/PATCH that changes userName or the primary email.
	EmailImmutable EmailPolicy = "immutable"
	// EmailMutable applies such changes (userName stays unique: 409).
	EmailMutable EmailPolicy = "mutable"
)

// ParseEmailPolicy turns "immutable" or "mutable" into an EmailPolicy.
func ParseEmailPolicy(s string) (EmailPolicy, error) {
	switch p := EmailPolicy(strings.ToLower(strings.TrimSpace(s))); p {
	case EmailImmutable, EmailMutable:
		return p, nil
	}
	return "", fmt.Errorf("email policy %q: want immutable or mutable", s)
}

// Option configures New.
type Option func(*config)

type mount struct {
	prefix string
	build  func(UserDirectory) (http.Handler, error)
}

type config struct {
	dbPath      string
	tokens      []string
	bareToken   bool
	basicUser   string
	basicPass   string
	emailPolicy EmailPolicy
	rateLimit   float64
	maxBody     int64
	faults      []string
	tokenTTL    time.Duration
	logger      *slog.Logger
	mounts      []mount
}

// WithDB sets the database: ":memory:" (the default) keeps everything in
// memory; a file path gives a durable SQLite database in WAL mode; a
// postgres:// or postgresql:// URL uses PostgreSQL, which several servers
// may share (schema migrations are applied when New opens it).
func WithDB(path string) Option { return func(c *config) { c.dbPath = path } }

// WithToken adds a bootstrap token; only its SHA-256 digest is stored.
// Repeatable. A token already in the database (even revoked) is left as is.
func WithToken(secret string) Option { return func(c *config) { c.tokens = append(c.tokens, secret) } }

// WithBareTokenAuth also accepts "Authorization: <token>" without a scheme
// (Okta OIN "Header" mode, mockidp/okta/WIRE.md §2.2).
func WithBareTokenAuth(on bool) Option { return func(c *config) { c.bareToken = on } }

// WithBasicAuth also accepts HTTP Basic with this user and password (Okta
// AIW "Basic Auth" mode). Both are compared in constant time.
func WithBasicAuth(user, pass string) Option {
	return func(c *config) { c.basicUser, c.basicPass = user, pass }
}

// WithEmailPolicy sets the userName/primary email policy (default EmailImmutable).
func WithEmailPolicy(p EmailPolicy) Option { return func(c *config) { c.emailPolicy = p } }

// WithRateLimit limits each credential to perSecond requests per second
// (burst of max(1, perSecond)); excess requests get 429 with an integer
// Retry-After. Zero or negative disables the limit (the default).
func WithRateLimit(perSecond float64) Option { return func(c *config) { c.rateLimit = perSecond } }

// WithTokenCacheTTL sets how long a token found valid is trusted without
// asking the database again (default DefaultTokenCacheTTL). A token revoked
// by another process (`scimconform token revoke`, another server on a shared
// PostgreSQL database) is refused by this server at the latest that long
// after; zero asks the database on every request.
func WithTokenCacheTTL(d time.Duration) Option { return func(c *config) { c.tokenTTL = d } }

// WithMaxBody sets the request body limit in bytes (default 1 MiB); larger bodies get 413.
func WithMaxBody(n int64) Option { return func(c *config) { c.maxBody = n } }

// WithFaults turns on named faults from Faults(); New fails on an unknown name.
func WithFaults(names ...string) Option {
	return func(c *config) { c.faults = append(c.faults, names...) }
}

// WithLogger logs one line per request (method, path, status, duration);
// never headers or bodies. Default: no logging.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithHandler mounts an extra non-SCIM handler (the SAML SP) under prefix,
// e.g. "/saml/". build receives the server's user directory. The handler
// sees the full request path (the prefix is not stripped) and no SCIM
// authentication applies to it.
func WithHandler(prefix string, build func(UserDirectory) (http.Handler, error)) Option {
	return func(c *config) { c.mounts = append(c.mounts, mount{prefix, build}) }
}

// openTimeout bounds connecting to the database and migrating it in New.
const openTimeout = 30 * time.Second

// Server is the reference SCIM server; it implements http.Handler with the
// SCIM API under BasePath. Create it with New and release it with Close.
type Server struct {
	cfg     config
	store   store.Store
	engine  *gin.Engine
	handler http.Handler // engine, wrapped by the faults named in WithFaults
	tokens  *TokenManager
	limiter *rateLimiter
	log     *slog.Logger
	// writeMu serialises read-modify-write handlers (PUT, PATCH, and the
	// externalId check on POST) so concurrent updates never lose each
	// other; see lockWrites.
	writeMu sync.Mutex
}

func init() { gin.SetMode(gin.ReleaseMode) }

// New builds a server: it opens the store, stores bootstrap tokens and
// mounts extra handlers. It fails on an unknown fault name, an invalid
// option or a database that cannot be opened.
func New(opts ...Option) (*Server, error) {
	cfg := config{dbPath: ":memory:", emailPolicy: EmailImmutable, maxBody: DefaultMaxBody, tokenTTL: DefaultTokenCacheTTL}
	for _, o := range opts {
		o(&cfg)
	}
	faultSet, err := faults.NewSet(faults.SCIM, cfg.faults)
	if err != nil {
		return nil, err
	}
	if _, err := ParseEmailPolicy(string(cfg.emailPolicy)); err != nil {
		return nil, err
	}
	if cfg.maxBody <= 0 {
		return nil, fmt.Errorf("max body %d: must be positive", cfg.maxBody)
	}
	octx, cancel := context.WithTimeout(context.Background(), openTimeout)
	st, err := store.Open(octx, cfg.dbPath, storeOptions(faultSet))
	cancel()
	if err != nil {
		return nil, err
	}
	log := cfg.logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{cfg: cfg, store: st, log: log}
	s.tokens = &TokenManager{store: st, cache: &tokenCache{ttl: cfg.tokenTTL}}
	if cfg.rateLimit > 0 {
		s.limiter = newRateLimiter(cfg.rateLimit)
	}
	ctx := context.Background()
	for _, t := range cfg.tokens {
		if err := s.tokens.bootstrap(ctx, t); err != nil {
			st.Close()
			return nil, err
		}
	}
	if err := s.routes(); err != nil {
		st.Close()
		return nil, err
	}
	if s.handler, err = s.wrapFaults(faultSet, s.engine); err != nil {
		st.Close()
		return nil, err
	}
	return s, nil
}

// Prepare does ahead of time what the first request would otherwise wait
// for: on SQLite it claims the database's users for this process and
// builds the read index (about a second per 100,000 users). It fails if
// another process already serves the same SQLite database; serve calls it
// before it listens.
func (s *Server) Prepare(ctx context.Context) error {
	if p, ok := s.store.(store.Preparer); ok {
		if err := p.Prepare(ctx); err != nil {
			return fmt.Errorf("prepare the store: %w", err)
		}
	}
	return nil
}

// ServeHTTP serves the SCIM API and any mounted handlers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Close closes the store. Call it after the last request has finished.
func (s *Server) Close() error { return s.store.Close() }

// Tokens manages the SCIM bearer tokens stored in the server's database.
func (s *Server) Tokens() *TokenManager { return s.tokens }

// Store exposes the store, for seeding in tests and benchmarks.
func (s *Server) Store() store.Store { return s.store }

// Directory returns the user directory the SAML SP reads.
func (s *Server) Directory() UserDirectory { return directory{s.store} }

func (s *Server) routes() error {
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	if err := r.SetTrustedProxies(nil); err != nil {
		return fmt.Errorf("trusted proxies: %w", err)
	}
	r.Use(s.logRequests, gin.CustomRecoveryWithWriter(io.Discard, func(c *gin.Context, _ any) {
		s.fail(c, http.StatusInternalServerError, "", "internal server error")
	}))
	r.NoRoute(func(c *gin.Context) { s.fail(c, http.StatusNotFound, "", "no such endpoint: "+c.Request.URL.Path) })
	r.NoMethod(func(c *gin.Context) {
		s.fail(c, http.StatusMethodNotAllowed, "", fmt.Sprintf("method %s is not allowed on %s", c.Request.Method, c.Request.URL.Path))
	})

	api := r.Group(BasePath)
	disc := api.Group("", s.limits)
	disc.GET("/ServiceProviderConfig", s.serviceProviderConfig)
	disc.GET("/Schemas", s.schemas)
	disc.GET("/Schemas/:id", s.schemaByID)
	disc.GET("/ResourceTypes", s.resourceTypes)
	disc.GET("/ResourceTypes/:name", s.resourceTypeByName)

	scim := api.Group("", s.authenticate, s.limits)
	scim.POST("/Users", s.createUser)
	scim.GET("/Users", s.listUsers)
	scim.GET("/Users/:id", s.getUser)
	scim.PUT("/Users/:id", s.putUser)
	scim.PATCH("/Users/:id", s.patchUser)
	scim.DELETE("/Users/:id", s.deleteUser)
	scim.POST("/Groups", s.createGroup)
	scim.GET("/Groups", s.listGroups)
	scim.GET("/Groups/:id", s.getGroup)
	scim.PUT("/Groups/:id", s.putGroup)
	scim.PATCH("/Groups/:id", s.patchGroup)
	scim.DELETE("/Groups/:id", s.deleteGroup)
	s.routeEntitlements(scim)

	for _, m := range s.cfg.mounts {
		h, err := m.build(s.Directory())
		if err != nil {
			return fmt.Errorf("mount %s: %w", m.prefix, err)
		}
		p := "/" + strings.Trim(m.prefix, "/")
		if p == "/" || strings.HasPrefix(p, BasePath) {
			return fmt.Errorf("mount prefix %q: must not be / or inside %s", m.prefix, BasePath)
		}
		r.Any(p, gin.WrapH(h))
		r.Any(p+"/*rest", gin.WrapH(h))
	}
	s.engine = r
	return nil
}

func (s *Server) logRequests(c *gin.Context) {
	if !s.log.Enabled(c.Request.Context(), slog.LevelInfo) {
		c.Next() // logging off (the default): build no record
		return
	}
	start := time.Now()
	c.Next()
	// Path only: the query can hold a userName, headers hold credentials.
	s.log.Info("request", "method", c.Request.Method, "path", c.Request.URL.Path,
		"status", c.Writer.Status(), "duration", time.Since(start))
}

// limits enforces the body limit and the request media type
// (application/scim+json or application/json, with any parameters).
func (s *Server) limits(c *gin.Context) {
	switch c.Request.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		if c.Request.ContentLength > s.cfg.maxBody {
			s.fail(c, http.StatusRequestEntityTooLarge, "", fmt.Sprintf("request body exceeds %d bytes", s.cfg.maxBody))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.maxBody)
		ct := strings.ToLower(c.ContentType())
		if ct != "application/scim+json" && ct != "application/json" {
			s.fail(c, http.StatusUnsupportedMediaType, "", fmt.Sprintf("Content-Type %q is not supported; send application/scim+json or application/json", c.GetHeader("Content-Type")))
			return
		}
	}
	c.Next()
}

// Running is a server listening on a real socket.
type Running struct {
	// URL is the listener's root, e.g. http://127.0.0.1:41234 (no base
	// path); an unspecified listen address (":8080") is shown as localhost.
	URL  string
	srv  *http.Server
	done chan error
}

// BaseURL is URL + BasePath, the SCIM base URL an admin enters in Okta.
func (r *Running) BaseURL() string { return r.URL + BasePath }

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background
// with bounded timeouts (Okta gives up after 60 s, mockidp/okta/WIRE.md §2.5).
func (s *Server) Start(addr string) (*Running, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return s.Serve(ln), nil
}

// RootURL is the root URL of a listener as Running.URL shows it:
// http://host:port, an unspecified address (":8080") shown as localhost.
func RootURL(addr net.Addr) string {
	host := addr.String()
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		host = net.JoinHostPort("localhost", fmt.Sprint(tcp.Port))
	}
	return "http://" + host
}

// Serve serves on ln in the background, as Start does; for a caller that
// must know the address before building the server (an SP mounted with
// WithHandler needs its absolute URL). Shutdown closes ln.
func (s *Server) Serve(ln net.Listener) *Running {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	run := &Running{URL: RootURL(ln.Addr()), srv: srv, done: make(chan error, 1)}
	go func() { run.done <- srv.Serve(ln) }()
	return run
}

// Shutdown stops accepting connections and waits, until ctx ends, for
// in-flight requests to finish; every write that was answered is committed.
func (r *Running) Shutdown(ctx context.Context) error {
	err := r.srv.Shutdown(ctx)
	if serr := <-r.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// lockWrites serialises a read-modify-write handler with every other one:
// in this process (writeMu) and, on a database that several servers share,
// across all of them (the store's lock), so two servers never interleave a
// check and its write. The caller defers unlock. If the lock cannot be
// taken the request has been answered (500) and ok is false.
func (s *Server) lockWrites(c *gin.Context) (unlock func(), ok bool) {
	s.writeMu.Lock()
	release, err := s.store.LockWrites(c.Request.Context())
	if err != nil {
		s.writeMu.Unlock()
		s.failErr(c, "write lock", err)
		return nil, false
	}
	return func() {
		release()
		s.writeMu.Unlock()
	}, true
}

// RedactDB returns db fit for printing: a postgres:// URL with its password
// (in the user info or a password= parameter) replaced by "xxxxx"; an SQLite
// path as is.
func RedactDB(db string) string {
	if !store.IsPostgresURL(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
