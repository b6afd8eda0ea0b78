package categorize

// Input is what categorising needs to know about one message.
type Input struct {
	Subject string // decoded, as sent: reply prefixes, list tags and keywords still in
	Text    string // readable body, list footer already removed
	From    string // author address
	Lists   []string
	// Header signals for noise detection, as decoded; empty when absent.
	AutoSubmitted string
	Precedence    string
	XAutoreply    string   // X-Autoreply, or X-Autorespond when that is the one present
	ContentType   string   // top-level media type
	PartTypes     []string // media types of the leaf parts
}

// WordWeight is one word or bigram's contribution to a classifier decision.
type WordWeight struct {
	Term   string  `json:"term"`
	Weight float64 `json:"weight"` // log-likelihood ratio for the chosen category against the runner-up
}

// Result is a category with the reason for it.
type Result struct {
	Category string `json:"category"` // a taxonomy slug
	// Layer is the layer that decided: "header", "keyword", "rule", "classifier".
	Layer  string `json:"layer"`
	Reason string `json:"reason"` // for a person: which header, keyword, rule (by config key) or words
	// Words are the terms that weighed most, for the classifier layer (and for a keyword
	// such as TARGET that leaves the classifier to choose among its categories).
	Words []WordWeight `json:"words,omitempty"`
	// Confidence is the classifier's posterior for Category (1 for the deterministic layers).
	Confidence float64 `json:"confidence"`
}

// Example is a labelled message, from the seed set or a reader's correction.
type Example struct {
	Category string `json:"category"`
	Subject  string `json:"subject"`
	Text     string `json:"text"`
}
