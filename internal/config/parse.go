package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Load reads the configuration file at path, applies defaults and validates it. It returns
// a [*FileError] if the file cannot be read and a [*ValidationError] listing every problem
// otherwise.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	return Parse(data, path)
}

// Parse decodes a YAML configuration, applies defaults, expands paths and validates the
// result. name is used in error messages only. All problems are returned together as a
// [*ValidationError].
func Parse(data []byte, name string) (*Config, error) {
	cfg, early, suppress := decode(data)
	problems := early
	if cfg != nil {
		cfg.source = name
		for _, p := range cfg.check() {
			if !suppressed(p.Key, suppress) {
				problems = append(problems, p)
			}
		}
	}
	if len(problems) > 0 {
		if cfg != nil {
			cfg.locate(problems)
		}
		sortProblems(problems)
		return nil, &ValidationError{File: name, Problems: problems}
	}
	return cfg, nil
}

// fileConfig is the top level as decoded with KnownFields(true). List items and the smtp
// section stay nodes so each can be decoded on top of its own defaults.
type fileConfig struct {
	Database   Database    `yaml:"database"`
	Mailboxes  []yaml.Node `yaml:"mailboxes"`
	Recipients []yaml.Node `yaml:"recipients"`
	SMTP       yaml.Node   `yaml:"smtp"` // Kind 0 when absent
	Categories Categories  `yaml:"categories"`
	HTTP       *HTTP       `yaml:"http"`
}

// decode turns data into a Config with defaults applied and paths expanded. It returns the
// problems found on the way and the keys (or [suppressAll]) whose later
// validation problems would only repeat them. cfg is nil when the YAML is unusable.
func decode(data []byte) (cfg *Config, problems []Problem, suppress []string) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, []Problem{syntaxProblem(err, data)}, nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		line := extra.Line
		if err != nil {
			return nil, []Problem{syntaxProblem(err, data)}, nil
		}
		return nil, []Problem{{Line: line, Message: "a second YAML document starts here: the configuration is a single document; remove the \"---\" separator"}}, nil
	}

	w := &walker{lines: map[string]int{}, byLine: map[int]string{}, active: map[*yaml.Node]bool{}}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		w.walk(doc.Content[0], reflect.TypeFor[Config](), "", 0)
	}
	problems = w.problems
	suppress = w.suppress

	cfg = Default()
	cfg.lines = w.lines
	fc := fileConfig{Database: cfg.Database}
	dec = yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fc); err != nil && err != io.EOF {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, append(problems, syntaxProblem(err, data)), nil
		}
		for _, p := range w.typeProblems(te, "") {
			problems = append(problems, p)
			suppress = append(suppress, p.Key)
		}
	}
	cfg.Database = fc.Database
	cfg.Categories = fc.Categories
	h := DefaultHTTP(cfg.Database.Path)
	if fc.HTTP != nil {
		def := h
		h = *fc.HTTP
		if h.Listen == "" {
			h.Listen = def.Listen
		}
		if h.KeyFile == "" {
			h.KeyFile = def.KeyFile
		}
		if h.LinkTTL == 0 {
			h.LinkTTL = def.LinkTTL
		}
		if h.Snooze == 0 {
			h.Snooze = def.Snooze
		}
		if h.SessionTTL == 0 {
			h.SessionTTL = def.SessionTTL
		}
	}
	cfg.HTTP = &h

	// decodeItem decodes node onto v (which holds the defaults) and records type errors.
	decodeItem := func(node *yaml.Node, v any, key string) {
		if err := node.Decode(v); err != nil {
			var te *yaml.TypeError
			if !errors.As(err, &te) {
				te = &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", node.Line, err)}}
			}
			for _, p := range w.typeProblems(te, key) {
				problems = append(problems, p)
				suppress = append(suppress, p.Key)
			}
		}
	}
	for i := range fc.Mailboxes {
		m := DefaultMailbox()
		m.Port = 0
		decodeItem(&fc.Mailboxes[i], &m, fmt.Sprintf("mailboxes[%d]", i))
		if m.Port == 0 {
			m.Port = defaultIMAPPort(m.TLS)
		}
		if m.Folders == nil {
			m.Folders = []string{DefaultFolder}
		}
		cfg.Mailboxes = append(cfg.Mailboxes, m)
	}
	for i := range fc.Recipients {
		r := DefaultRecipient()
		decodeItem(&fc.Recipients[i], &r, fmt.Sprintf("recipients[%d]", i))
		cfg.Recipients = append(cfg.Recipients, r)
	}
	if fc.SMTP.Kind != 0 && !isNull(&fc.SMTP) {
		s := DefaultSMTP()
		s.Port = 0
		decodeItem(&fc.SMTP, &s, "smtp")
		if s.Port == 0 {
			s.Port = defaultSMTPPort(s.TLS)
		}
		cfg.SMTP = &s
	}

	expand := func(p *string, key string) {
		v, err := ExpandPath(*p)
		if err != nil {
			problems = append(problems, Problem{Key: key, Message: err.Error()})
			suppress = append(suppress, key)
			return
		}
		*p = v
	}
	expand(&cfg.Database.Path, "database.path")
	for i := range cfg.Mailboxes {
		m := &cfg.Mailboxes[i]
		expand(&m.TLSCAFile, fmt.Sprintf("mailboxes[%d].tls_ca_file", i))
		expand(&m.PasswordFile, fmt.Sprintf("mailboxes[%d].password_file", i))
	}
	if cfg.SMTP != nil {
		expand(&cfg.SMTP.PasswordFile, "smtp.password_file")
		expand(&cfg.SMTP.TLSCAFile, "smtp.tls_ca_file")
	}
	for i := range cfg.Recipients {
		expand(&cfg.Recipients[i].WebPasswordFile, fmt.Sprintf("recipients[%d].web_password_file", i))
	}
	expand(&cfg.HTTP.KeyFile, "http.key_file")
	return cfg, dedupe(problems), suppress
}

