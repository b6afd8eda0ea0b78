package categorize

import (
	"strings"
	"testing"
)

// benchInputs are the held-out messages with a realistic tail: an ID signature, a
// disclaimer, and the bulk of a long post, so that the body cap is exercised.
func benchInputs(b *testing.B) []Input {
	b.Helper()
	cases := loadHeldout(b)
	tail := "\n\nJane Smith\nTeacher Librarian | St Mary's College\njane.smith@stmarys.example.edu.au\n" +
		"This email and any attachments are confidential and may be privileged. If you are not the intended " +
		"recipient, please notify the sender and delete it. " + strings.Repeat("Further paragraphs of the post follow here. ", 40)
	in := make([]Input, len(cases))
	for i, l := range cases {
		in[i] = l.input()
		in[i].Text += tail
		in[i].Precedence = "list"
	}
	return in
}

// BenchmarkCategorize measures one message through all layers (header, keyword, one rule,
// classifier), cycling over the held-out set. The budget is 20,000 messages well under a
// second together with threading, so < 30 µs per message.
func BenchmarkCategorize(b *testing.B) {
	tax := DefaultTaxonomy()
	rule, err := CompileRule("categories.rules[0]", "subject", `makerspace`, Sharing, tax)
	if err != nil {
		b.Fatal(err)
	}
	c, err := New(tax, []Rule{rule}, nil)
	if err != nil {
		b.Fatal(err)
	}
	inputs := benchInputs(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c.Categorize(inputs[i%len(inputs)])
	}
}

// BenchmarkNoise measures the per-reply check.
func BenchmarkNoise(b *testing.B) {
	c, err := New(DefaultTaxonomy(), nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	inputs := benchInputs(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c.Noise(inputs[i%len(inputs)])
	}
}

// BenchmarkTrain measures New with 20 corrections: what `listdigest categorize THREAD
// CATEGORY` pays on every correction.
func BenchmarkTrain(b *testing.B) {
	tax := DefaultTaxonomy()
	var corrections []Example
	for i, l := range loadHeldout(b) {
		if i%14 == 0 {
			corrections = append(corrections, Example{Category: l.Category, Subject: l.Subject, Text: l.Text})
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := New(tax, nil, corrections); err != nil {
			b.Fatal(err)
		}
	}
}
