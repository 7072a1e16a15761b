package report

import (
	"fmt"
	"html/template"
	"io"
)

// page is everything report.html shows.
type page struct {
	Files     []fileInfo
	Partial   []string
	Overhead  string
	Clock     string // what a clock read costs, if the files say
	Sections  []*section
	Verdicts  []verdict
	Syntax    []string
	TrialErrs []string
}

const pageCSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em auto;max-width:1200px;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{border-bottom:2px solid #ccd;padding-bottom:.2em;margin-top:2em}h3{margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.9em}
th,td{border:1px solid #ccd;padding:.25em .6em;text-align:right}th{background:#eef}
td.l,th.l{text-align:left}
tr.win td{background:#e6f6e6;font-weight:600}
.banner{background:#c62828;color:#fff;padding:.6em 1em;font-size:1.2em;font-weight:700;border-radius:4px}
.overhead{background:#fff8e1;border-left:4px solid #f9a825;padding:.4em .8em}
.note{color:#555;font-size:.9em}.skip{color:#8a6d3b;font-style:italic}
.foot{font-size:.85em;color:#555;margin:0 0 1em}
.warn li{font-family:monospace}
img{max-width:100%;height:auto;border:1px solid #dde;margin:.3em 0}
.charts{display:flex;flex-wrap:wrap;gap:.8em}.charts figure{margin:0;flex:0 1 800px;max-width:100%}
.cb-fig svg{display:block;max-width:100%;height:auto;border:1px solid #dde;margin:.3em 0;background:#fff}
.cb-l{cursor:pointer}.cb-l.off{opacity:.35}.cb-l:focus{outline:1px dotted #555}.cb-s.off{opacity:.07}
.cb-tip{pointer-events:none}.cb-tip rect{fill:#fff;fill-opacity:.93;stroke:#999}.cb-tip text{font-size:13px;fill:#222}.cb-tip line{stroke:#888;stroke-dasharray:3 3}
figcaption{font-size:.85em;color:#555}
pre{background:#f6f6f6;padding:.6em;overflow:auto;max-height:30em;font-size:.8em}
nav a{margin-right:1em}
`

const pageTemplate = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>concbench report</title><style>{{.CSS}}</style></head>
<body>
<h1>concbench report</h1>
{{with .P.Partial}}<p class="banner">PARTIAL run: {{range $i, $f := .}}{{if $i}}, {{end}}{{$f}}{{end}} did not finish; results cover only the trials that completed.</p>{{end}}
<p class="overhead">{{.P.Overhead}}</p>{{with .P.Clock}}<p class="overhead">{{.}}</p>{{end}}
<h2 id="files">Files read</h2>
<table><tr><th class="l">file</th><th class="l">configuration</th><th class="l">run status</th><th>sidecar trials</th></tr>
{{range .P.Files}}<tr><td class="l">{{.Path}}</td><td class="l">{{range .Config}}{{if ne .Key "run-status"}}<b>{{.Key}}</b>: {{.Value}}<br>{{end}}{{end}}</td><td class="l">{{if .RunStatus}}{{.RunStatus}}{{else}}(not stated){{end}}</td><td>{{.Trials}}</td></tr>
{{end}}</table>
<nav>{{range .P.Sections}}<a href="#{{.ID}}">{{.Title}}</a>{{end}}{{if .P.Verdicts}}<a href="#verdicts">Claims audit</a>{{end}}{{if or .P.Syntax .P.TrialErrs}}<a href="#warnings">Warnings</a>{{end}}</nav>
<p class="note">Tables: median and its 95% confidence interval (benchmath, assume nothing), interquartile range, n trials.
"vs base" compares each implementation with the first one of the table (the baseline) by the Mann–Whitney U test;
p-values are Holm–Bonferroni corrected across the implementations of the table, and "~" means no significant
difference at α = 0.05. A winner is marked only if its median is best and it is significantly better than the runner-up.
Superscripts refer to the statistical warnings under each table.</p>
{{range .P.Sections}}
<h2 id="{{.ID}}">{{if .Scenario}}Pattern {{.Title}}{{else}}Benchmark{{.Title}} (go test){{end}}</h2>
{{range .Groups}}
<h3>{{.Key}}</h3>
{{range .Tables}}
<table><caption class="l"><b>{{.Unit}}</b> ({{if gt .Better 0}}higher{{else}}lower{{end}} is better){{with .Verdict}} — {{.}}{{end}}</caption>
<tr><th class="l">impl</th><th>median</th><th>95% CI</th><th>IQR</th><th>n</th><th>vs base</th><th class="l">p (Mann–Whitney U, Holm)</th></tr>
{{range .Rows}}<tr{{if .Winner}} class="win"{{end}}><td class="l">{{.Impl}}{{if .Winner}} ★{{end}}</td><td>{{.Median}}{{.Marks}}</td><td>{{.CI}}</td><td>{{.IQR}}</td><td>{{.N}}</td><td>{{.Delta}}</td><td class="l">{{.P}}</td></tr>
{{end}}</table>
{{with .Footnotes}}<div class="foot">{{range $i, $f := .}}{{sup $i}} {{$f}}<br>{{end}}</div>{{end}}
{{end}}
{{with .Charts}}<div class="charts">{{range .}}{{template "chart" .}}{{end}}</div>{{end}}
{{end}}
{{with .Charts}}<h3>Across parameters</h3><div class="charts">{{range .}}{{template "chart" .}}{{end}}</div>{{end}}
{{with .NotOK}}<h3>Trials that did not end ok</h3>
<table><tr><th class="l">name</th><th>rep</th><th class="l">status</th><th class="l">error</th></tr>
{{range .}}<tr><td class="l">{{.Name}}</td><td>{{.Rep}}</td><td class="l">{{.Status}}</td><td class="l">{{.Error}}</td></tr>
{{end}}</table>
{{range .}}{{if .Stacks}}<details><summary>stacks of {{.Name}} rep {{.Rep}} ({{.Status}}){{with .StackNote}}, {{.}}{{end}}</summary><pre>{{.Stacks}}</pre></details>{{end}}{{end}}
{{end}}
{{end}}
{{with .P.Verdicts}}<h2 id="verdicts">Claims audit</h2>
<table class="audit"><tr><th>#</th><th class="l">claim</th><th class="l">verdict</th><th class="l">the number that decides it</th><th class="l">scenario</th></tr>
{{range .}}<tr><td>{{if .Guide}}{{.Guide}}{{end}}</td><td class="l">{{.Claim}}</td><td class="l"><b>{{.Kind}}</b>{{if eq .Kind "holds only when"}}: {{end}} {{.Answer}}</td><td class="l">{{.Number}}</td><td class="l">{{if .Link}}<a href="#{{.Link}}">{{.Scenario}}</a>{{else}}{{.Scenario}}{{end}}</td></tr>
{{end}}</table>
{{range $v := .}}{{with $v.Details}}<details><summary>evidence: {{if $v.Guide}}{{$v.Guide}}. {{end}}{{$v.Claim}}</summary><ul>{{range .}}<li>{{.}}</li>{{end}}</ul></details>{{end}}{{end}}
{{end}}
{{if or .P.Syntax .P.TrialErrs}}<h2 id="warnings">Warnings</h2>
<p class="note">Lines that could not be read; the rest of each file was used.</p>
<ul class="warn">{{range .P.Syntax}}<li>{{.}}</li>{{end}}{{range .P.TrialErrs}}<li>sidecar: {{.}}</li>{{end}}</ul>{{end}}
</body></html>
{{define "chart"}}{{if .SVG}}<figure class="svg">{{.SVG}}<figcaption>{{.Title}} (<a href="{{.File}}">PNG</a>)</figcaption></figure>{{else if .File}}<figure><img src="{{.File}}" alt="{{.Alt}}" width="800" height="450"><figcaption>{{.Title}}</figcaption></figure>{{else}}<p class="skip">{{.Title}}: skipped, {{.Skip}}.</p>{{end}}{{end}}
`

func renderHTML(w io.Writer, p *page) error {
	t, err := template.New("report").Funcs(template.FuncMap{
		"sup": func(i int) string { return superscript(i + 1) },
	}).Parse(pageTemplate)
	if err != nil {
		return fmt.Errorf("report: template: %w", err)
	}
	if err := t.Execute(w, struct {
		CSS template.CSS
		P   *page
	}{template.CSS(pageCSS), p}); err != nil {
		return fmt.Errorf("report: rendering: %w", err)
	}
	return nil
}
