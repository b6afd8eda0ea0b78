-- Schema version 5: what the web UI needs beyond the digest.
--
-- Full-text search over every stored message. FTS4, not FTS5: go-sqlite3 compiles FTS4 in by
-- default, FTS5 only with a build tag, and a plain `go build` must keep working. docid is
-- messages.id. Triggers keep the index in step with every write path (sync, import, reindex)
-- without any of them knowing it exists. unicode61 with remove_diacritics folds "Café" to
-- "cafe" and splits on punctuation in any script.
CREATE VIRTUAL TABLE message_search USING fts4(subject, author, body, tokenize=unicode61 "remove_diacritics=1");

INSERT INTO message_search (docid, subject, author, body)
	SELECT id, subject, from_name || ' ' || from_addr, body_text FROM messages;

CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
	INSERT INTO message_search (docid, subject, author, body)
		VALUES (new.id, new.subject, new.from_name || ' ' || new.from_addr, new.body_text);
END;

CREATE TRIGGER message_search_update AFTER UPDATE OF subject, from_name, from_addr, body_text ON messages BEGIN
	DELETE FROM message_search WHERE docid = old.id;
	INSERT INTO message_search (docid, subject, author, body)
		VALUES (new.id, new.subject, new.from_name || ' ' || new.from_addr, new.body_text);
END;

CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
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
