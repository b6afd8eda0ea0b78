package categorize

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// ErrUnknownCategory is wrapped by New when a correction names a category the taxonomy
// does not have (for example one removed from the configuration since); callers may drop
// such corrections with a warning rather than refuse to start.
var ErrUnknownCategory = errors.New("category is not in the taxonomy")

// The layers, as named in Result.Layer.
const (
	LayerHeader     = "header"
	LayerKeyword    = "keyword"
	LayerRule       = "rule"
	LayerClassifier = "classifier"
)

// layers selects which layers run; production runs all, the evaluation switches some off
// to measure the classifier alone.
type layers uint8

const (
	useHeader layers = 1 << iota
	useKeyword
	useRule
	useClassifier
	allLayers = useHeader | useKeyword | useRule | useClassifier
)

// Categorizer assigns categories. Its decisions never change after New, and it is safe
// for concurrent use; build a new one when the taxonomy, rules or corrections change.
type Categorizer struct {
	tax      Taxonomy
	keywords map[string][]bool // keyword → which categories (by taxonomy index) hold it
	rules    []Rule
	model    *model
	docs     sync.Pool // *document, reused so that categorising allocates little
}

// New checks the taxonomy, rules and corrections and trains the classifier on the seed
// set plus the corrections, each correction counting as correctionWeight seed examples.
// Training takes milliseconds, so callers retrain on every correction. Errors name the
// category slug, the rule's key or the correction's index.
func New(t Taxonomy, rules []Rule, corrections []Example) (*Categorizer, error) {
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("taxonomy: %w", err)
	}
	for _, r := range rules {
		if err := r.check(t); err != nil {
			return nil, err
		}
		if r.Pattern == nil {
			return nil, &RuleError{Key: r.Key, Problem: "pattern is not compiled; use CompileRule"}
		}
	}
	for i, ex := range corrections {
		if _, ok := t.Category(ex.Category); !ok {
			return nil, fmt.Errorf("corrections[%d]: category %q: %w", i, ex.Category, ErrUnknownCategory)
		}
	}
	c := &Categorizer{
		tax:      Taxonomy{Categories: make([]Category, len(t.Categories))},
		keywords: make(map[string][]bool),
		rules:    append([]Rule(nil), rules...),
	}
	for i, cat := range t.Categories {
		c.tax.Categories[i] = cat.clone()
		for _, kw := range cat.Keywords {
			if c.keywords[kw] == nil {
				c.keywords[kw] = make([]bool, len(t.Categories))
			}
			c.keywords[kw][i] = true
		}
	}
	c.model = c.train(SeedExamples(), corrections)
	return c, nil
}

// train builds the classifier. Seed examples of categories missing from the taxonomy
// cannot occur (categories are never removed), but are skipped rather than trusted.
func (c *Categorizer) train(seed, corrections []Example) *model {
	return c.trainWith(seed, corrections, defaultParams)
}

func (c *Categorizer) trainWith(seed, corrections []Example, p params) *model {
	tr := newTrainer(len(c.tax.Categories), p)
	var d document
	add := func(ex Example, weight float64) {
		if i := c.tax.index(ex.Category); i >= 0 {
			d.reset(c.subject(ex.Subject).Rest, ex.Text, bodyWords)
			tr.add(i, &d, weight)
		}
	}
	for _, ex := range seed {
		add(ex, 1)
	}
	for _, ex := range corrections {
		add(ex, correctionWeight)
	}
	return tr.build()
}

// Taxonomy returns the taxonomy the categorizer was built with.
func (c *Categorizer) Taxonomy() Taxonomy {
	t := Taxonomy{Categories: make([]Category, len(c.tax.Categories))}
	for i, cat := range c.tax.Categories {
		t.Categories[i] = cat.clone()
	}
	return t
}

// Categorize decides the category of the thread that in opens. The layers run in order
// (header, keyword, rule, classifier) and the first that decides wins; Result says which
// and why. The same input always gives the same Result.
func (c *Categorizer) Categorize(in Input) Result {
	return c.categorize(in, allLayers)
}

func (c *Categorizer) categorize(in Input, use layers) Result {
	subject := c.subject(in.Subject)
	d := c.document(subject, in.Text, bodyWords)
	defer c.docs.Put(d)
	if use&useHeader != 0 {
		if reason := headerNoise(in, subject, d.body); reason != "" {
			return Result{Category: Noise, Layer: LayerHeader, Reason: reason, Confidence: 1}
		}
	}
	if use&useKeyword != 0 && subject.Keyword != "" {
		return c.byKeyword(subject, d)
	}
	if use&useRule != 0 {
		if r, ok := c.byRule(in); ok {
			return r
		}
	}
	return c.byClassifier(d, nil)
}

