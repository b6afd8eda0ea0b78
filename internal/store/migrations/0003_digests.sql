-- Schema version 3: the digest ledger. One row per recipient and scheduled send time, claimed
-- before anything is sent, so a digest goes out exactly once per period.
--
-- States: claimed (row written, nothing sent) → sending (delivery started) → sent; or retry
-- (a temporary failure, tried again at next_attempt_at), failed (permanent: the reader's next
-- digest covers this period again), skipped (nothing new and send_empty is off).
-- message_id is derived from recipient and slot, so a delivery that is repeated after a crash
-- carries the same Message-ID and receiving systems (and our IMAP append) can recognise it.
CREATE TABLE digests (
	id              INTEGER PRIMARY KEY,
	recipient       TEXT NOT NULL,
	slot            INTEGER NOT NULL,
	period_from     INTEGER NOT NULL,
	period_to       INTEGER NOT NULL,
	message_id      TEXT NOT NULL,
	state           TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	subject         TEXT NOT NULL DEFAULT '',
	words           INTEGER NOT NULL DEFAULT 0,
	threads         INTEGER NOT NULL DEFAULT 0,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	UNIQUE (recipient, slot)
);
CREATE INDEX digests_pending ON digests(state, next_attempt_at) WHERE state IN ('claimed', 'sending', 'retry');
CREATE INDEX messages_created ON messages(created_at);
