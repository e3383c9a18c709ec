package container

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	dc "github.com/ory/dockertest/v3/docker"
)

// lastLogs formats the container's last n log lines for an error message.
func (t *Target) lastLogs(n int) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	logs, err := t.fetchLogs(ctx, n)
	if err != nil {
		return "\n(container logs unavailable: " + err.Error() + ")"
	}
	return t.logSection("last container log lines", logs, n)
}

// logSection renders text's last n lines (redacted) under a heading, or a
// note that there were none.
func (t *Target) logSection(heading, text string, n int) string {
	text = strings.TrimRight(lastLines(t.redact(text), n), "\n")
	if text == "" {
		return "\n(" + heading + ": none)"
	}
	return "\n--- " + heading + " ---\n" + text
}

// Logs returns the container's stdout and stderr, interleaved as the engine
// stored them, limited to the last tail lines (all if tail <= 0), with the
// token and other secrets redacted. After Close it returns the lines Close
// saved before removing the container (at most 10000).
func (t *Target) Logs(ctx context.Context, tail int) (string, error) {
	t.mu.Lock()
	closed, kept := t.closed, t.closingLogs
	t.mu.Unlock()
	if closed {
		if tail > 0 {
			return lastLines(kept, tail), nil
		}
		return kept, nil
	}
	return t.fetchLogs(ctx, tail)
}

func (t *Target) fetchLogs(ctx context.Context, tail int) (string, error) {
	if t.ContainerID == "" {
		return "", errors.New("container was never created")
	}
	tailArg := "all"
	if tail > 0 {
		tailArg = strconv.Itoa(tail)
	}
	var buf bytes.Buffer
	err := t.client.Logs(dc.LogsOptions{
		Context:      ctx,
		Container:    t.ContainerID,
		OutputStream: &buf,
		ErrorStream:  &buf,
		Stdout:       true,
		Stderr:       true,
		Tail:         tailArg,
	})
	if err != nil {
		return "", fmt.Errorf("logs of container %s: %w", t.ContainerName, err)
	}
	return t.redact(buf.String()), nil
}

// secretLikeKey matches env keys whose values are redacted like the token.
var secretLikeKey = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL", "AUTH"}

// secretsOf collects the values Logs and errors must never show: the token
// and values of Env entries whose key looks secret.
func secretsOf(o Options) []string {
	var s []string
	if o.Token != "" {
		s = append(s, o.Token)
	}
	for _, kv := range o.Env {
		k, v, _ := strings.Cut(kv, "=")
		if len(v) < 4 {
			continue // redacting "1" or "on" would garble every line
		}
		for _, w := range secretLikeKey {
			if strings.Contains(strings.ToUpper(k), w) {
				s = append(s, v)
				break
			}
		}
	}
	// Longest first, so a secret containing another is replaced whole.
	sort.Slice(s, func(i, j int) bool { return len(s[i]) > len(s[j]) })
	return s
}

// Redacted is what Logs and Start's errors show in place of every secret.
const Redacted = "[REDACTED]"

func (t *Target) redact(text string) string { return redact(text, t.secrets) }

func redact(text string, secrets []string) string {
	for _, s := range secrets {
		if s != "" {
			text = strings.ReplaceAll(text, s, Redacted)
		}
	}
	return text
}

// lastLines returns the last n lines of text (all if n <= 0), keeping a
// trailing newline if text had one.
func lastLines(text string, n int) string {
	if n <= 0 || text == "" {
		return text
	}
	body := strings.TrimSuffix(text, "\n")
	idx := len(body)
	for i := 0; i < n; i++ {
		j := strings.LastIndexByte(body[:idx], '\n')
		if j < 0 {
			return text
		}
		idx = j
	}
	return text[idx+1:]
}