// dedupe drops problems with the same line and message as an earlier one: a problem in a
// mapping anchored with &name is found again wherever it is merged with "<<: *name".
func dedupe(problems []Problem) []Problem {
	type lineMessage struct {
		line    int
		message string
	}
	seen := map[lineMessage]bool{}
	return slices.DeleteFunc(problems, func(p Problem) bool {
		k := lineMessage{p.Line, p.Message}
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	})
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// suppressAll in a suppress list drops every validation problem.
const suppressAll = "*"

func suppressed(key string, list []string) bool {
	for _, s := range list {
		if s == suppressAll || key == s || strings.HasPrefix(key, s+".") || strings.HasPrefix(key, s+"[") {
			return true
		}
	}
	return false
}

// locate fills in missing line numbers from the key map, falling back to the nearest
// enclosing key that appears in the file.
func (c *Config) locate(problems []Problem) {
	for i := range problems {
		p := &problems[i]
		if p.Line != 0 || p.Key == "" {
			continue
		}
		for k := p.Key; k != ""; k = parentKey(k) {
			if l, ok := c.lines[k]; ok {
				p.Line = l
				break
			}
		}
	}
}

func parentKey(k string) string {
	i := strings.LastIndexAny(k, ".[")
	if i < 0 {
		return ""
	}
	return k[:i]
}

// sortProblems orders problems by line; problems without a line keep their order at the end.
func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		switch {
		case a.Line == b.Line:
			return 0
		case a.Line == 0:
			return 1
		case b.Line == 0:
			return -1
		}
		return a.Line - b.Line
	})
}

var (
	yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	typeErrRE  = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")
)

// parserErrors are the go-yaml parser (not scanner) errors. Their line numbers are
// 0-based, unlike the scanner's, and point at the offending token or at the start of the
// enclosing block.
var parserErrors = []string{
	"did not find expected key",
	"did not find expected node content",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
}

// syntaxProblem converts a YAML parser error.
func syntaxProblem(err error, data []byte) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	p := Problem{Message: "YAML syntax: " + msg}
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		msg = m[2]
		p.Message = "YAML syntax: " + msg
	}
	if slices.Contains(parserErrors, msg) {
		if p.Line > 0 {
			p.Line++
		}
		p.Message += " (check the indentation of this line and those around it: keys of one mapping line up, list items start with \"- \")"
	}
	if bytes.Contains(data, []byte("\t")) && (p.Line == 0 || lineHasTab(data, p.Line) || lineHasTab(data, p.Line-1)) {
		p.Message += " (indent with spaces: YAML does not allow tabs)"
	}
	return p
}

func lineHasTab(data []byte, line int) bool {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return false
	}
	return bytes.HasPrefix(bytes.TrimLeft(lines[line-1], " "), []byte("\t"))
}

