package digest

import (
	"html/template"
	"strings"
)

// htmlPage is the HTML part. Design constraints, since mail clients are not browsers:
//   - inline styles only (Gmail and Outlook drop or rewrite <style>), no layout tables, a
//     max-width column that reads on a phone;
//   - no colours at all, so the client's own light or dark scheme applies; the color-scheme
//     meta tells clients that support it that both are fine;
//   - no images, scripts or remote resources;
//   - every mail-derived string goes through html/template's contextual escaping (the reply
//     link too, whose mailto: scheme the URL filter allows).
var htmlPage = template.Must(template.New("digest").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>{{.Subject}}</title>
</head>
<body style="margin:0;padding:0">
<div style="max-width:36em;margin:0 auto;padding:16px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;overflow-wrap:break-word;word-wrap:break-word">
<h1 style="font-size:1.375em;line-height:1.25;margin:0 0 .5em">{{.Title}}</h1>
<p style="margin:0">{{.Contents}}</p>
{{- with .Period}}
<p style="margin:0">{{.}}</p>
{{- end}}
{{- with .Noise}}
<p style="margin:0">{{.}}</p>
{{- end}}
{{- range .Sections}}
<h2 style="font-size:1.125em;margin:1.5em 0 .5em">{{.Number}}. {{.Title}}</h2>
{{- if .Full}}
<ol style="margin:0;padding-left:1.75em">
{{- range .Full}}
<li style="margin:0 0 1em"><p style="margin:0"><strong>{{.Head}}</strong>
{{- with .Who}}<br>
{{.}}{{end}}
{{- with .Gist}}<br>
{{.}}{{end}}
{{- with .Status}}<br>
{{.}}{{end}}
{{- if .Reply}}<br>
<a href="{{.Reply}}">{{.ReplyText}}</a>{{end}}
{{- range .Links}} · <a href="{{.URL}}">{{.Label}}</a>{{end}}</p></li>
{{- end}}
</ol>
{{- end}}
{{- if .Short}}
<ul style="margin:0 0 1em;padding-left:1.75em">
{{- range .Short}}
<li>{{.Subject}}{{with .Author}} ({{.}}){{end}}</li>
{{- end}}
</ul>
{{- end}}
{{- with .More}}
<p style="margin:0">{{.}}</p>
{{- end}}
{{- end}}
{{- with .Also}}
<p style="margin:1.5em 0 0">{{.}}</p>
{{- end}}
</div>
</body>
</html>
`))

// renderHTML writes the HTML part from the same view as the text part.
func renderHTML(v *view) string {
	var b strings.Builder
	if err := htmlPage.Execute(&b, v); err != nil {
		// The template is fixed and the data are plain strings: an error is a bug in this
		// package, not something a caller can handle.
		panic("digest: render HTML: " + err.Error())
	}
	return b.String()
}
