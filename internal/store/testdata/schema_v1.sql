-- Frozen copy of schema version 1, for the upgrade test. DO NOT EDIT.
-- Schema version 1: messages, where they were seen, their raw bytes, threads and sync checkpoints.
-- Times are Unix seconds, UTC.

CREATE TABLE threads (
	id            INTEGER PRIMARY KEY,
	-- key is the public, stable id: derived from the Message-ID of the thread's earliest message.
	key           TEXT NOT NULL UNIQUE,
	subject       TEXT NOT NULL DEFAULT '',
	first_at      INTEGER NOT NULL,
	last_at       INTEGER NOT NULL,
	message_count INTEGER NOT NULL DEFAULT 0,
	category      TEXT,
	flagged       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX threads_last_at ON threads(last_at);

CREATE TABLE messages (
	id             INTEGER PRIMARY KEY,
	-- message_id is the normalised Message-ID without angle brackets (synthetic when absent).
	message_id     TEXT NOT NULL UNIQUE,
	synthetic_id   INTEGER NOT NULL DEFAULT 0,
	thread_id      INTEGER REFERENCES threads(id),
	subject        TEXT NOT NULL DEFAULT '',
	from_name      TEXT NOT NULL DEFAULT '',
	from_addr      TEXT NOT NULL DEFAULT '',
	date           INTEGER NOT NULL,
	date_source    TEXT NOT NULL DEFAULT '',
	list_id        TEXT NOT NULL DEFAULT '',
	list_name      TEXT NOT NULL DEFAULT '',
	in_reply_to    TEXT NOT NULL DEFAULT '[]', -- JSON array of ids
	refs           TEXT NOT NULL DEFAULT '[]', -- JSON array of ids
	thread_index   TEXT NOT NULL DEFAULT '',
	thread_topic   TEXT NOT NULL DEFAULT '',
	auto_submitted TEXT NOT NULL DEFAULT '',
	precedence     TEXT NOT NULL DEFAULT '',
	x_autoreply    TEXT NOT NULL DEFAULT '',
	content_type   TEXT NOT NULL DEFAULT '',
	parts          TEXT NOT NULL DEFAULT '[]', -- JSON array of {content_type, charset, ...}
	body_text      TEXT NOT NULL DEFAULT '',
	text_source    TEXT NOT NULL DEFAULT '',
	footer         TEXT NOT NULL DEFAULT '',
	size           INTEGER NOT NULL DEFAULT 0,
	truncated      INTEGER NOT NULL DEFAULT 0,
	notes          TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
	-- parse_error is NULL when the message parsed cleanly.
	parse_error    TEXT,
	-- arrived_at is when the copy reached us (INTERNALDATE, mbox From_ line), the last-resort date.
	arrived_at     INTEGER NOT NULL DEFAULT 0,
	created_at     INTEGER NOT NULL
);
CREATE INDEX messages_thread ON messages(thread_id);
CREATE INDEX messages_date ON messages(date);
CREATE INDEX messages_errors ON messages(id) WHERE parse_error IS NOT NULL;

-- Raw bytes live apart from the parsed columns so that scans of messages stay small.
CREATE TABLE raw_messages (
	message_id  INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
	compression TEXT NOT NULL, -- 'zstd', 'deflate' or 'none'
	sha256      TEXT NOT NULL,
	data        BLOB NOT NULL
);

-- raw_variants keeps the bytes of a copy that shares its Message-ID with a stored message but
-- differs from it (another list's footer, a resend): the first copy stays the one shown, but
-- nothing that arrived is thrown away.
CREATE TABLE raw_variants (
	location_id INTEGER PRIMARY KEY REFERENCES locations(id) ON DELETE CASCADE,
	compression TEXT NOT NULL,
	sha256      TEXT NOT NULL,
	data        BLOB NOT NULL
);

-- message_refs indexes In-Reply-To and References for threading in both directions.
CREATE TABLE message_refs (
	message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
	ref        TEXT NOT NULL,
	PRIMARY KEY (message_id, ref)
) WITHOUT ROWID;
CREATE INDEX message_refs_ref ON message_refs(ref);

-- locations records every place a message was seen: an IMAP folder (uidvalidity, uid) or an
-- imported file, with the list identity of that copy (a cross-post has one row per list).
CREATE TABLE locations (
	id          INTEGER PRIMARY KEY,
	message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
	source      TEXT NOT NULL,          -- mailbox name, or 'import'
	folder      TEXT NOT NULL DEFAULT '',
	uidvalidity INTEGER NOT NULL DEFAULT 0,
	uid         INTEGER NOT NULL DEFAULT 0,
	path        TEXT NOT NULL DEFAULT '',
	list_id     TEXT NOT NULL DEFAULT '',
	seen_at     INTEGER NOT NULL,
	UNIQUE (source, folder, uidvalidity, uid, path)
);
CREATE INDEX locations_message ON locations(message_id);

-- sync_state is the checkpoint of one folder of one mailbox. It is written in the same
-- transaction as the messages it covers, so a crash never skips or doubles mail.
CREATE TABLE sync_state (
	mailbox     TEXT NOT NULL,
	folder      TEXT NOT NULL,
	uidvalidity INTEGER NOT NULL DEFAULT 0,
	last_uid    INTEGER NOT NULL DEFAULT 0,
	last_sync_at INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (mailbox, folder)
);

-- mailbox_state says whether a mailbox is stopped for good (e.g. authentication refused) and why.
CREATE TABLE mailbox_state (
	mailbox    TEXT PRIMARY KEY,
	disabled   INTEGER NOT NULL DEFAULT 0,
	reason     TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL
);
