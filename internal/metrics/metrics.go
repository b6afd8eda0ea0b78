package metrics

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// ContentType is what Prometheus expects for the text format, version 0.0.4.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// DurationBuckets suit IMAP syncs and SMTP sends: from a quick no-op round
// trip (50 ms) to a first full sync of a large mailbox (10 min).
var DurationBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600}

const (
	typeCounter   = "counter"
	typeGauge     = "gauge"
	typeHistogram = "histogram"
)

var (
	metricNameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelNameRE  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

// Registry holds metric families and renders them for a scrape.
type Registry struct {
	mu       sync.Mutex
	families map[string]*family
}

// NewRegistry returns an empty registry; there is deliberately no global
// default, so tests can build their own without cross-talk.
func NewRegistry() *Registry {
	return &Registry{families: make(map[string]*family)}
}

type family struct {
	name, help, typ string
	labels          []string
	buckets         []float64      // histograms: upper bounds, +Inf implied
	fn              func() float64 // GaugeFunc only; has no series

	// One lock per family rather than per series: contention is negligible at
	// our rates and it keeps series creation and update in one place.
	mu     sync.Mutex
	series map[string]*series
}

type series struct {
	values []string
	val    float64  // counter or gauge value; histogram sum
	counts []uint64 // histogram: per-bucket counts, not cumulative; last is +Inf
}

// Counter is a monotonically increasing value per label set.
type Counter struct{ f *family }

// Gauge is a value per label set that may go up and down.
type Gauge struct{ f *family }

// Histogram counts observations into fixed buckets per label set.
type Histogram struct{ f *family }

// Counter registers a counter family. Its name must end in _total, as the
// Prometheus naming conventions require and as queries using rate() assume.
func (r *Registry) Counter(name, help string, labels ...string) *Counter {
	if !strings.HasSuffix(name, "_total") {
		panic(fmt.Sprintf("metrics: counter %q must end in _total", name))
	}
	return &Counter{r.register(&family{name: name, help: help, typ: typeCounter, labels: labels})}
}

// Gauge registers a gauge family.
func (r *Registry) Gauge(name, help string, labels ...string) *Gauge {
	return &Gauge{r.register(&family{name: name, help: help, typ: typeGauge, labels: labels})}
}

// Histogram registers a histogram family. buckets must be strictly
// increasing; a trailing +Inf is optional since it is always emitted.
func (r *Registry) Histogram(name, help string, buckets []float64, labels ...string) *Histogram {
	b := slices.Clone(buckets)
	if n := len(b); n > 0 && math.IsInf(b[n-1], 1) {
		b = b[:n-1]
	}
	for i, v := range b {
		if math.IsNaN(v) || (i > 0 && v <= b[i-1]) {
			panic(fmt.Sprintf("metrics: histogram %q: buckets must be strictly increasing, got %v", name, buckets))
		}
	}
	if slices.Contains(labels, "le") {
		panic(fmt.Sprintf("metrics: histogram %q: label name \"le\" is reserved", name))
	}
	return &Histogram{r.register(&family{name: name, help: help, typ: typeHistogram, labels: labels, buckets: b})}
}

// GaugeFunc registers a gauge read at scrape time, for values that live
// elsewhere (a row count, the age of the last sync). fn is called once per
// scrape without any registry lock held, so a slow fn (a DB query) never
// blocks recording; overlapping scrapes may call it concurrently, so it must
// be safe for that.
func (r *Registry) GaugeFunc(name, help string, fn func() float64) {
	if fn == nil {
		panic(fmt.Sprintf("metrics: gauge func %q: nil function", name))
	}
	r.register(&family{name: name, help: help, typ: typeGauge, fn: fn})
}

func (r *Registry) register(f *family) *family {
	if !metricNameRE.MatchString(f.name) {
		panic(fmt.Sprintf("metrics: invalid metric name %q", f.name))
	}
	for i, l := range f.labels {
		// Names starting with __ are reserved for Prometheus itself.
		if !labelNameRE.MatchString(l) || strings.HasPrefix(l, "__") {
			panic(fmt.Sprintf("metrics: %s: invalid label name %q", f.name, l))
		}
		if slices.Contains(f.labels[:i], l) {
			panic(fmt.Sprintf("metrics: %s: duplicate label name %q", f.name, l))
		}
	}
	f.labels = slices.Clone(f.labels)
	f.series = make(map[string]*series)
	if len(f.labels) == 0 && f.fn == nil {
		// An unlabelled metric has exactly one series; showing it as 0 from the
		// start lets rate() and absent() behave before the first event.
		f.get(nil)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.families[f.name]; dup {
		panic(fmt.Sprintf("metrics: %q registered twice", f.name))
	}
	r.families[f.name] = f
	return f
}

// get returns the series for values, creating it; f.mu must be held or the
// family not yet shared.
func (f *family) get(values []string) *series {
	// Length-prefixed so that no two different value lists share a key.
	var k []byte
	for _, v := range values {
		k = strconv.AppendInt(k, int64(len(v)), 10)
		k = append(k, ':')
		k = append(k, v...)
	}
	s := f.series[string(k)]
	if s == nil {
		s = &series{values: slices.Clone(values)}
		if f.typ == typeHistogram {
			s.counts = make([]uint64, len(f.buckets)+1)
		}
		f.series[string(k)] = s
	}
	return s
}

func (f *family) update(values []string, fn func(*series)) {
	if len(values) != len(f.labels) {
		panic(fmt.Sprintf("metrics: %s: got %d label values, want %d %q", f.name, len(values), len(f.labels), f.labels))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f.get(values))
}

// Inc adds 1.
func (c *Counter) Inc(labelValues ...string) { c.Add(1, labelValues...) }

// Add adds v, which must not be negative (or NaN): a counter that goes down
// reads as a restart to rate() and produces nonsense.
func (c *Counter) Add(v float64, labelValues ...string) {
	if !(v >= 0) {
		panic(fmt.Sprintf("metrics: %s: counter cannot add %v", c.f.name, v))
	}
	c.f.update(labelValues, func(s *series) { s.val += v })
}

// Set sets the gauge to v.
func (g *Gauge) Set(v float64, labelValues ...string) {
	g.f.update(labelValues, func(s *series) { s.val = v })
}

// Add adds v (which may be negative) to the gauge.
func (g *Gauge) Add(v float64, labelValues ...string) {
	g.f.update(labelValues, func(s *series) { s.val += v })
}

// Observe records v; bucket bounds are inclusive, as "le" says.
func (h *Histogram) Observe(v float64, labelValues ...string) {
	i := sort.SearchFloat64s(h.f.buckets, v) // NaN lands in +Inf, like client_golang
	h.f.update(labelValues, func(s *series) {
		s.counts[i]++
		s.val += v
	})
}

// WriteTo writes every family in the text exposition format, families sorted
// by name and series by label values so that output is stable and diffable.
// It renders into memory first so a failing writer never sees half a family.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	r.render(&b)
	return b.WriteTo(w)
}

func (r *Registry) render(b *bytes.Buffer) {
	r.mu.Lock()
	fams := slices.SortedFunc(maps.Values(r.families), func(x, y *family) int { return strings.Compare(x.name, y.name) })
	r.mu.Unlock()
	for _, f := range fams {
		f.write(b)
	}
}

func (f *family) write(b *bytes.Buffer) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", f.name, helpEscaper.Replace(f.help), f.name, f.typ)
	if f.fn != nil {
		writeSample(b, f.name, nil, nil, f.fn())
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ss := slices.SortedFunc(maps.Values(f.series), func(x, y *series) int { return slices.Compare(x.values, y.values) })
	leNames := append(slices.Clip(f.labels), "le")
	for _, s := range ss {
		if f.typ != typeHistogram {
			writeSample(b, f.name, f.labels, s.values, s.val)
			continue
		}
		var cum uint64
		for i, c := range s.counts {
			cum += c
			le := "+Inf"
			if i < len(f.buckets) {
				le = formatFloat(f.buckets[i])
			}
			writeSample(b, f.name+"_bucket", leNames, append(slices.Clip(s.values), le), float64(cum))
		}
		writeSample(b, f.name+"_sum", f.labels, s.values, s.val)
		writeSample(b, f.name+"_count", f.labels, s.values, float64(cum))
	}
}

func writeSample(b *bytes.Buffer, name string, labels, values []string, v float64) {
	b.WriteString(name)
	if len(labels) > 0 {
		b.WriteByte('{')
		for i, l := range labels {
			if i > 0 {
				b.WriteByte(',')
			}
			// The format requires UTF-8; a stray byte from a mail header must
			// not make Prometheus reject the whole scrape.
			fmt.Fprintf(b, `%s="%s"`, l, labelEscaper.Replace(strings.ToValidUTF8(values[i], "\uFFFD")))
		}
		b.WriteByte('}')
	}
	b.WriteByte(' ')
	b.WriteString(formatFloat(v))
	b.WriteByte('\n')
}

// formatFloat spells values the way Prometheus clients do, except that exact
// integers never get an exponent: counters read better as 1000000 than 1e+06.
func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	case v == math.Trunc(v) && math.Abs(v) < 1<<53:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// Handler serves the registry for Prometheus to scrape.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		var b bytes.Buffer
		r.render(&b)
		w.Header().Set("Content-Type", ContentType)
		w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
		if req.Method == http.MethodGet {
			w.Write(b.Bytes())
		}
	})
}