// document tokenises a message once for every layer; return it to c.docs when done.
func (c *Categorizer) document(subject subjectParts, text string, bodyRuns int) *document {
	d, _ := c.docs.Get().(*document)
	if d == nil {
		d = new(document)
	}
	d.reset(subject.Rest, text, bodyRuns)
	return d
}

// Noise reports whether any message, a reply as much as an opening post, is to be kept
// out of digests, and why. It consults the deterministic layers only (header, keyword,
// rule): the classifier is trained on opening posts and would misjudge a two-line reply.
// A keyword or rule decides noise when the category it gives is not a digest category.
func (c *Categorizer) Noise(in Input) (bool, string) {
	subject := c.subject(in.Subject)
	d := c.document(subject, in.Text, headWords) // the header layer reads no further
	defer c.docs.Put(d)
	if reason := headerNoise(in, subject, d.body); reason != "" {
		return true, reason
	}
	if subject.Keyword != "" {
		for i, holds := range c.keywords[subject.Keyword] {
			if holds && c.tax.Categories[i].Digest {
				return false, ""
			}
		}
		return true, fmt.Sprintf("subject keyword %q files it under a category kept out of digests", subject.Keyword)
	}
	if r, ok := c.byRule(in); ok {
		if cat, _ := c.tax.Category(r.Category); !cat.Digest {
			return true, r.Reason
		}
	}
	return false, ""
}

// subject parses a subject against this taxonomy's keywords.
func (c *Categorizer) subject(s string) subjectParts {
	return parseSubject(s, func(kw string) bool { return c.keywords[kw] != nil })
}

// byKeyword decides by the subject keyword. A keyword held by one category decides it; a
// keyword held by several (TARGET: book, video or help request) lets the classifier choose
// among them.
func (c *Categorizer) byKeyword(subject subjectParts, d *document) Result {
	holders := c.keywords[subject.Keyword]
	var only []int
	for i, holds := range holders {
		if holds {
			only = append(only, i)
		}
	}
	if len(only) == 1 {
		return Result{
			Category:   c.tax.Categories[only[0]].Slug,
			Layer:      LayerKeyword,
			Reason:     fmt.Sprintf("subject keyword %q", subject.Keyword),
			Confidence: 1,
		}
	}
	r := c.byClassifier(d, holders)
	r.Layer = LayerKeyword
	r.Reason = fmt.Sprintf("subject keyword %q (one of %s); %s", subject.Keyword, c.slugList(only), r.Reason)
	return r
}

// byRule returns the decision of the first matching rule.
func (c *Categorizer) byRule(in Input) (Result, bool) {
	for _, r := range c.rules {
		if m, ok := r.match(in); ok {
			return Result{
				Category:   r.Category,
				Layer:      LayerRule,
				Reason:     fmt.Sprintf("rule %s: %s matches %q", r.Key, r.Field, m),
				Confidence: 1,
			}, true
		}
	}
	return Result{}, false
}

// byClassifier asks the naive Bayes model, among the allowed categories (nil: all).
func (c *Categorizer) byClassifier(d *document, allowed []bool) Result {
	p := c.model.predict(d, allowed)
	if p.best < 0 {
		// Only custom categories without examples were allowed: take the first.
		for i, ok := range allowed {
			if ok {
				return Result{Category: c.tax.Categories[i].Slug, Layer: LayerClassifier,
					Reason: "no training examples for these categories; chose the first", Confidence: 0}
			}
		}
		return Result{Category: Noise, Layer: LayerClassifier, Reason: "no category can be chosen"}
	}
	r := Result{
		Category:   c.tax.Categories[p.best].Slug,
		Layer:      LayerClassifier,
		Words:      p.words,
		Confidence: p.confidence,
	}
	switch {
	case p.runner < 0:
		r.Reason = "the only category with training examples"
	case p.known == 0:
		r.Reason = "no words the classifier knows; chose the most common category"
	default:
		r.Reason = describe(p.words, r.Category, c.tax.Categories[p.runner].Slug)
	}
	return r
}

func (c *Categorizer) slugList(idx []int) string {
	s := make([]string, len(idx))
	for i, j := range idx {
		s[i] = c.tax.Categories[j].Slug
	}
	return strings.Join(s, ", ")
}

// truncate shortens s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
