package report

import (
	"fmt"
	"html/template"
	"io"

	"github.com/concbench/concbench/internal/footnote"
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
h2 small{font-weight:normal;color:#666;font-size:.6em}
.desc{max-width:60em;font-size:1.05em}
table.audit td,table.audit th{vertical-align:top}
table.audit td.l{max-width:28em}
tr.v-holds td:nth-child(3) b{color:#1b5e20}tr.v-when td:nth-child(3) b{color:#8a6d00}
tr.v-not td:nth-child(3) b{color:#b71c1c}tr.v-iso td:nth-child(3) b,tr.v-few td:nth-child(3) b{color:#555}
table.rank{display:inline-table;vertical-align:top;margin-right:1.5em}
tr.unranked td{color:#666;font-style:italic}table.rank td.why{max-width:24em;text-align:left}
.notok{color:#8a6d3b}
.uniform{margin:.2em 0;color:#555;font-size:.9em}
details{margin:.6em 0}summary{cursor:pointer;color:#1a4d8f}
`

const pageTemplate = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>concbench report</title><style>{{.CSS}}</style></head>
<body>
<h1>concbench report</h1>
{{with .P.Partial}}<p class="banner">PARTIAL run: {{range $i, $f := .}}{{if $i}}, {{end}}{{$f}}{{end}} did not finish; results cover only the trials that completed.</p>{{end}}
<nav>{{if .P.Verdicts}}<a href="#verdicts">Claims audit</a>{{end}}{{range .P.Sections}}<a href="#{{.ID}}">{{.Title}}</a>{{end}}<a href="#provenance">Provenance</a>{{if or .P.Syntax .P.TrialErrs}}<a href="#warnings">Warnings</a>{{end}}</nav>
{{with .P.Verdicts}}<h2 id="verdicts">Claims audit</h2>
<p class="note">Each claim compares the implementation that follows the advice with the one that ignores it, in one unit,
in every parameter combination of its scenario: Mann–Whitney U, Holm-corrected over the claim's combinations, α = 0.05.
The ratio is the ignoring implementation's median over the following one's.</p>
<table class="audit"><tr><th>#</th><th class="l">claim</th><th class="l">verdict</th><th class="l">the number that decides it</th><th class="l">evidence</th></tr>
{{range .}}<tr class="{{kindClass .Kind}}"><td>{{if .Guide}}{{.Guide}}{{end}}</td><td class="l">{{.Claim}}</td><td class="l"><b>{{.Kind}}</b>{{if eq .Kind "holds only when"}} {{else}}: {{end}}{{.Answer}}</td><td class="l">{{.Number}}</td><td class="l">{{if .Link}}<a href="#{{.Link}}">{{.Scenario}}</a>{{else}}{{.Scenario}}{{end}}</td></tr>
{{end}}</table>
<details><summary>Evidence per parameter combination</summary>
{{range $v := .}}{{with $v.Details}}<p><b>{{if $v.Guide}}{{$v.Guide}}. {{end}}{{$v.Claim}}</b> ({{$v.Scenario}}, {{$v.Unit}})</p><ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}{{end}}
</details>
{{end}}
{{with .P.Overhead}}<p class="overhead">{{.}}</p>{{end}}{{with .P.Clock}}<p class="overhead">{{.}}</p>{{end}}
{{range .P.Sections}}
{{if .Scenario}}<h2 id="{{.ID}}">{{.Title}} <small>scenario{{with .Summary}}{{with .Pattern}}, pattern {{.}}{{end}}{{end}}</small></h2>
{{with .Summary}}{{with .Description}}<p class="desc">{{.}}</p>{{end}}
{{range .Rankings}}<table class="rank"><caption class="l"><b>{{.Unit}}</b> ({{if gt .Better 0}}higher{{else}}lower{{end}} is better){{if ne .Group "(no parameters)"}}, {{.Group}}{{end}}{{with .Verdict}} — {{.}}{{end}}</caption>
<tr><th>#</th><th class="l">impl</th><th>median</th><th>95% CI</th><th>n</th></tr>
{{range $i, $r := .Rows}}<tr{{if .Winner}} class="win"{{end}}><td>{{inc $i}}</td><td class="l">{{.Impl}}{{if .Winner}} ★{{end}}</td><td>{{.Median}}</td><td>{{.CI}}</td><td>{{.N}}</td></tr>
{{end}}{{range .Unrank}}<tr class="unranked"><td></td><td class="l">{{.Impl}}</td><td>{{.Median}}</td><td class="why" colspan="2">not ranked: {{.Why}}</td></tr>
{{end}}{{with .Notes}}<tr><td colspan="5" class="l note">{{range .}}{{.}}<br>{{end}}</td></tr>{{end}}</table>
{{end}}{{if .NoHeadline}}<p class="note">This scenario declares no headline unit, so no winner is named; the tables below compare each implementation with the first.</p>{{end}}
{{with .Chart}}<div class="charts">{{template "chart" .}}</div>{{end}}
{{end}}
{{with .NotOK}}<p class="notok">{{len .}} trial(s) did not end ok: {{range $i, $n := .}}{{if $i}}, {{end}}{{$n.Status}} {{$n.Name}} rep {{$n.Rep}}{{end}}. Details and goroutine dumps below.</p>{{end}}
<details><summary>All tables and charts of {{.Title}}</summary>
{{template "body" .}}
</details>
{{else}}<h2 id="{{.ID}}">Benchmark{{.Title}} <small>go test</small></h2>
{{template "body" .}}
{{end}}
{{end}}
<h2 id="provenance">Provenance</h2>
<details><summary>{{len .P.Files}} file(s) read, with their configuration and run status</summary>
<table><tr><th class="l">file</th><th class="l">configuration</th><th class="l">run status</th><th>sidecar trials</th></tr>
{{range .P.Files}}<tr><td class="l">{{.Path}}</td><td class="l">{{range .Config}}{{if ne .Key "run-status"}}<b>{{.Key}}</b>: {{.Value}}<br>{{end}}{{end}}</td><td class="l">{{if .RunStatus}}{{.RunStatus}}{{else}}(not stated){{end}}</td><td>{{.Trials}}</td></tr>
{{end}}</table>
</details>
{{if or .P.Syntax .P.TrialErrs}}<h2 id="warnings">Warnings</h2>
<p class="note">Lines that could not be read; the rest of each file was used.</p>
<ul class="warn">{{range .P.Syntax}}<li>{{.}}</li>{{end}}{{range .P.TrialErrs}}<li>sidecar: {{.}}</li>{{end}}</ul>{{end}}
</body></html>
{{define "body"}}<p class="note">Tables: median and its 95% confidence interval (benchmath, assume nothing), interquartile range, n trials.
"vs base" compares each implementation with the first one of the table (the baseline) by the Mann–Whitney U test;
p-values are Holm–Bonferroni corrected across the implementations of the table, and "~" means no significant
difference at α = 0.05.{{if not .Scenario}} A winner is marked only if its median is best and it is significantly better than the runner-up.{{end}}
Superscripts refer to the statistical warnings under each table.</p>
{{range .Groups}}
<h3>{{.Title}}</h3>
{{range .Tables}}{{with uniformLine .}}<p class="uniform">{{.}}</p>{{else}}
{{if .Columns}}{{template "columns" .}}{{else}}<table><caption class="l"><b>{{.Unit}}</b> ({{if gt .Better 0}}higher{{else}}lower{{end}} is better){{with .Verdict}} — {{.}}{{end}}</caption>
<tr><th class="l">impl</th><th>median</th><th>95% CI</th><th>IQR</th><th>n</th><th>vs base</th><th class="l">p (Mann–Whitney U, Holm)</th></tr>
{{range .Rows}}<tr{{if .Winner}} class="win"{{end}}><td class="l">{{.Impl}}{{if .Winner}} ★{{end}}</td><td>{{.Median}}{{.Marks}}</td><td>{{.CI}}</td><td>{{.IQR}}</td><td>{{.N}}</td><td>{{.Delta}}</td><td class="l">{{.P}}</td></tr>
{{end}}</table>{{end}}
{{with .Footnotes}}<div class="foot">{{range $i, $f := .}}{{sup $i}} {{$f}}<br>{{end}}</div>{{end}}
{{end}}{{end}}
{{with .Charts}}<div class="charts">{{range .}}{{template "chart" .}}{{end}}</div>{{end}}
{{end}}
{{with .Charts}}<h3>Across parameters</h3><div class="charts">{{range .}}{{template "chart" .}}{{end}}</div>{{end}}
{{with .NotOK}}<h3>Trials that did not end ok</h3>
<table><tr><th class="l">name</th><th>rep</th><th class="l">status</th><th class="l">error</th></tr>
{{range .}}<tr><td class="l">{{.Name}}</td><td>{{.Rep}}</td><td class="l">{{.Status}}</td><td class="l">{{.Error}}</td></tr>
{{end}}</table>
{{range .}}{{if .Stacks}}<details><summary>stacks of {{.Name}} rep {{.Rep}} ({{.Status}}){{with .StackNote}}, {{.}}{{end}}</summary><pre>{{.Stacks}}</pre></details>{{end}}{{end}}
{{end}}{{end}}
{{define "columns"}}<table><caption class="l"><b>{{.Unit}}</b> ({{if gt .Better 0}}higher{{else}}lower{{end}} is better): a column per file, each summarised alone, never pooled; each later file against the first by the Mann–Whitney U test (α = 0.05, uncorrected, as benchstat){{with .Verdict}} — {{.}}{{end}}</caption>
<tr><th class="l" rowspan="2">impl</th>{{range $i, $c := .Columns}}<th colspan="{{if $i}}5{{else}}3{{end}}">{{$c.File}}</th>{{end}}</tr>
<tr>{{range $i, $c := .Columns}}<th>median</th><th>95% CI</th><th>n</th>{{if $i}}<th>vs first file</th><th class="l">p</th>{{end}}{{end}}</tr>
{{range .Grid}}<tr><td class="l">{{.Impl}}</td>{{range $i, $r := .Cells}}{{if $r}}<td>{{$r.Median}}{{$r.Marks}}</td><td>{{$r.CI}}</td><td>{{$r.N}}</td>{{if $i}}<td>{{$r.VsFirst}}</td><td class="l">{{$r.VsFirstP}}</td>{{end}}{{else}}<td></td><td></td><td></td>{{if $i}}<td></td><td></td>{{end}}{{end}}{{end}}</tr>
{{end}}</table>{{end}}
{{define "chart"}}{{if .SVG}}<figure class="svg">{{.SVG}}<figcaption>{{.Title}} (<a href="{{.File}}">PNG</a>)</figcaption></figure>{{else if .File}}<figure><img src="{{.File}}" alt="{{.Alt}}" width="800" height="450"><figcaption>{{.Title}}</figcaption></figure>{{else}}<p class="skip">{{.Title}}: skipped, {{.Skip}}.</p>{{end}}{{end}}
`

func renderHTML(w io.Writer, p *page) error {
	t, err := template.New("report").Funcs(template.FuncMap{
		"sup": func(i int) string { return footnote.Superscript(i + 1) },
		"inc": func(i int) int { return i + 1 },
		"kindClass": func(kind string) string {
			switch kind {
			case verdictHolds:
				return "v-holds"
			case verdictHoldsWhen:
				return "v-when"
			case verdictNot:
				return "v-not"
			case verdictTooFew:
				return "v-few"
			}
			return "v-iso"
		},
		"uniformLine": func(t *statTable) string {
			if len(t.Columns) > 0 {
				return "" // the columns show it file by file
			}
			v, ok := t.uniform()
			if !ok {
				return ""
			}
			n := 0
			for _, r := range t.Rows {
				n += r.N
			}
			return fmt.Sprintf("%s: %s in every trial of every implementation (%d trials)", t.Unit, v, n)
		},
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
