-- Schema version 5: what the web UI needs beyond the digest.
--
-- Full-text search over every stored message. FTS4, not FTS5: go-sqlite3 compiles FTS4 in by
-- default, FTS5 only with a build tag, and a plain `go build` must keep working. The index is
-- external-content (content="messages", docid = messages.id): it keeps only the index, not a
-- second copy of every body. author is a virtual generated column, so that from:name matches
-- the display name and the address. unicode61 with remove_diacritics folds "Café" to "cafe".
--
-- Messages are indexed behind the sync, not in its transactions: tokenizing every body would
-- more than double the time of a first sync. search_progress.indexed_upto is the highest
-- messages.id indexed; Store.IndexSearch moves it on in chunks (the daemon does, and a search
-- catches up first). Triggers keep already-indexed rows in step when reindex rewrites their
-- text; an external-content index must drop a row before its text changes and take the new
-- text after, and must never be asked to drop a row it does not hold.
ALTER TABLE messages ADD COLUMN author TEXT GENERATED ALWAYS AS (from_name || ' ' || from_addr) VIRTUAL;

CREATE VIRTUAL TABLE message_search USING fts4(content="messages", subject, author, body_text,
	tokenize=unicode61 "remove_diacritics=1");

CREATE TABLE search_progress (
	id           INTEGER PRIMARY KEY CHECK (id = 1),
	indexed_upto INTEGER NOT NULL
);
INSERT INTO search_progress (id, indexed_upto) VALUES (1, 0);

CREATE TRIGGER message_search_before_update BEFORE UPDATE OF subject, from_name, from_addr, body_text ON messages
	WHEN old.id <= (SELECT indexed_upto FROM search_progress) BEGIN
	DELETE FROM message_search WHERE docid = old.id;
END;

CREATE TRIGGER message_search_after_update AFTER UPDATE OF subject, from_name, from_addr, body_text ON messages
	WHEN new.id <= (SELECT indexed_upto FROM search_progress) BEGIN
	INSERT INTO message_search (docid, subject, author, body_text) VALUES (new.id, new.subject, new.author, new.body_text);
END;

CREATE TRIGGER message_search_delete BEFORE DELETE ON messages
	WHEN old.id <= (SELECT indexed_upto FROM search_progress) BEGIN
	DELETE FROM message_search WHERE docid = old.id;
END;

-- Read marks, per recipient. Like flags, a mark is anchored to the thread's opening message,
-- which survives merges and reindexing. read_upto is the thread's last activity when it was
-- marked: a reply after that makes the thread unread again.
CREATE TABLE reads (
	recipient  TEXT NOT NULL,
	anchor     TEXT NOT NULL, -- Message-ID without brackets
	read_upto  INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (recipient, anchor)
) WITHOUT ROWID;

-- Each digest exactly as it was handed to the mail server, for the archive page. Kept apart
-- from the ledger so that listing the ledger never reads the bodies.
CREATE TABLE digest_bodies (
	digest_id   INTEGER PRIMARY KEY REFERENCES digests(id) ON DELETE CASCADE,
	compression TEXT NOT NULL,
	data        BLOB NOT NULL
);
