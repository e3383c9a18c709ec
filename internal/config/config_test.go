package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func parse(t *testing.T, args []string, env map[string]string, yaml string) (*Run, error) {
	t.Helper()
	r := &Run{}
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	r.Register(fs)
	if yaml != "" {
		p := filepath.Join(t.TempDir(), "c.yaml")
		if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--config", p)
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return r, r.Resolve(fs, func(k string) string { return env[k] })
}

func TestPrecedence(t *testing.T) {
	yaml := "url: http://yaml/scim\ntags: \"@yaml\"\ntier: required\ntimeout: 5s\ngroups: true\nconcurrency: 3\n"
	r, err := parse(t, []string{"--tags", "@flag"}, map[string]string{"SCIMCONFORM_URL": "http://env/scim", "SCIMCONFORM_TAGS": "@env"}, yaml)
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "http://env/scim" {
		t.Errorf("URL %q: env must win over YAML", r.URL)
	}
	if r.Tags != "@flag" {
		t.Errorf("Tags %q: a flag must win over env and YAML", r.Tags)
	}
	if r.Tier != "required" || r.Timeout != 5*time.Second || !r.Groups || r.Concurrency != 3 {
		t.Errorf("YAML values not applied: %+v", r)
	}
	if r.Profile != "oin" || r.Out != "scimconform-report" || r.SAMLIdPEntityID != DefaultIdPEntityID {
		t.Errorf("defaults not applied: %+v", r)
	}
}

func TestConfigFileFromEnv(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte("profile: aiw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := parse(t, nil, map[string]string{"SCIMCONFORM_CONFIG": p}, "")
	if err != nil || r.Profile != "aiw" {
		t.Fatalf("profile %q, err %v", r.Profile, err)
	}
}

func TestResolveErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		env        map[string]string
		want       string
	}{
		{"secret in yaml", "token: abc\n", nil, "do not put secrets"},
		{"password in yaml", "password: abc\n", nil, "do not put secrets"},
		{"unknown key", "colour: red\n", nil, `unknown key "colour"`},
		{"config key", "config: other.yaml\n", nil, `unknown key "config"`},
		{"bad yaml", "url: [\n", nil, "config file"},
		{"bad value", "timeout: soon\n", nil, "timeout"},
		{"bad env", "", map[string]string{"SCIMCONFORM_CONCURRENCY": "many"}, "SCIMCONFORM_CONCURRENCY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(t, nil, tc.env, tc.yaml)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want it to mention %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "abc") {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
}

func TestSecrets(t *testing.T) {
	dir := t.TempDir()
	tf := filepath.Join(dir, "token")
	if err := os.WriteFile(tf, []byte("  file-token-0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SCIMCONFORM_TOKEN": "x", "SCIMCONFORM_BASIC_PASSWORD": "pw"}
	getenv := func(k string) string { return env[k] }

	r := &Run{Auth: "bearer"}
	s, err := r.Secrets(getenv)
	if err != nil || s.Token != "x" || s.BasicPassword != "" {
		t.Fatalf("env token: %+v %v", s, err)
	}
	if w := s.Warnings(); len(w) != 1 || !strings.Contains(w[0], "1 characters") {
		t.Errorf("a 1-character token must warn: %v", w)
	}
	r.TokenFile = tf
	if s, err = r.Secrets(getenv); err != nil || s.Token != "file-token-0123456789abcdef" || len(s.Warnings()) != 0 {
		t.Fatalf("token file: %+v %v %v", s, err, s.Warnings())
	}
	if str := s.String() + " " + s.GoString(); strings.Contains(str, "file-token") {
		t.Errorf("String shows the token: %s", str)
	}
	r = &Run{Auth: "basic"}
	if s, err = r.Secrets(getenv); err != nil || s.BasicPassword != "pw" || s.Token != "" {
		t.Fatalf("basic: %+v %v", s, err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = &Run{Auth: "bearer", RevokedTokenFile: empty}
	if _, err = r.Secrets(getenv); err == nil || !strings.Contains(err.Error(), "--revoked-token-file") {
		t.Fatalf("empty revoked token file: %v", err)
	}
	if got := (Secrets{Token: "a", RevokedToken: "b"}).List(); strings.Join(got, ",") != "a,b" {
		t.Errorf("List = %v", got)
	}
}

func TestEnvNameAndKeys(t *testing.T) {
	if got := EnvName("ca-file"); got != "SCIMCONFORM_CA_FILE" {
		t.Errorf("EnvName = %s", got)
	}
	seen := map[string]bool{}
	for _, k := range Keys {
		if seen[k.Name] || k.Usage == "" || k.bind == nil {
			t.Errorf("key %q duplicated or incomplete", k.Name)
		}
		seen[k.Name] = true
	}
	if got := (&Run{Features: " users, ,sso"}).Areas(); strings.Join(got, "|") != "users|sso" {
		t.Errorf("Areas = %v", got)
	}
}

func TestServeDB(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == EnvDB {
				return v
			}
			return ""
		}
	}
	for _, tc := range []struct {
		flag    string
		flagSet bool
		env     string
		want    string
	}{
		{"scim.db", false, "", "scim.db"},
		{"scim.db", false, "postgres://h/db", "postgres://h/db"},
		{"other.db", true, "postgres://h/db", "other.db"},
	} {
		if got := ServeDB(tc.flag, tc.flagSet, env(tc.env)); got != tc.want {
			t.Errorf("ServeDB(%q, %v, env %q) = %q, want %q", tc.flag, tc.flagSet, tc.env, got, tc.want)
		}
	}
}

func TestBudgetAndLimitFlags(t *testing.T) {
	r, err := parse(t, nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Deadline != 10*time.Minute || r.MaxRetryWait.Cap != 5*time.Second || r.MaxRetryWait.LikeOkta ||
		r.MaxBody != 4<<20 || r.MaxRecordedBody != 64<<10 {
		t.Fatalf("defaults: deadline %s, retry %s, body %s, recorded %s", r.Deadline, &r.MaxRetryWait, &r.MaxBody, &r.MaxRecordedBody)
	}
	if err := r.Check(); err != nil {
		t.Fatalf("defaults must pass Check: %v", err)
	}
	r, err = parse(t, []string{"--max-retry-wait", "OKTA", "--max-body", "10MB"},
		map[string]string{"SCIMCONFORM_DEADLINE": "90s", "SCIMCONFORM_MAX_RECORDED_BODY": "1MiB"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if !r.MaxRetryWait.LikeOkta || r.MaxRetryWait.String() != "okta" || r.MaxBody != 10_000_000 || r.Deadline != 90*time.Second || r.MaxRecordedBody != 1<<20 {
		t.Fatalf("parsed: deadline %s, retry %s, body %d, recorded %d", r.Deadline, &r.MaxRetryWait, r.MaxBody, r.MaxRecordedBody)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-retry-wait", "0"}, `or "okta" to wait exactly as Okta does`},
		{[]string{"--max-retry-wait", "-1s"}, "want a positive cap"},
		{[]string{"--deadline", "0s"}, "--deadline 0s: want a positive run budget"},
		{[]string{"--max-body", "12"}, "--max-body 12: want at least 1KiB"},
	} {
		r, err := parse(t, tc.args, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: Check = %v, want %q", tc.args, err, tc.want)
		}
	}
	var s Size
	for _, bad := range []string{"", "MiB", "4 parsecs", "-1"} {
		if err := s.Set(bad); err == nil {
			t.Errorf("Size.Set(%q) accepted", bad)
		}
	}
	var w RetryWait
	if err := w.Set("soon"); err == nil || !strings.Contains(err.Error(), `"okta"`) {
		t.Errorf("RetryWait.Set(soon) = %v", err)
	}
}
