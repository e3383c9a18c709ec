package load

import (
	"fmt"
	"html/template"
	"io"
	"strings"
)

// WriteHTML writes a self-contained load.html: a summary table and, per
// phase, inline SVG charts of throughput and latency percentiles per
// second. It loads nothing from the network.
func WriteHTML(w io.Writer, res *Result) error {
	return htmlTmpl.Execute(w, res)
}

// chart geometry, in SVG user units.
const (
	chartW, chartH         = 720, 220
	padL, padR, padT, padB = 60, 20, 20, 40
)

type series struct {
	name, color string
	ys          []float64
}

// svgChart renders series over seconds as a line chart with axes, ticks,
// labels and a legend.
func svgChart(title, unit string, ss []series) template.HTML {
	n := 0
	maxY := 0.0
	for _, s := range ss {
		n = max(n, len(s.ys))
		for _, y := range s.ys {
			maxY = max(maxY, y)
		}
	}
	if maxY <= 0 {
		maxY = 1
	}
	maxY = niceCeil(maxY)
	pw, ph := float64(chartW-padL-padR), float64(chartH-padT-padB)
	x := func(i int) float64 {
		if n <= 1 {
			return padL + pw/2
		}
		return padL + pw*float64(i)/float64(n-1)
	}
	y := func(v float64) float64 { return padT + ph*(1-v/maxY) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`, chartW, chartH, chartW, chartH, template.HTMLEscapeString(title))
	fmt.Fprintf(&b, `<text x="%d" y="14" class="t">%s</text>`, padL, template.HTMLEscapeString(title))
	for k := 0; k <= 4; k++ {
		v := maxY * float64(k) / 4
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="g"/>`, padL, chartW-padR, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" class="yl">%s</text>`, padL-6, y(v)+4, fmtNum(v))
	}
	step := max(1, n/10)
	for i := 0; i < n; i += step {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="xl">%ds</text>`, x(i), chartH-padB+16, i)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="xl">seconds since the phase started</text>`, padL+int(pw/2), chartH-6)
	fmt.Fprintf(&b, `<text x="12" y="%d" class="yl" transform="rotate(-90 12 %d)">%s</text>`, padT+int(ph/2), padT+int(ph/2), template.HTMLEscapeString(unit))
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" class="a"/>`, padL, chartW-padR, padT+int(ph), padT+int(ph))
	for si, s := range ss {
		var pts []string
		for i, v := range s.ys {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
		}
		if len(pts) == 1 {
			fmt.Fprintf(&b, `<circle cx="%s" r="3" fill="%s"/>`, strings.Replace(pts[0], ",", `" cy="`, 1), s.color)
		} else if len(pts) > 1 {
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, s.color, strings.Join(pts, " "))
		}
		lx := chartW - padR
		for _, t := range ss[si:] {
			lx -= 24 + 7*len(t.name)
		}
		fmt.Fprintf(&b, `<rect x="%d" y="6" width="12" height="4" fill="%s"/><text x="%d" y="12" class="lg">%s</text>`, lx, s.color, lx+16, template.HTMLEscapeString(s.name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built from numbers and escaped names
}

func niceCeil(v float64) float64 {
	p := 1.0
	for p*10 <= v {
		p *= 10
	}
	for p > v*10 {
		p /= 10
	}
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func fmtNum(v float64) string {
	if v >= 100 || v == float64(int64(v)) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func throughputChart(p PhaseResult) template.HTML {
	var req, errs []float64
	for _, s := range p.Stats.Timeline {
		span := s.Span
		if span < 0.05 {
			span = 1 // a sliver at the end would exaggerate its rate
		}
		req = append(req, float64(s.Requests)/span)
		errs = append(errs, float64(s.Status5xx+s.Status429+s.Errors)/span)
	}
	return svgChart(fmt.Sprintf("%s — throughput", p.Name), "requests/s", []series{{"requests/s", "#1f6feb", req}, {"5xx+429+no answer", "#d1242f", errs}})
}

func latencyChart(p PhaseResult) template.HTML {
	var p50, p95, p99 []float64
	for _, s := range p.Stats.Timeline {
		p50 = append(p50, s.Latency.P50)
		p95 = append(p95, s.Latency.P95)
		p99 = append(p99, s.Latency.P99)
	}
	return svgChart(fmt.Sprintf("%s — latency per second", p.Name), "ms", []series{{"p50", "#2da44e", p50}, {"p95", "#bf8700", p95}, {"p99", "#cf222e", p99}})
}

var htmlTmpl = template.Must(template.New("load").Funcs(template.FuncMap{
	"throughput": throughputChart,
	"latency":    latencyChart,
	"status":     statusSummary,
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>scimconform load — {{.Verdict}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2328;max-width:1100px}
h1{font-size:20px} h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0} th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:right;white-space:nowrap} th{background:#f6f8fa} td:first-child,th:first-child{text-align:left}
.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}.error{color:#9a6700;font-weight:600}
svg{display:block;margin:8px 0;background:#fff;border:1px solid #d0d7de}
svg .t{font-size:13px;font-weight:600} svg .yl{font-size:11px;text-anchor:end;fill:#57606a} svg .xl{font-size:11px;text-anchor:middle;fill:#57606a} svg .lg{font-size:11px;fill:#1f2328}
svg .g{stroke:#eaeef2} svg .a{stroke:#57606a}
ul.p li{font-family:ui-monospace,monospace;font-size:12px}
</style></head><body>
<h1>scimconform load: <span class="{{.Verdict}}">{{.Verdict}}</span></h1>
<p>Target {{.Target}} · profile {{.Profile}} · {{.Users}} users · {{.Concurrency}} workers{{if .Rate}} · rate {{.Rate}}/s{{end}} · started {{.StartedAt.Format "2006-01-02 15:04:05 MST"}} · {{printf "%.1f" .DurationSec}} s{{if .Interrupted}} · <b>stopped early: {{.Interrupted}}</b>{{end}}</p>
{{if .RunReport}}<p id="run-report">Conformance run report: <a href="{{.RunReport}}">{{.RunReport}}</a> (same output directory)</p>{{end}}
{{if .Reasons}}<ul class="p">{{range .Reasons}}<li>{{.}}</li>{{end}}</ul>{{end}}
<table><tr><th>phase</th><th>tasks</th><th>failed</th><th>requests</th><th>req/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th><th>status</th><th>429 waits</th><th>verification</th></tr>
{{range .Phases}}<tr><td>{{.Name}}</td><td>{{.Tasks}}</td><td>{{.TasksFailed}}</td><td>{{.Stats.Requests}}</td><td>{{printf "%.0f" .Stats.Throughput}}</td><td>{{printf "%.1f" .Stats.Latency.P50}}</td><td>{{printf "%.1f" .Stats.Latency.P95}}</td><td>{{printf "%.1f" .Stats.Latency.P99}}</td><td>{{printf "%.1f" .Stats.Latency.Max}}</td><td>{{status .Stats}}</td><td>{{.Stats.Waits429}} ({{printf "%.1f" .Stats.Wait429Sec}} s)</td>
<td>{{with .Verification}}{{if .Skipped}}skipped{{else if .OK}}<span class="pass">ok</span> ({{.Listed}} listed){{else}}<span class="fail">{{.ProblemCount}} problems</span>{{end}}{{end}}</td></tr>
{{end}}</table>
{{range .Phases}}<h2>{{.Name}}</h2>
{{throughput .}}{{latency .}}
{{with .Verification.Problems}}<ul class="p">{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{with .Failures}}<p>failed tasks (first {{len .}}):</p><ul class="p">{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{end}}
{{with .Cleanup}}<p>Cleanup: {{.Deactivated}} deactivated, {{.Deleted}} deleted, {{.Failed}} failed.{{range .Notes}} {{.}}{{end}}</p>{{end}}
</body></html>
`))
