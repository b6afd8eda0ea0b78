package metrics

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func render(t *testing.T, r *Registry) string {
	t.Helper()
	var b bytes.Buffer
	n, err := r.WriteTo(&b)
	if err != nil || n != int64(b.Len()) {
		t.Fatalf("WriteTo = %d, %v; buffer has %d bytes", n, err, b.Len())
	}
	return b.String()
}

func TestExposition(t *testing.T) {
	tests := []struct {
		name  string
		build func(r *Registry)
		want  string
	}{
		{"empty registry", func(r *Registry) {}, ""},
		{
			"counter gauge histogram gaugefunc",
			func(r *Registry) {
				c := r.Counter("mail_synced_total", "Messages fetched.", "account", "folder")
				c.Inc("b", "Lists")
				c.Inc("a", "INBOX")
				c.Add(2, "a", "INBOX")
				r.Counter("errors_total", "Errors.")
				r.Gauge("queue_depth", "Queued digests.").Set(3.5)
				r.Gauge("last_sync_timestamp_seconds", "Last sync.", "account")
				h := r.Histogram("sync_duration_seconds", "Sync time.", []float64{0.5, 1, math.Inf(1)}, "account")
				h.Observe(0.5, "a") // bounds are inclusive
				h.Observe(0.75, "a")
				h.Observe(2, "a")
				h.Observe(0.25, "B") // upper case sorts first
				r.GaugeFunc("stored_messages", "Messages stored.", func() float64 { return 1234567 })
			},
			`# HELP errors_total Errors.
# TYPE errors_total counter
errors_total 0
# HELP last_sync_timestamp_seconds Last sync.
# TYPE last_sync_timestamp_seconds gauge
# HELP mail_synced_total Messages fetched.
# TYPE mail_synced_total counter
mail_synced_total{account="a",folder="INBOX"} 3
mail_synced_total{account="b",folder="Lists"} 1
# HELP queue_depth Queued digests.
# TYPE queue_depth gauge
queue_depth 3.5
# HELP stored_messages Messages stored.
# TYPE stored_messages gauge
stored_messages 1234567
# HELP sync_duration_seconds Sync time.
# TYPE sync_duration_seconds histogram
sync_duration_seconds_bucket{account="B",le="0.5"} 1
sync_duration_seconds_bucket{account="B",le="1"} 1
sync_duration_seconds_bucket{account="B",le="+Inf"} 1
sync_duration_seconds_sum{account="B"} 0.25
sync_duration_seconds_count{account="B"} 1
sync_duration_seconds_bucket{account="a",le="0.5"} 1
sync_duration_seconds_bucket{account="a",le="1"} 2
sync_duration_seconds_bucket{account="a",le="+Inf"} 3
sync_duration_seconds_sum{account="a"} 3.25
sync_duration_seconds_count{account="a"} 3
`,
		},
		{
			"unlabelled histogram starts at zero, gauge add",
			func(r *Registry) {
				r.Histogram("send_seconds", "Send time.", []float64{0.1})
				g := r.Gauge("inflight", "In flight.")
				g.Add(2)
				g.Add(-0.5)
			},
			`# HELP inflight In flight.
# TYPE inflight gauge
inflight 1.5
# HELP send_seconds Send time.
# TYPE send_seconds histogram
send_seconds_bucket{le="0.1"} 0
send_seconds_bucket{le="+Inf"} 0
send_seconds_sum 0
send_seconds_count 0
`,
		},
		{
			"special values",
			func(r *Registry) {
				g := r.Gauge("g", "G.", "k")
				g.Set(math.Inf(1), "inf")
				g.Set(math.Inf(-1), "minf")
				g.Set(math.NaN(), "nan")
				g.Set(1e6, "million")
				h := r.Histogram("h", "H.", nil)
				h.Observe(math.NaN())
			},
			`# HELP g G.
# TYPE g gauge
g{k="inf"} +Inf
g{k="million"} 1000000
g{k="minf"} -Inf
g{k="nan"} NaN
# HELP h H.
# TYPE h histogram
h_bucket{le="+Inf"} 1
h_sum NaN
h_count 1
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRegistry()
			tt.build(r)
			if got := render(t, r); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestFormatFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{1, "1"},
		{-42, "-42"},
		{1e6, "1000000"},
		{1 << 52, "4503599627370496"},
		{1 << 53, "9.007199254740992e+15"},
		{0.05, "0.05"},
		{2.5, "2.5"},
		{1e-7, "1e-07"},
		{math.Inf(1), "+Inf"},
		{math.Inf(-1), "-Inf"},
		{math.NaN(), "NaN"},
	}
	for _, tt := range tests {
		if got := formatFloat(tt.in); got != tt.want {
			t.Errorf("formatFloat(%v) = %q, want %q", tt.in, got, tt.want)
		}
		if v, err := strconv.ParseFloat(tt.want, 64); err != nil || (v != tt.in && !math.IsNaN(tt.in)) {
			t.Errorf("%q does not parse back to %v: %v, %v", tt.want, tt.in, v, err)
		}
	}
}

func TestEscaping(t *testing.T) {
	tests := []struct {
		name, help, value  string
		wantHelp, wantLine string
	}{
		{"plain", "Plain help.", "x", "# HELP m Plain help.", `m{l="x"} 1`},
		{"backslash", `a\b`, `c\d`, `# HELP m a\\b`, `m{l="c\\d"} 1`},
		{"newline", "two\nlines", "x\ny", `# HELP m two\nlines`, `m{l="x\ny"} 1`},
		{"quote", `say "hi"`, `"q"`, `# HELP m say "hi"`, `m{l="\"q\""} 1`},
		{"all", "\\\n\"", "\\\n\"", `# HELP m \\\n"`, `m{l="\\\n\""} 1`},
		{"invalid utf-8", "h", "a\xffb", "# HELP m h", `m{l="a` + "\uFFFD" + `b"} 1`},
		{"unicode", "über", "日本", "# HELP m über", `m{l="日本"} 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRegistry()
			r.Gauge("m", tt.help, "l").Set(1, tt.value)
			lines := strings.Split(render(t, r), "\n")
			if len(lines) != 4 || lines[0] != tt.wantHelp || lines[2] != tt.wantLine {
				t.Errorf("got %q, want HELP %q and sample %q", lines, tt.wantHelp, tt.wantLine)
			}
		})
	}
}

func TestPanics(t *testing.T) {
	tests := []struct {
		name      string
		do        func(r *Registry)
		wantPanic bool
	}{
		{"counter without _total", func(r *Registry) { r.Counter("requests", "h") }, true},
		{"counter with _total", func(r *Registry) { r.Counter("requests_total", "h") }, false},
		{"empty name", func(r *Registry) { r.Gauge("", "h") }, true},
		{"name starts with digit", func(r *Registry) { r.Gauge("1abc", "h") }, true},
		{"name with dash", func(r *Registry) { r.Gauge("foo-bar", "h") }, true},
		{"name with space", func(r *Registry) { r.GaugeFunc("foo bar", "h", func() float64 { return 0 }) }, true},
		{"name with colon", func(r *Registry) { r.Gauge("job:foo:rate", "h") }, false},
		{"label with dash", func(r *Registry) { r.Gauge("g", "h", "a-b") }, true},
		{"label starting with digit", func(r *Registry) { r.Gauge("g", "h", "9a") }, true},
		{"label with colon", func(r *Registry) { r.Gauge("g", "h", "a:b") }, true},
		{"reserved label", func(r *Registry) { r.Gauge("g", "h", "__name__") }, true},
		{"duplicate label", func(r *Registry) { r.Gauge("g", "h", "a", "b", "a") }, true},
		{"histogram le label", func(r *Registry) { r.Histogram("h", "h", DurationBuckets, "le") }, true},
		{"le label on a gauge", func(r *Registry) { r.Gauge("g", "h", "le") }, false},
		{"buckets not increasing", func(r *Registry) { r.Histogram("h", "h", []float64{1, 1}) }, true},
		{"buckets decreasing", func(r *Registry) { r.Histogram("h", "h", []float64{2, 1}) }, true},
		{"NaN bucket", func(r *Registry) { r.Histogram("h", "h", []float64{math.NaN()}) }, true},
		{"nil gauge func", func(r *Registry) { r.GaugeFunc("g", "h", nil) }, true},
		{"duplicate counter", func(r *Registry) { r.Counter("c_total", "h"); r.Counter("c_total", "h") }, true},
		{"duplicate across types", func(r *Registry) { r.Gauge("x", "h"); r.Histogram("x", "h", nil) }, true},
		{"duplicate gauge func", func(r *Registry) {
			r.Gauge("x", "h", "l")
			r.GaugeFunc("x", "h", func() float64 { return 0 })
		}, true},
		{"duplicate process", func(r *Registry) { r.RegisterProcess(); r.RegisterProcess() }, true},
		{"too few label values", func(r *Registry) { r.Counter("c_total", "h", "a", "b").Inc("x") }, true},
		{"too many label values", func(r *Registry) { r.Counter("c_total", "h", "a").Inc("x", "y") }, true},
		{"label values on unlabelled", func(r *Registry) { r.Gauge("g", "h").Set(1, "x") }, true},
		{"gauge add mismatch", func(r *Registry) { r.Gauge("g", "h", "a").Add(1) }, true},
		{"histogram mismatch", func(r *Registry) { r.Histogram("h", "h", nil, "a").Observe(1) }, true},
		{"right label count", func(r *Registry) { r.Counter("c_total", "h", "a", "b").Inc("x", "") }, false},
		{"negative counter add", func(r *Registry) { r.Counter("c_total", "h").Add(-1) }, true},
		{"NaN counter add", func(r *Registry) { r.Counter("c_total", "h").Add(math.NaN()) }, true},
		{"zero counter add", func(r *Registry) { r.Counter("c_total", "h").Add(0) }, false},
		{"negative gauge add", func(r *Registry) { r.Gauge("g", "h").Add(-1) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if p := recover(); (p != nil) != tt.wantPanic {
					t.Errorf("panic = %v, want panic %v", p, tt.wantPanic)
				}
			}()
			tt.do(NewRegistry())
		})
	}
}

func TestConcurrentRecording(t *testing.T) {
	r := NewRegistry()
	c := r.Counter("events_total", "h", "kind")
	g := r.Gauge("level", "h")
	h := r.Histogram("latency_seconds", "h", DurationBuckets)
	const workers, each = 64, 500
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			kind := []string{"odd", "even"}[w%2]
			for i := range each {
				c.Inc(kind)
				g.Add(1)
				h.Observe(float64(i % 3))
			}
		})
	}
	done := make(chan struct{})
	go func() { // scrapes race with recording
		defer close(done)
		for range 20 {
			render(t, r)
		}
	}()
	wg.Wait()
	<-done

	// Observations cycle 0, 1, 2: count what should land at or below 1.
	var le1, sum float64
	for i := range each {
		if i%3 <= 1 {
			le1++
		}
		sum += float64(i % 3)
	}
	got := samples(t, render(t, r))
	want := map[string]float64{
		`events_total{kind="even"}`:         workers / 2 * each,
		`events_total{kind="odd"}`:          workers / 2 * each,
		`level`:                             workers * each,
		`latency_seconds_bucket{le="0.05"}`: workers * ((each + 2) / 3), // zeros
		`latency_seconds_bucket{le="1"}`:    workers * le1,
		`latency_seconds_bucket{le="+Inf"}`: workers * each,
		`latency_seconds_sum`:               workers * sum,
		`latency_seconds_count`:             workers * each,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

func TestHandler(t *testing.T) {
	r := NewRegistry()
	r.Counter("hits_total", "Hits.").Inc()
	tests := []struct {
		method     string
		wantStatus int
		wantBody   bool
	}{
		{http.MethodGet, http.StatusOK, true},
		{http.MethodHead, http.StatusOK, false},
		{http.MethodPost, http.StatusMethodNotAllowed, false},
		{http.MethodPut, http.StatusMethodNotAllowed, false},
		{http.MethodDelete, http.StatusMethodNotAllowed, false},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			rec := httptest.NewRecorder()
			r.Handler().ServeHTTP(rec, httptest.NewRequest(tt.method, "/metrics", nil))
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			if tt.wantStatus == http.StatusMethodNotAllowed {
				if a := rec.Header().Get("Allow"); a != "GET, HEAD" {
					t.Errorf("Allow = %q", a)
				}
				return
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			body := rec.Body.String()
			if want := render(t, r); tt.wantBody && body != want {
				t.Errorf("body %q, want %q", body, want)
			}
			if !tt.wantBody && body != "" {
				t.Errorf("HEAD body %q", body)
			}
			if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(len(render(t, r))) {
				t.Errorf("Content-Length = %q", cl)
			}
		})
	}
}

func TestGaugeFuncCalledOncePerScrapeWithoutLocks(t *testing.T) {
	r := NewRegistry()
	c := r.Counter("scrapes_total", "h")
	calls := 0
	// Recording from inside fn deadlocks if any registry lock were held.
	r.GaugeFunc("calls", "h", func() float64 { calls++; c.Inc(); return float64(calls) })
	for i := 1; i <= 3; i++ {
		done := make(chan string)
		go func() { done <- render(t, r) }()
		select {
		case out := <-done:
			if !strings.Contains(out, "calls "+strconv.Itoa(i)+"\n") || calls != i {
				t.Fatalf("scrape %d: calls=%d, output:\n%s", i, calls, out)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("WriteTo deadlocked calling the gauge func")
		}
	}
}

func TestRegisterProcess(t *testing.T) {
	r := NewRegistry()
	r.RegisterProcess()
	got := samples(t, render(t, r))
	want := []string{"process_start_time_seconds", "go_goroutines", "go_memstats_heap_alloc_bytes",
		`go_info{version="` + runtime.Version() + `"}`}
	if runtime.GOOS == "linux" {
		want = append(want, "process_resident_memory_bytes", "process_open_fds")
	}
	for _, k := range want {
		if v, ok := got[k]; !ok || !(v > 0) {
			t.Errorf("%s = %v (present %v), want > 0", k, v, ok)
		}
	}
	if st := got["process_start_time_seconds"]; st > float64(time.Now().Unix()+1) || st < float64(time.Now().Add(-time.Hour).Unix()) {
		t.Errorf("process_start_time_seconds = %v, not within the last hour", st)
	}
	if got[`go_info{version="`+runtime.Version()+`"}`] != 1 {
		t.Errorf("go_info value %v, want 1", got[`go_info{version="`+runtime.Version()+`"}`])
	}
}

// TestParseRoundTrip reads the output back with an independent parser and
// checks syntax, HELP/TYPE placement, ordering and that values survive.
func TestParseRoundTrip(t *testing.T) {
	tricky := []string{"plain", `back\slash`, `"quoted"`, "new\nline", "", "comma,brace}=x", "日本"}
	tests := []struct {
		name  string
		build func(r *Registry)
		want  map[string]float64
	}{
		{"tricky label values", func(r *Registry) {
			c := r.Counter("msgs_total", "Messages\\with \"odd\"\nhelp.", "list", "n")
			for i, v := range tricky {
				c.Add(float64(i+1), v, strconv.Itoa(i))
			}
		}, func() map[string]float64 {
			m := map[string]float64{}
			for i, v := range tricky {
				m[fmt.Sprintf("msgs_total{list=%q,n=%q}", v, strconv.Itoa(i))] = float64(i + 1)
			}
			return m
		}()},
		{"every kind plus process", func(r *Registry) {
			r.RegisterProcess()
			r.Gauge("age_seconds", "h", "account").Set(0.125, "x")
			r.Gauge("unused", "h", "account")
			r.Histogram("sync_seconds", "h", DurationBuckets, "account").Observe(601, "x")
			r.GaugeFunc("stored", "h", func() float64 { return 7 })
		}, map[string]float64{
			`age_seconds{account="x"}`:                   0.125,
			`sync_seconds_bucket{account="x",le="600"}`:  0,
			`sync_seconds_bucket{account="x",le="+Inf"}`: 1,
			`sync_seconds_sum{account="x"}`:              601,
			`stored`:                                     7,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRegistry()
			tt.build(r)
			got := samples(t, render(t, r))
			for k, v := range tt.want {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s = %v (present %v), want %v; all: %v", k, g, ok, v, got)
				}
			}
		})
	}
}

// samples parses exposition text strictly, failing t on any deviation, and
// returns values keyed by name{label="value",...} with Go-quoted values.
func samples(t *testing.T, text string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	var fam, typ, prevFam string
	helped := false
	if text != "" && !strings.HasSuffix(text, "\n") {
		t.Fatalf("output does not end in a newline")
	}
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		fail := func(format string, a ...any) {
			t.Helper()
			t.Fatalf("line %d %q: %s", i+1, line, fmt.Sprintf(format, a...))
		}
		if rest, ok := strings.CutPrefix(line, "# HELP "); ok {
			name, _, _ := strings.Cut(rest, " ")
			if !metricNameRE.MatchString(name) || name <= prevFam {
				fail("bad or unsorted family name (previous %q)", prevFam)
			}
			fam, typ, prevFam, helped = name, "", name, true
			continue
		}
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, ty, _ := strings.Cut(rest, " ")
			if !helped || name != fam || typ != "" || !slices.Contains([]string{"counter", "gauge", "histogram"}, ty) {
				fail("TYPE not right after its HELP (family %q)", fam)
			}
			typ = ty
			continue
		}
		name, labels, value := parseSample(line)
		if name == "" {
			fail("not a sample line")
		}
		base := name
		if typ == "histogram" {
			for _, suf := range []string{"_bucket", "_sum", "_count"} {
				if b, ok := strings.CutSuffix(name, suf); ok {
					base = b
					break
				}
			}
		}
		if typ == "" || base != fam {
			fail("sample outside its family's HELP/TYPE block (current %q)", fam)
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			fail("bad value: %v", err)
		}
		key := name
		if len(labels) > 0 {
			var parts []string
			for j := 0; j < len(labels); j += 2 {
				parts = append(parts, fmt.Sprintf("%s=%q", labels[j], labels[j+1]))
			}
			key += "{" + strings.Join(parts, ",") + "}"
		}
		if _, dup := out[key]; dup {
			fail("duplicate series")
		}
		out[key] = v
	}
	return out
}

// parseSample splits `name{l="v",...} value`, unescaping values; it returns
// an empty name if the line does not have exactly that syntax.
func parseSample(line string) (name string, labels []string, value string) {
	i := 0
	for i < len(line) && line[i] != '{' && line[i] != ' ' {
		i++
	}
	name = line[:i]
	if !metricNameRE.MatchString(name) || i == len(line) {
		return "", nil, ""
	}
	if line[i] == '{' {
		i++
		for {
			j := strings.Index(line[i:], `="`)
			if j < 0 || !labelNameRE.MatchString(line[i:i+j]) {
				return "", nil, ""
			}
			lname := line[i : i+j]
			i += j + 2
			var v strings.Builder
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\n' {
					return "", nil, ""
				}
				if line[i] == '\\' {
					i++
					if i == len(line) {
						return "", nil, ""
					}
					switch line[i] {
					case '\\', '"':
						v.WriteByte(line[i])
					case 'n':
						v.WriteByte('\n')
					default:
						return "", nil, ""
					}
					continue
				}
				v.WriteByte(line[i])
			}
			if i == len(line) {
				return "", nil, ""
			}
			labels = append(labels, lname, v.String())
			i++ // closing quote
			if i < len(line) && line[i] == ',' {
				i++
				continue
			}
			if i < len(line) && line[i] == '}' {
				i++
				break
			}
			return "", nil, ""
		}
	}
	if i >= len(line) || line[i] != ' ' || strings.ContainsAny(line[i+1:], " \t") || i+1 == len(line) {
		return "", nil, ""
	}
	return name, labels, line[i+1:]
}
