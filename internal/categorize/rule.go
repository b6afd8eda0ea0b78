package categorize

import (
	"fmt"
	"regexp"
	"strings"
)

// The fields a Rule can match.
const (
	FieldSubject = "subject" // the subject as sent, prefixes and tags included
	FieldFrom    = "from"    // the author address
	FieldBody    = "body"    // the readable text
	FieldList    = "list"    // any of the message's list identities
)

// Rule is a reader's rule from the configuration: when Pattern matches Field, the thread
// is Category. Rules run after the header and keyword layers, in configuration order.
type Rule struct {
	// Key is the configuration key of the rule ("categories.rules[2]"), named in
	// explanations and errors.
	Key string
	// Field is one of FieldSubject, FieldFrom, FieldBody, FieldList.
	Field string
	// Pattern is matched anywhere in the field (use ^ and $ to anchor).
	Pattern *regexp.Regexp
	// Category is a taxonomy slug.
	Category string
}

// RuleError is a rule that cannot be used. Err is the regular expression's error, if any.
type RuleError struct {
	Key     string
	Problem string
	Err     error
}

// Error reads "key: problem" or "key: problem: err".
func (e *RuleError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Key, e.Problem, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Key, e.Problem)
}

// Unwrap returns the regular expression's error.
func (e *RuleError) Unwrap() error { return e.Err }

// CompileRule checks and compiles one configured rule. Patterns are case-insensitive
// unless they say otherwise with (?-i), because list subjects come in every case. Errors
// are *RuleError naming key.
func CompileRule(key, field, pattern, category string, t Taxonomy) (Rule, error) {
	r := Rule{Key: key, Field: strings.ToLower(strings.TrimSpace(field)), Category: category}
	if err := r.check(t); err != nil {
		return Rule{}, err
	}
	if strings.TrimSpace(pattern) == "" {
		return Rule{}, &RuleError{Key: key, Problem: "pattern is empty; it would match every message"}
	}
	re, err := regexp.Compile("(?i)" + pattern)
	if err != nil {
		return Rule{}, &RuleError{Key: key, Problem: fmt.Sprintf("pattern %q is not a valid regular expression", pattern), Err: err}
	}
	r.Pattern = re
	return r, nil
}

// check validates everything but the pattern's syntax.
func (r Rule) check(t Taxonomy) error {
	switch r.Field {
	case FieldSubject, FieldFrom, FieldBody, FieldList:
	default:
		return &RuleError{Key: r.Key, Problem: fmt.Sprintf("field %q is not one of subject, from, body, list", r.Field)}
	}
	if _, ok := t.Category(r.Category); !ok {
		return &RuleError{Key: r.Key, Problem: fmt.Sprintf("category %q is not in the taxonomy (%s)",
			r.Category, strings.Join(t.slugs(), ", "))}
	}
	return nil
}

// match reports whether the rule matches in, and the text it matched.
func (r Rule) match(in Input) (string, bool) {
	switch r.Field {
	case FieldSubject:
		return r.find(in.Subject)
	case FieldFrom:
		return r.find(in.From)
	case FieldBody:
		return r.find(in.Text)
	case FieldList:
		for _, l := range in.Lists {
			if m, ok := r.find(l); ok {
				return m, true
			}
		}
	}
	return "", false
}

func (r Rule) find(s string) (string, bool) {
	loc := r.Pattern.FindStringIndex(s)
	if loc == nil {
		return "", false
	}
	return truncate(s[loc[0]:loc[1]], 60), true
}
