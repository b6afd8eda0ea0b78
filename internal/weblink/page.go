package weblink

import (
	"fmt"
	"html/template"
	"strings"
	"time"
	"unicode"
)

// page is everything one response page shows. All of it is plain text: html/template
// escapes it, so no field may carry markup.
type page struct {
	Status int
	Title  string
	// Heading is the h1, unless Ask is set.
	Heading string
	// Ask makes the h1 a question about the thread, for the confirmation page.
	Ask *question
	// Thread is the thread's subject, shown under the heading.
	Thread string
	Lines  []string
	// Button, when set, adds the form that POSTs to the page's own URL.
	Button string
}

// question is "Verb “Subject” Rest", or "Verb this thread Rest" without a subject.
type question struct{ Verb, Subject, Rest string }

// pageTemplate needs no script and no remote resource, so the CSP can forbid both. The form
// has no action attribute: it posts to the page's own URL, whatever proxy path it came
// through, and the token never has to appear in the HTML.
var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex, nofollow">
<title>{{.Title}} – listdigest</title>
<style>
:root { color-scheme: light dark; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 1.0625rem; line-height: 1.5; }
main { max-width: 34em; margin: 0 auto; padding: 2rem 1rem; overflow-wrap: break-word; }
h1 { font-size: 1.375rem; line-height: 1.3; margin: 0 0 1rem; }
.thread { font-weight: 600; }
button { font: inherit; font-weight: 600; padding: .6em 1.4em; border-radius: .4em; border: 1px solid currentColor; cursor: pointer; }
footer { margin-top: 2.5rem; font-size: .875rem; opacity: .75; }
</style>
</head>
<body>
<main>
<h1>{{with .Ask}}{{.Verb}} {{if .Subject}}“<bdi>{{.Subject}}</bdi>”{{else}}this thread{{end}}{{.Rest}}{{else}}{{.Heading}}{{end}}</h1>
{{- with .Thread}}
<p class="thread"><bdi>{{.}}</bdi></p>
{{- end}}
{{- range .Lines}}
<p>{{.}}</p>
{{- end}}
{{- with .Button}}
<form method="post"><button type="submit">{{.}}</button></form>
{{- end}}
<footer>listdigest</footer>
</main>
</body>
</html>
`))

// wording is how the pages talk about one action.
type wording struct {
	verb, rest, button, done string
}

func wordingFor(c Claims, until time.Time) wording {
	switch c.Action {
	case ActionFlag:
		return wording{"Flag", " for follow-up?", "Flag for follow-up", "Flagged."}
	case ActionDone:
		return wording{"Mark", " as done?", "Mark as done", "Done."}
	default:
		day := formatDay(until)
		return wording{"Snooze", fmt.Sprintf(" for %s, until %s?", formatSpan(c.Snooze), day),
			"Snooze until " + day, "Snoozed until " + day + "."}
	}
}

// confirmPage is the GET page. It must not promise anything has happened.
func confirmPage(c Claims, subject string, now time.Time) page {
	w := wordingFor(c, snoozeUntil(c, now))
	return page{
		Status: 200,
		Title:  w.button + "?",
		Ask:    &question{Verb: w.verb, Subject: cleanSubject(subject), Rest: w.rest},
		Lines:  []string{"Nothing changes until you press the button."},
		Button: w.button,
	}
}

// appliedPage is the POST result.
func appliedPage(c Claims, subject string, now time.Time) page {
	w := wordingFor(c, snoozeUntil(c, now))
	return page{
		Status:  200,
		Title:   w.done,
		Heading: w.done,
		Thread:  cleanSubject(subject),
		Lines:   []string{"You can close this page."},
	}
}

func invalidPage() page {
	return page{
		Status:  400,
		Title:   "Link not valid",
		Heading: "This link doesn't work",
		Lines: []string{
			"It may have been cut short or changed on its way here, for example when the digest was forwarded or the link copied by hand. Nothing was changed.",
			"Open the link again from the digest itself, or flag the thread from your mail client or with listdigest flag.",
		},
	}
}

func expiredPage(a Action) page {
	what := "Flag the thread from your mail client or with listdigest flag."
	if a != ActionFlag {
		what = "Use the link in a newer digest, or flag and unflag the thread from your mail client."
	}
	return page{
		Status:  410,
		Title:   "Link expired",
		Heading: "This link has expired",
		Lines: []string{
			fmt.Sprintf("Digest links last %s, so nothing was changed.", formatSpan(Lifetime)),
			what,
		},
	}
}

func internalErrorPage() page {
	return page{
		Status:  500,
		Title:   "Something went wrong",
		Heading: "Something went wrong",
		Lines:   []string{"listdigest could not do this just now. Please try the link again in a few minutes."},
	}
}

func notFoundPage() page {
	return page{
		Status:  404,
		Title:   "Not found",
		Heading: "There is nothing here",
		Lines:   []string{"Digest links start with /l/. Open the whole link from your digest."},
	}
}

// snoozeUntil is when a snooze pressed now ends. The store computes its own end from its
// clock; they differ by the seconds between the two calls, which the page's day ignores.
func snoozeUntil(c Claims, now time.Time) time.Time {
	return now.Add(c.Snooze)
}

// formatDay renders a day in the server's time zone (the school's; set TZ for the daemon),
// since the handler does not know each recipient's zone.
func formatDay(t time.Time) string {
	return t.In(time.Local).Format("Mon 2 Jan")
}

// formatSpan says a duration the way a reader would: "3 days", "12 hours", "90 minutes".
func formatSpan(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d >= day && d%day == 0:
		return plural(int(d/day), "day")
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return plural(int(d/time.Minute), "minute")
	}
	return d.String()
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// maxSubjectRunes caps a subject on the page; mail subjects can be arbitrarily long.
const maxSubjectRunes = 200

// cleanSubject makes mail-derived text safe to show as one line: html/template escapes it
// and <bdi> isolates its direction, but control characters and explicit bidi overrides
// would still garble the page, so they go, and whitespace folds to single spaces.
func cleanSubject(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > maxSubjectRunes {
		s = strings.TrimSpace(string(r[:maxSubjectRunes-1])) + "…"
	}
	return s
}
