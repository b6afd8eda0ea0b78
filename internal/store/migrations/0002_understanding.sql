-- Schema version 2: what threading and categorising need.

-- Per message: the normalised subject and Outlook conversation key used to place it, how it
-- was placed (for `listdigest explain`), and whether it is noise kept out of digests.
ALTER TABLE messages ADD COLUMN norm_subject TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN conv_key TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN thread_method TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN thread_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN noise INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN noise_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX messages_conv_key ON messages(conv_key);
CREATE INDEX messages_subject ON messages(norm_subject, date);

-- Per thread: the opening message's normalised subject and list keyword (TARGET, HIT, GEN...),
-- and how the category was decided. category_manual marks a reader's correction, which
-- recategorising never overrides.
ALTER TABLE threads ADD COLUMN norm_subject TEXT NOT NULL DEFAULT '';
ALTER TABLE threads ADD COLUMN keyword TEXT NOT NULL DEFAULT '';
ALTER TABLE threads ADD COLUMN category_layer TEXT NOT NULL DEFAULT '';
ALTER TABLE threads ADD COLUMN category_reason TEXT NOT NULL DEFAULT ''; -- JSON categorize.Result
ALTER TABLE threads ADD COLUMN category_manual INTEGER NOT NULL DEFAULT 0;
-- opening_id is the earliest message; when it changes the thread is recategorised.
ALTER TABLE threads ADD COLUMN opening_id INTEGER NOT NULL DEFAULT 0;
CREATE INDEX threads_subject ON threads(norm_subject, last_at);
CREATE INDEX threads_keyword ON threads(keyword, first_at);

-- A thread merged into another keeps answering to its old public id.
CREATE TABLE thread_aliases (
	key       TEXT PRIMARY KEY,
	thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE
);

-- A HIT thread answers the TARGET thread it summarises.
CREATE TABLE thread_links (
	hit_thread    INTEGER PRIMARY KEY REFERENCES threads(id) ON DELETE CASCADE,
	target_thread INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
	score         REAL NOT NULL,
	reason        TEXT NOT NULL
);
CREATE INDEX thread_links_target ON thread_links(target_thread);

-- A reader's category corrections, kept as training examples: they survive reindexing and
-- retrain the classifier. thread_key is the public id at the time of the correction.
CREATE TABLE category_corrections (
	id         INTEGER PRIMARY KEY,
	thread_key TEXT NOT NULL,
	message_id TEXT NOT NULL, -- the opening message, so a reindex can find the thread again
	category   TEXT NOT NULL,
	subject    TEXT NOT NULL,
	text       TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