// typeProblems converts decoder type errors ("line 7: cannot unmarshal ...") to problems,
// attributing each to the key on that line. Unknown and duplicate keys are skipped: the
// walker reports them with better messages.
func (w *walker) typeProblems(te *yaml.TypeError, within string) []Problem {
	var ps []Problem
	for _, e := range te.Errors {
		if strings.Contains(e, "not found in type") || strings.Contains(e, "already defined at line") || strings.Contains(e, "already set in type") {
			continue
		}
		p := Problem{Key: within, Message: e}
		if m := yamlLineRE.FindStringSubmatch(e); m != nil {
			p.Line, _ = strconv.Atoi(m[1])
			p.Message = m[2]
			if k, ok := w.byLine[p.Line]; ok && (within == "" || k == within || strings.HasPrefix(k, within+".") || strings.HasPrefix(k, within+"[")) {
				p.Key = k
				if l, ok := w.lines[k]; ok {
					p.Line = l // the key's line, not the value's
				}
			}
		}
		p.Message = friendlyTypeError(p.Message)
		ps = append(ps, p)
	}
	return ps
}

// friendlyTypeError rewrites the decoder's "cannot unmarshal !!str `x` into int".
func friendlyTypeError(msg string) string {
	m := typeErrRE.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	tag, val, into := m[1], m[2], m[3]
	got := "a " + map[string]string{"map": "mapping", "seq": "list"}[tag]
	if got == "a " {
		got = strconv.Quote(val)
	}
	switch {
	case into == "int":
		return "must be a whole number, not " + got
	case into == "bool":
		return "must be true or false, not " + got
	case into == "time.Duration":
		return "must be a duration with a unit, such as 30s, 2m or 1h30m, not " + got
	case into == "string" || strings.HasSuffix(into, "Mode"):
		return "must be a single value, not " + got
	case into == "[]string":
		if tag == "map" {
			return "must be a list of values, not a mapping"
		}
		return fmt.Sprintf("must be a list: write [%s]", val)
	case strings.HasPrefix(into, "[]"):
		return "must be a list (each item starts with \"- \"), not " + got
	case strings.HasPrefix(into, "config.") || strings.HasPrefix(into, "*config."):
		return "must be a mapping of keys to values, not " + got
	}
	return msg
}

// walker checks a YAML node tree against the Go types, reporting unknown, forbidden and
// duplicate keys, and records the line of every key for later messages.
type walker struct {
	problems []Problem
	suppress []string
	lines    map[string]int      // key path → line
	byLine   map[int]string      // line → key path of the value on it
	active   map[*yaml.Node]bool // nodes being walked, to stop at alias cycles
	visits   int                 // nodes walked, to bound alias expansion
	// merging is non-zero while walking a mapping merged in with "<<: *anchor", whose
	// lines belong to the anchor's own location.
	merging int
}

// maxWalk bounds the nodes the walker visits, so that aliases cannot make it expand a
// small document exponentially ("billion laughs").
const maxWalk = 100_000

// secretKeys are keys people write to put a secret in the file; they are refused with
// a pointer to the proper keys.
var secretKeys = []string{"password", "pass", "passwd", "secret", "token", "access_token", "oauth2_token", "oauth_token", "refresh_token", "client_secret"}

// insecureKeys are ways to disable certificate verification, deliberately not offered.
var insecureKeys = []string{"insecure_skip_verify", "insecure", "skip_verify", "tls_skip_verify", "tls_insecure", "verify", "tls_verify"}

func (w *walker) walk(n *yaml.Node, t reflect.Type, path string, depth int) {
	w.visits++
	if depth > 64 || w.visits > maxWalk {
		return // the decoder reports runaway aliasing
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if w.active[n] {
		return // an anchor used inside itself; the decoder reports it
	}
	w.active[n] = true
	defer delete(w.active, n)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() == reflect.Struct && t != reflect.TypeFor[time.Time]():
		if n.Kind == yaml.MappingNode {
			w.mapping(n, t, path, depth)
		}
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			if w.merging == 0 {
				w.lines[p] = item.Line
			}
			if item.Kind == yaml.ScalarNode || !fits(item, t.Elem()) {
				w.onLine(item.Line, p)
			}
			w.walk(item, t.Elem(), p, depth+1)
		}
	}
}

func (w *walker) onLine(line int, key string) {
	if w.merging > 0 {
		return // the line belongs to where the merged mapping is written
	}
	if old, ok := w.byLine[line]; ok && old != key {
		// Two values on one line (flow style): attribute to their common parent.
		for !strings.HasPrefix(key, old) {
			old = parentKey(old)
		}
		key = old
	}
	w.byLine[line] = key
}

