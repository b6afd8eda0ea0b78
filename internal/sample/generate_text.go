package sample

// The words ListMessage builds messages from: topics, sentences, people, signatures,
// disclaimers, auto-replies and list footers.

const lmFooter = `
All LM_NET postings are protected by copyright law. You may forward a
posting only with the author's permission.
To change your subscription or read the archives:
https://listserv.example.edu/cgi-bin/wa?LIST=LM_NET
To post a message: mailto:LM_NET@LISTSERV.EXAMPLE.EDU
Please use TARGET: for requests and HIT: for summaries of replies.
`

const ozFooter = `_______________________________________________
OZTL_NET mailing list
oztl_net@lists.example.edu.au
https://lists.example.edu.au/mailman/listinfo/oztl_net
`

// Topics. A few are not ASCII (an en dash, accents, a macron, a curly apostrophe) so that
// subjects need RFC 2047 encoding now and then, as real ones do.
var lmTopics = []string{
	"graphic novels for reluctant readers in grades 6-8",
	"weeding the 500s without losing curriculum support",
	"genrefying a middle school fiction collection",
	"Banned Books Week displays",
	"Destiny vs. Alexandria for a small district",
	"makerspace supplies on a small budget",
	"teaching source evaluation to 9th graders",
	"library orientation ideas for freshmen",
	"summer reading lists for rising 4th graders",
	"going fine-free: did circulation go up?",
	"which databases are worth renewing",
	"author visits on a tight budget",
	"Battle of the Books question writing",
	"collaborating with ELA teachers on research papers",
	"alternatives to the book fair",
	"Chromebook checkout through the library",
	"new nonfiction for elementary STEM",
	"diverse picture books for K-2",
	"duties for a part-time library aide",
	"a challenge to a title: reconsideration forms",
	"citation tools for middle school",
	"e-book platforms for a K-12 district",
	"AI tools and research lessons",
	"student library advisory boards",
	"signage for a high school library",
	"circulation statistics for the principal",
	"escape rooms in the library",
	"promoting the state reading award list",
	"audiobooks for English language learners",
	"end-of-year inventory procedures",
	"Día de los Niños / Día de los Libros displays",
	"résumé tips for new school librarians",
	"Poetry Month – student-run open mic",
}

var ozTopics = []string{
	"Premier's Reading Challenge tracking in Years 5-6",
	"SCIS cataloguing for graphic novels",
	"Year 7 orientation to the library",
	"moving from Oliver to Accessit",
	"Book Week costume parade alternatives",
	"weeding the 900s",
	"eResources for Year 11 Modern History",
	"teaching APA 7 referencing in Year 9",
	"spaces for quiet study and group work",
	"reading programs for Year 8 boys",
	"First Nations picture books for the junior library",
	"managing Chromebook loans",
	"budget bids for next year",
	"teacher librarian position descriptions",
	"library monitors and student leaders",
	"challenged books in Australian schools",
	"Guided Inquiry Design in Stage 5",
	"magazine subscriptions worth keeping",
	"lunchtime clubs in the library",
	"Wheelers or BorrowBox for eBooks",
	"students’ wellbeing and the library as a safe space",
	"Māori and Pasifika authors for Years 7–8",
	"ClickView playlists for Stage 4 Geography",
}

// subjectSuffixes are what people add to a topic in a subject line.
var subjectSuffixes = []string{
	" - any advice?", " for next term", " (long, sorry)", "?", " - help please", " in a K-12 school",
	" on a shoestring", " - update", " (repost)", " - ideas wanted", " for a new library", " this year",
	" - what works?", " for a small school", " - urgent", " (again)", " with no budget", " - please share",
	" for a new TL", " after the renovation",
}

