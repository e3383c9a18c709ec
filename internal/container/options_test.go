package container

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNormalize(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		in      Options
		want    Options // checked fields: Port, BasePath, HealthPath, ReadyTimeout, MaxLifetime
		wantErr string
	}{
		{name: "defaults", in: Options{Image: "x"},
			want: Options{Port: 8080, BasePath: "/scim/v2", ReadyTimeout: DefaultReadyTimeout, MaxLifetime: DefaultMaxLifetime}},
		{name: "root base path", in: Options{Image: "x", BasePath: "/", HealthPath: "healthz", Port: 3000},
			want: Options{Port: 3000, BasePath: "", HealthPath: "/healthz", ReadyTimeout: DefaultReadyTimeout, MaxLifetime: DefaultMaxLifetime}},
		{name: "trailing slash", in: Options{Image: "x", BasePath: "api/scim/", ReadyTimeout: time.Second},
			want: Options{Port: 8080, BasePath: "/api/scim", ReadyTimeout: time.Second, MaxLifetime: DefaultMaxLifetime}},
		{name: "build dir", in: Options{BuildDir: dir},
			want: Options{Port: 8080, BasePath: "/scim/v2", ReadyTimeout: DefaultReadyTimeout, MaxLifetime: DefaultMaxLifetime}},
		{name: "neither", in: Options{}, wantErr: "set an image"},
		{name: "both", in: Options{Image: "x", BuildDir: dir}, wantErr: "not both"},
		{name: "bad port", in: Options{Image: "x", Port: 70000}, wantErr: "out of range"},
		{name: "bad env", in: Options{Image: "x", Env: []string{"hunter2-secret"}}, wantErr: `"hunt…" is not KEY=VALUE`},
		{name: "empty env key", in: Options{Image: "x", Env: []string{"=v"}}, wantErr: "not KEY=VALUE"},
		{name: "no Dockerfile", in: Options{BuildDir: t.TempDir()}, wantErr: "build directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.in
			err := o.normalize()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("normalize = %v, want error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.Port != tc.want.Port || o.BasePath != tc.want.BasePath || o.HealthPath != tc.want.HealthPath ||
				o.ReadyTimeout != tc.want.ReadyTimeout || o.MaxLifetime != tc.want.MaxLifetime {
				t.Errorf("normalize = port %d base %q health %q ready %s life %s, want %d %q %q %s %s",
					o.Port, o.BasePath, o.HealthPath, o.ReadyTimeout, o.MaxLifetime,
					tc.want.Port, tc.want.BasePath, tc.want.HealthPath, tc.want.ReadyTimeout, tc.want.MaxLifetime)
			}
		})
	}
}

func TestSecretsAreRedacted(t *testing.T) {
	o := Options{
		Token: "abc123token",
		Env: []string{
			"DB_PASSWORD=pw-longer-abc123token-x", // contains the token: replaced whole
			"API_KEY=k3y-value",
			"LOG_LEVEL=debug", // not secret-looking: kept
			"AUTH_ENABLED=on", // too short to redact
		},
	}
	s := secretsOf(o)
	in := "token=abc123token pw=pw-longer-abc123token-x key=k3y-value level=debug auth=on"
	got := redact(in, s)
	want := "token=[REDACTED] pw=[REDACTED] key=[REDACTED] level=debug auth=on"
	if got != want {
		t.Errorf("redact =\n %q\nwant\n %q", got, want)
	}
	if redact("nothing here", nil) != "nothing here" {
		t.Error("redact without secrets changed the text")
	}
}

func TestHasEnv(t *testing.T) {
	env := []string{"A=1", "SCIMCONFORM_TOKEN=x", "B="}
	for key, want := range map[string]bool{"SCIMCONFORM_TOKEN": true, "B": true, "SCIMCONFORM": false, "C": false} {
		if got := hasEnv(env, key); got != want {
			t.Errorf("hasEnv(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestLastLines(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"a\nb\nc\n", 2, "b\nc\n"},
		{"a\nb\nc", 2, "b\nc"},
		{"a\nb\nc\n", 3, "a\nb\nc\n"},
		{"a\nb\nc\n", 10, "a\nb\nc\n"},
		{"a\nb\nc\n", 0, "a\nb\nc\n"},
		{"a\nb\nc\n", 1, "c\n"},
		{"", 3, ""},
		{"only", 1, "only"},
	}
	for _, tc := range tests {
		if got := lastLines(tc.in, tc.n); got != tc.want {
			t.Errorf("lastLines(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
