package categorize

import (
	"errors"
	"regexp/syntax"
	"strings"
	"testing"
)

func TestCompileRuleErrors(t *testing.T) {
	tax := DefaultTaxonomy()
	tests := []struct {
		name                     string
		field, pattern, category string
		wantIn                   string
		wantSyntax               bool
	}{
		{"bad regex", "subject", "(makerspace", Event, `pattern "(makerspace" is not a valid regular expression`, true},
		{"unknown field", "subjet", "x", Event, `field "subjet" is not one of subject, from, body, list`, false},
		{"unknown category", "subject", "x", "events", `category "events" is not in the taxonomy`, false},
		{"empty pattern", "body", "  ", Event, "pattern is empty", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const key = "categories.rules[2]"
			_, err := CompileRule(key, tt.field, tt.pattern, tt.category, tax)
			var re *RuleError
			if !errors.As(err, &re) || re.Key != key {
				t.Fatalf("CompileRule() error = %v; want a *RuleError for %s", err, key)
			}
			if !strings.HasPrefix(err.Error(), key+": ") || !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("CompileRule() error = %q; want %q then %q", err, key, tt.wantIn)
			}
			var se *syntax.Error
			if errors.As(err, &se) != tt.wantSyntax {
				t.Errorf("CompileRule() error unwraps to *syntax.Error = %v; want %v", !tt.wantSyntax, tt.wantSyntax)
			}
		})
	}
}

func TestRuleMatch(t *testing.T) {
	tax := DefaultTaxonomy()
	in := Input{
		Subject: "Makerspace ideas", Text: "We bought a 3D printer.", From: "Jane@School.example",
		Lists: []string{"lm_net.listserv.syr.edu", "aisle.lists.example.org"},
	}
	tests := []struct {
		field, pattern string
		want           bool
	}{
		{"subject", "makerspace", true}, // case-insensitive by default
		{"subject", "(?-i)makerspace", false},
		{"body", `3d\s+printer`, true},
		{"from", `@school\.example$`, true},
		{"list", `^aisle\.`, true},
		{"list", `^oztl`, false},
		{"Subject", "ideas", true}, // field names are case-insensitive
	}
	for _, tt := range tests {
		r, err := CompileRule("k", tt.field, tt.pattern, Event, tax)
		if err != nil {
			t.Fatalf("CompileRule(%q, %q) = %v", tt.field, tt.pattern, err)
		}
		if _, got := r.match(in); got != tt.want {
			t.Errorf("rule %s ~ %q match = %v; want %v", tt.field, tt.pattern, got, tt.want)
		}
	}
}

func TestNewRejectsBadRules(t *testing.T) {
	tax := DefaultTaxonomy()
	if _, err := New(tax, []Rule{{Key: "categories.rules[0]", Field: "subject", Category: Event}}, nil); err == nil ||
		!strings.Contains(err.Error(), "categories.rules[0]") {
		t.Errorf("New(uncompiled rule) error = %v; want one naming the key", err)
	}
	custom, _ := tax.With([]Category{{Slug: "makerspace", Name: "Makerspace", Digest: true}})
	r, err := CompileRule("categories.rules[1]", "subject", "maker", "makerspace", custom)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(tax, []Rule{r}, nil); err == nil || !strings.Contains(err.Error(), "categories.rules[1]") {
		t.Errorf("New(rule for a category missing from the taxonomy) error = %v; want one naming the key", err)
	}
}