// sentences are the building blocks of a message's own text. Some carry apostrophes,
// double quotes, " - " and "..." that Outlook and iOS turn into curly quotes, en dashes
// and ellipses.
var sentences = []string{
	"We have been talking about {topic} at our school for most of this term.",
	"My principal has asked me to put together a proposal on {topic} by the end of the month.",
	"Has anyone dealt with {topic} recently, and what would you do differently?",
	"Our {grade} students responded really well when we tried this last year.",
	"I started with a small trial with two {grade} classes and it grew from there.",
	"The biggest hurdle was time: I see each class for only {n} minutes a fortnight.",
	"We use {vendor} and it has mostly been reliable, although the reports are clunky.",
	"Someone on this list recommended {title} years ago and it is still our most borrowed book.",
	"If you have not read {title} yet, it pairs nicely with {title2}.",
	"I put {n} titles on display and {n} of them were borrowed within a week.",
	"Our budget is about {budget} for the whole year, so every purchase has to count.",
	"The classroom teachers were sceptical at first, but they came around once they saw the results.",
	"I would love to see any lesson plans, rubrics or slide decks you are willing to share.",
	"We ended up writing our own guidelines because nothing we found quite fitted.",
	"Parents have been supportive, although a couple of them asked good hard questions.",
	"It took me about {n} hours over the holidays to get everything set up.",
	"Our IT department was helpful once I explained what we actually needed.",
	"I keep a spreadsheet of what works and what does not, which I am happy to send to anyone.",
	"Student feedback has been overwhelmingly positive, especially from the {grade} group.",
	"The admin side of {vendor} is fine, but the student interface confuses the younger ones.",
	"We had {n} students turn up to the first lunchtime session, which surprised everyone.",
	"I found that short, regular sessions work far better than one long workshop.",
	"Please do not reinvent the wheel: the archives of this list have a lot on {topic}.",
	"A colleague at a neighbouring school does this brilliantly and I have borrowed most of her ideas.",
	"Next year I want to involve the students more in choosing what we buy.",
	"The hardest conversations were about shelf space and what to discard.",
	"In the end we kept it simple, and simple turned out to be sustainable.",
	"Our library is open before school, at recess and at lunch, and that helps a lot.",
	"I have attached nothing to this message because attachments bounce from the list.",
	"If anyone is near us, you are welcome to visit and see it in action.",
	"We measured borrowing before and after, and loans were up by about {n} percent.",
	"The teachers now book the library for research lessons without being asked.",
	"I'd call it a \"soft launch\" - nothing fancy, just a sign and a trolley.",
	"Don't underestimate how much the kids love being asked what they think.",
	"It's not perfect... but it's a lot better than what we had.",
	"Our deputy's exact words were \"make it happen by Term 3\" - no pressure!",
	"We've tried {vendor} and {title} - both worth a look, in my opinion.",
	"The café-style seating we added last year has made the space feel far more welcoming.",
}

var (
	usGrades    = []string{"6th grade", "7th grade", "8th grade", "9th grade", "freshman", "3rd grade", "kindergarten", "11th grade"}
	auGrades    = []string{"Year 7", "Year 8", "Year 9", "Year 10", "Year 5", "Year 3", "Prep", "Year 11"}
	usVendors   = []string{"Destiny", "Alexandria", "Sora", "Epic", "Gale", "EBSCO", "NoodleTools"}
	auVendors   = []string{"Oliver", "Accessit", "Wheelers", "BorrowBox", "SCIS", "Clickview", "EBSCO"}
	usBudgets   = []string{"$500", "$1,200", "$3,000", "$250"}
	auBudgets   = []string{"$800", "$2,500", "$1,500", "$400"}
	usGreetings = []string{"Hi all,", "Hello LM_NET,", "Dear colleagues,", "Good morning everyone,", "Hi everyone,"}
	auGreetings = []string{"Hi all,", "Hello everyone,", "G’day all,", "Dear colleagues,", "Hi OZTLers,"}
	bookTitles  = []string{
		"The Lighthouse Keeper's Daughter", "Stars Over Hollow Creek", "Counting Crows at Midnight",
		"The Map of Small Things", "A Library for Foxes", "Saltwater Summer", "The Clockwork Orchard",
		"Nine Lives of a Paper Boat", "When the River Sang", "The Girl Who Collected Rain",
	}
	usFirst   = []string{"Karen", "Linda", "Michelle", "Jennifer", "Susan", "David", "Maria", "Tanya", "Robert", "Angela", "Beth", "Carlos", "José", "Renée"}
	usLast    = []string{"Johnson", "Miller", "Garcia", "Anderson", "Thompson", "Martinez", "Robinson", "Walker", "Young", "Allen", "Hernández", "King", "Peña"}
	usRoles   = []string{"Library Media Specialist", "School Librarian", "Teacher Librarian", "District Library Coordinator", "Media Center Director"}
	usSchools = []string{"Lincoln Middle School", "Riverside Elementary", "Jefferson High School", "Oak Hill Intermediate", "Westbrook Academy", "Maple Grove K-8"}
	// usDomains: the first three are school districts, whose mail servers add a disclaimer.
	usDomains = []string{"example.k12.ny.us", "district.example.org", "example.k12.tx.us", "schools.example.net", "gmail.example.com"}
	usZones   = []struct {
		place  string
		offset int
	}{
		{"Albany, NY", -5 * 3600}, {"Austin, TX", -6 * 3600}, {"Denver, CO", -7 * 3600}, {"Sacramento, CA", -8 * 3600},
	}
	auFirst   = []string{"Sarah", "Megan", "Fiona", "Kylie", "Ngaire", "Zoë", "Bronwyn", "Liam", "Chloé", "Deb", "Mark", "Priya", "Māia"}
	auLast    = []string{"Nguyen", "Smith", "O'Brien", "Wilson", "Taylor", "Kelly", "Murphy", "Singh", "Harris", "Brown", "Clarke", "Te Awa"}
	auRoles   = []string{"Teacher Librarian", "Head of Library", "Library Technician", "Information Services Manager", "Library Coordinator"}
	auSchools = []string{"Mount Example College", "Harbourside Public School", "St Brigid's Primary", "Eastwood Secondary College", "Banksia Grammar", "Red Gum High School"}
	// auDomains: the first two are education departments, whose mail servers add a disclaimer.
	auDomains = []string{"education.example.gov.au", "det.example.edu.au", "example.edu.au", "school.example.com.au"}
	auZones   = []struct {
		place  string
		offset int
	}{
		{"Sydney NSW", 11 * 3600}, {"Melbourne VIC", 11 * 3600}, {"Brisbane QLD", 10 * 3600}, {"Perth WA", 8 * 3600}, {"Adelaide SA", 10*3600 + 1800},
	}
)

