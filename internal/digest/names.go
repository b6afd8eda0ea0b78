package digest

import (
	"fmt"
	"strings"
)

// Section ranks, in priority order. Categories a reader's taxonomy adds rank between
// classifieds and list admin, which is the least urgent reading.
const (
	rankFollowUp = iota
	rankRequests
	rankHIT
	rankSharing
	rankEvent
	rankJob
	rankClassified
	rankCustom
	rankAdmin
)

// noiseSlug is the category that never reaches a digest.
const noiseSlug = "noise"

// kind is how the digest names one category: its section, the label an item carries where
// its section mixes categories, and the noun for counts.
type kind struct {
	rank      int
	label     string // "Book request"
	one, many string // "book request", "book requests"
}

// kinds are the categories of the default taxonomy (slugs from internal/categorize). The
// names are shorter than the taxonomy's, which are written for a settings page.
var kinds = map[string]kind{
	"book-request":  {rankRequests, "Book request", "book request", "book requests"},
	"video-request": {rankRequests, "Video request", "video request", "video requests"},
	"help-request":  {rankRequests, "Help request", "help request", "help requests"},
	"hit":           {rankHIT, "HIT", "HIT", "HITs"},
	"sharing":       {rankSharing, "Sharing", "sharing post", "sharing posts"},
	"event":         {rankEvent, "Event", "event", "events"},
	"job":           {rankJob, "Job", "job", "jobs"},
	"classified":    {rankClassified, "Classified ad", "classified ad", "classified ads"},
	"admin":         {rankAdmin, "List admin", "admin post", "admin posts"},
}

// sectionTitles name the fixed sections; a custom category's section is its CategoryName.
var sectionTitles = map[int]string{
	rankFollowUp:   "Follow-ups",
	rankRequests:   "Requests",
	rankHIT:        "HITs",
	rankSharing:    "Sharing",
	rankEvent:      "Events",
	rankJob:        "Jobs",
	rankClassified: "Classifieds",
	rankAdmin:      "List admin",
}

// sectionNouns count a whole section in the "Also" line.
var sectionNouns = map[int][2]string{
	rankFollowUp: {"follow-up", "follow-ups"},
	rankRequests: {"request", "requests"},
}

// slugOf normalises a category slug as the digest compares it.
func slugOf(it Item) string {
	return strings.ToLower(strings.TrimSpace(it.Category))
}

// kindOf describes the category of it; a category the digest does not know gets its own
// section named after CategoryName (or the slug) and is counted as "2 in Booktalks", since
// its name cannot be made singular.
func kindOf(it Item) kind {
	if k, ok := kinds[slugOf(it)]; ok {
		return k
	}
	name := customName(it)
	return kind{rank: rankCustom, label: name, one: "in " + name, many: "in " + name}
}

// customName is the display name of a category the digest does not know.
func customName(it Item) string {
	if n := clean(it.CategoryName, maxNameWords, maxNameRunes); n != "" {
		return n
	}
	if s := clean(slugOf(it), 1, maxNameRunes); s != "" {
		return s
	}
	return "Other"
}

// count says "1 book request", "3 HITs".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// replies says "no replies yet", "1 reply", "3 replies".
func replies(n int) string {
	if n <= 0 {
		return "no replies yet"
	}
	return count(n, "reply", "replies")
}

// joinAnd joins "LM_NET", "OZTL_NET" and "aisle" as "LM_NET, OZTL_NET and aisle".
func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// capitalize upper-cases the first letter of an ASCII sentence start.
func capitalize(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
