-- Schema version 4: follow-up flags, per recipient.
--
-- A flag is anchored to a message of its thread (the opening message when it was set), not to
-- the thread row: threads merge and are rebuilt by reindex, while a message's thread is always
-- known. recipient is the lower-case address; '' is the local reader of a database used
-- without configured recipients.
CREATE TABLE flags (
	id         INTEGER PRIMARY KEY,
	recipient  TEXT NOT NULL,
	anchor     TEXT NOT NULL,            -- Message-ID without brackets
	note       TEXT NOT NULL DEFAULT '',
	remind_at  INTEGER,                  -- NULL: no reminder
	state      TEXT NOT NULL,            -- open | done
	source     TEXT NOT NULL,            -- cli | imap | link
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (recipient, anchor)
);
CREATE INDEX flags_anchor ON flags(anchor);

-- Threads flagged under version 3 (one flag for everyone) become the local reader's flags.
INSERT OR IGNORE INTO flags (recipient, anchor, state, source, created_at, updated_at)
	SELECT '', (SELECT message_id FROM messages WHERE thread_id = t.id ORDER BY date, message_id LIMIT 1), 'open', 'cli',
		CAST(strftime('%s', 'now') AS INTEGER), CAST(strftime('%s', 'now') AS INTEGER)
	FROM threads t WHERE t.flagged = 1
		AND EXISTS (SELECT 1 FROM messages WHERE thread_id = t.id);

-- Flags set in the reader's own mail client: the last \Flagged state seen on the server for
-- each copy, so that a change in either direction is noticed, and the folder's HIGHESTMODSEQ
-- so that servers with CONDSTORE only report what changed.
ALTER TABLE locations ADD COLUMN server_flagged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN highest_modseq INTEGER NOT NULL DEFAULT 0;
