-- Schema version 6: the search index's external content is a view of the messages already
-- indexed (id <= search_progress.indexed_upto) instead of the whole messages table.
--
-- Since SQLite 3.44, PRAGMA integrity_check also checks every FTS index against its content,
-- and with content="messages" the messages stored but not yet indexed (indexing runs behind
-- the sync) were reported as "malformed inverted index": every database failed the check an
-- operator runs after a crash or a restore. Over the view, index and content agree at every
-- moment. Snippets and the triggers' deletes read the view, which holds exactly the indexed
-- rows. The index is rebuilt behind the sync from scratch.
DROP TRIGGER message_search_before_update;
DROP TRIGGER message_search_after_update;
DROP TRIGGER message_search_delete;
DROP TABLE message_search;

CREATE VIEW message_search_content AS
	SELECT id AS rowid, subject, author, body_text FROM messages
	WHERE id <= (SELECT indexed_upto FROM search_progress);

CREATE VIRTUAL TABLE message_search USING fts4(content="message_search_content", subject, author, body_text,
	tokenize=unicode61 "remove_diacritics=1");

UPDATE search_progress SET indexed_upto = 0;

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