// Disclaimers appended by district and department mail servers, after the signature.
var usDisclaimers = []string{
	"CONFIDENTIALITY NOTICE: This e-mail message, including any attachments, is for the sole use of " +
		"the intended recipient(s) and may contain confidential and privileged information, including " +
		"student education records protected by the Family Educational Rights and Privacy Act (FERPA). " +
		"Any unauthorized review, use, disclosure or distribution is prohibited. If you are not the " +
		"intended recipient, please contact the sender by reply e-mail and destroy all copies of the " +
		"original message. E-mail sent or received by district employees is subject to the state public " +
		"records law and may be disclosed to third parties.",
	"This message and any files transmitted with it are the property of the School District and are " +
		"intended solely for the individual or entity to whom they are addressed. The District does not " +
		"accept liability for any errors or omissions in the contents of this message which arise as a " +
		"result of e-mail transmission. Views or opinions presented in this e-mail are solely those of " +
		"the author and do not necessarily represent those of the Board of Education. Please consider " +
		"the environment before printing this e-mail.",
}

var auDisclaimers = []string{
	"This email and any attachments are confidential and may contain legally privileged information " +
		"or copyright material. If you are not an intended recipient, please contact the sender " +
		"immediately and delete all copies of this email and any attachments. You must not read, copy, " +
		"use, distribute or disclose this email or its attachments without authorisation. The " +
		"Department of Education does not guarantee that this email or any attachments are free of " +
		"viruses and accepts no liability for any loss caused by them. Any views expressed in this " +
		"message are those of the individual sender, except where the sender expressly and with " +
		"authority states them to be the views of the Department.",
	"IMPORTANT: The information contained in this email is intended for the named recipient(s) only. " +
		"It may contain private, confidential, copyright or legally privileged information. If you are " +
		"not the intended recipient or you have received this email by mistake, please reply to the " +
		"author and delete this email immediately. You must not copy, print, forward or distribute " +
		"this email, nor place reliance on its contents. The Department respectfully acknowledges the " +
		"Traditional Custodians of the lands on which we work and pay our respects to Elders past and present.",
}

// Auto-replies: what an out-of-office message says, where {back} is a date.
var autoReplyTexts = []string{
	"Thank you for your email. I am out of the office until {back} with limited access to email. " +
		"For anything urgent about library loans, please contact the library office.",
	"I am currently on leave and will return on {back}. Your message has not been forwarded. " +
		"If your enquiry is urgent, please contact the school front office.",
	"I'm away at a conference until {back} and will reply when I'm back. For urgent library matters " +
		"please email the library team.",
	"Thanks for your message. School is on holidays and I will be checking email only occasionally " +
		"until {back}.",
}

// unsubscribe posts, as members send them to the list instead of the list server.
var unsubscribeSubjects = []string{"unsubscribe", "UNSUBSCRIBE", "Unsubscribe", "Please remove me", "unsubscribe me please"}
var lmUnsubscribeSubjects = []string{"SIGNOFF LM_NET", "signoff LM_NET"}
var unsubscribeBodies = []string{
	"unsubscribe",
	"UNSUBSCRIBE",
	"Please unsubscribe me from this list. I have retired. Thank you all for years of help!",
	"How do I get off this list? I have tried the link and it does not work. Please remove me.",
	"Please take me off this list, I have moved to a classroom position. Thanks.",
}

// attachments: file names by kind. Small ones are lesson material; large ones are photos
// and scanned documents.
var (
	pdfNames  = []string{"Year5-resilience-booklist.pdf", "Library-orientation-checklist.pdf", "Reconsideration-form-2024.pdf", "Makerspace-budget.pdf", "Reading-challenge-tracker.pdf"}
	docxNames = []string{"Research-skills-rubric.docx", "Library-aide-duties.docx", "Collection-development-policy.docx", "Genre-labels-list.docx"}
	jpegNames = []string{"display.jpg", "IMG_4821.jpg", "book-week-door.jpg", "IMG_0937.jpg"}
)