func (w *walker) mapping(n *yaml.Node, t reflect.Type, path string, depth int) {
	fields := yamlFields(t)
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		name := kn.Value
		if kn.Kind == yaml.ScalarNode && name == "<<" && kn.ShortTag() == "!!merge" {
			merged := []*yaml.Node{vn}
			if vn.Kind == yaml.SequenceNode {
				merged = vn.Content
			}
			w.merging++
			for _, m := range merged {
				w.walk(m, t, path, depth+1)
			}
			w.merging--
			continue
		}
		key := name
		if path != "" {
			key = path + "." + name
		}
		if first, dup := seen[name]; dup {
			w.problems = append(w.problems, Problem{Key: key, Line: kn.Line,
				Message: fmt.Sprintf("given twice (first on line %d): keep one", first)})
			// The decoder drops a mapping with a duplicate key, so the values
			// of its other keys are unknown: validating them would mislead.
			w.suppress = append(w.suppress, suppressAll)
			continue
		}
		seen[name] = kn.Line
		if w.merging == 0 {
			w.lines[key] = kn.Line
		}
		ft, ok := fields[name]
		if !ok {
			w.problems = append(w.problems, Problem{Key: key, Line: kn.Line, Message: unknownKeyMessage(name, t, fields)})
			continue
		}
		if vn.Kind == yaml.ScalarNode || vn.Kind == yaml.AliasNode || isLeaf(ft) || !fits(vn, ft) {
			w.onLine(vn.Line, key)
		}
		if kn.Line != vn.Line {
			w.onLine(kn.Line, key)
		}
		w.walk(vn, ft, key, depth+1)
	}
}

func unknownKeyMessage(name string, t reflect.Type, fields map[string]reflect.Type) string {
	lower := strings.ToLower(name)
	_, hasPassword := fields["password_file"]
	_, hasToken := fields["token_command"]
	_, hasTLS := fields["tls"]
	switch {
	case slices.Contains(secretKeys, lower) && (hasPassword || hasToken):
		msg := "secrets are not accepted in the configuration file: put the password in a file readable only by listdigest and set password_file, or use password_env or password_command"
		if strings.Contains(lower, "token") && hasToken {
			msg = "tokens are not accepted in the configuration file: set auth: xoauth2 and token_command, a command that prints a fresh access token"
		}
		return msg
	case slices.Contains(insecureKeys, lower) && hasTLS:
		return "certificate verification cannot be turned off: for a self-signed or private-CA server, set tls_ca_file to its CA certificate (PEM)"
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range fields {
			if !yield(k) {
				return
			}
		}
	})
	if s, ok := aliases[strings.ReplaceAll(lower, "-", "_")]; ok {
		if _, known := fields[s]; known {
			return fmt.Sprintf("unknown key; did you mean %s?", s)
		}
	}
	if s := suggest(lower, names); s != "" {
		return fmt.Sprintf("unknown key; did you mean %s?", s)
	}
	where := "here"
	if t == reflect.TypeFor[Config]() {
		where = "at the top level"
	}
	return fmt.Sprintf("unknown key; the keys allowed %s are %s", where, strings.Join(names, ", "))
}

// fits reports whether node n has the shape a value of type t needs: a mapping for a
// struct, a list for a slice. A misfit gets a decoding error on the node's line.
func fits(n *yaml.Node, t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case n.Kind == yaml.AliasNode || isNull(n):
		return true
	case t.Kind() == reflect.Struct:
		return n.Kind == yaml.MappingNode
	case t.Kind() == reflect.Slice:
		return n.Kind == yaml.SequenceNode
	}
	return true
}

// isLeaf reports whether values of type t are not walked into: anything but structs and
// lists of structs.
func isLeaf(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	return t.Kind() != reflect.Struct
}

// aliases maps names people use in other programs' configuration to ours, for the
// suggestions that edit distance cannot find.
var aliases = map[string]string{
	"ssl": "tls", "security": "tls", "encryption": "tls", "starttls": "tls", "use_tls": "tls",
	"server": "host", "hostname": "host", "address": "host",
	"user": "username", "login": "username", "user_name": "username",
	"folder": "folders", "mailbox": "folders",
	"list": "lists", "list_ids": "lists",
	"interval": "schedule", "cron": "schedule", "every": "schedule", "poll": "schedule",
	"tz": "timezone", "time_zone": "timezone", "zone": "timezone",
	"email": "address", "mail": "address", "to": "address",
	"sender": "from", "from_address": "from",
	"words": "budget_words", "budget": "budget_words",
	"ca_file": "tls_ca_file", "ca": "tls_ca_file", "cafile": "tls_ca_file", "tls_ca": "tls_ca_file",
	"file": "path", "db": "path",
	"mechanism": "auth", "sasl": "auth", "authentication": "auth",
}

// yamlFields maps the YAML keys of struct type t to their field types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = f.Type
	}
	return m
}

// suggest returns the candidate closest to key by edit distance, or "" if none is close.
func suggest(key string, candidates []string) string {
	best, bestDist := "", max(2, len(key)/3)+1
	for _, c := range candidates {
		if d := editDistance(key, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, counted in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
