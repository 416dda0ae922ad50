import TocsinSystem

/// The store's schema, as numbered migrations (PRAGMA user_version holds the number applied).
/// A migration is never edited once shipped; changes go in a new one.
package enum Schema {
    package static let migrations: [String] = [
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE incidents (
            number INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            state TEXT NOT NULL,
            kind TEXT,
            severity INTEGER,
            summary TEXT,
            rule TEXT,
            schedule_digest TEXT NOT NULL DEFAULT '',
            fired_steps INTEGER NOT NULL DEFAULT 0,
            repeats_sent INTEGER NOT NULL DEFAULT 0,
            began INTEGER NOT NULL,
            opened INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            count INTEGER NOT NULL,
            acked_at INTEGER, acked_by TEXT,
            resolved_at INTEGER, resolved_by TEXT, cause TEXT,
            told TEXT NOT NULL DEFAULT '',
            thread_root TEXT,
            fields TEXT NOT NULL
        );
        CREATE INDEX incidents_open ON incidents (state) WHERE state != 'resolved';
        CREATE INDEX incidents_id ON incidents (id);
        CREATE INDEX incidents_began ON incidents (began);
        CREATE TABLE timeline (
            seq INTEGER PRIMARY KEY,
            incident INTEGER,
            at INTEGER NOT NULL,
            what TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '',
            source TEXT,
            uid INTEGER,
            pid INTEGER
        );
        CREATE INDEX timeline_incident ON timeline (incident);
        CREATE TABLE outbox (
            message_id TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            contact TEXT NOT NULL,
            channel TEXT NOT NULL,
            target TEXT NOT NULL,
            purpose TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            in_reply_to TEXT,
            incident INTEGER,
            incidents TEXT NOT NULL DEFAULT '',
            incident_id TEXT, kind TEXT, severity INTEGER, rule TEXT,
            step TEXT NOT NULL,
            created INTEGER NOT NULL,
            content BLOB,
            storm_group TEXT,
            release_at INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt INTEGER,
            last_error TEXT,
            sent_at INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX outbox_pending ON outbox (status) WHERE status IN ('held', 'queued');
        CREATE TABLE spool_done (name TEXT PRIMARY KEY, digest INTEGER NOT NULL, done_at INTEGER NOT NULL) WITHOUT ROWID;
        """,
        // Messages held by storm control get a table of their own, with no index: a storm
        // of 100,000 firings appends rows, and a release deletes its key's rows in one
        // statement (they used to be outbox rows, each marked `merged` on release).
        """
        CREATE TABLE held (
            seq INTEGER PRIMARY KEY,
            message_id TEXT NOT NULL,
            storm_group TEXT NOT NULL,
            contact TEXT NOT NULL,
            channel TEXT NOT NULL,
            target TEXT NOT NULL,
            purpose TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            in_reply_to TEXT,
            incident INTEGER,
            incidents TEXT NOT NULL DEFAULT '',
            incident_id TEXT, kind TEXT, severity INTEGER, rule TEXT,
            step TEXT NOT NULL,
            created INTEGER NOT NULL,
            release_at INTEGER NOT NULL
        );
        INSERT INTO held (message_id, storm_group, contact, channel, target, purpose, subject, body, in_reply_to, incident,
            incidents, incident_id, kind, severity, rule, step, created, release_at)
        SELECT message_id, COALESCE(storm_group, '-'), contact, channel, target, purpose, subject, body, in_reply_to, incident,
            incidents, incident_id, kind, severity, rule, step, created, COALESCE(release_at, created)
        FROM outbox WHERE status = 'held' ORDER BY created;
        DELETE FROM outbox WHERE status = 'held';
        """,
        // tocsind counts failed notifications at start; sent rows are kept, so without an
        // index that count read the whole outbox.
        """
        CREATE INDEX outbox_failed ON outbox (status) WHERE status = 'failed';
        """,
        // Held messages are kept a round's gathering at a time: one row holds every message
        // a round held for one contact and rule (`HeldMessageCodec`), so a storm of 100,000
        // firings writes a row per round instead of a row per message. `Store.migrate` packs
        // the rows of `held` into it and drops `held` (the packing is not SQL).
        """
        CREATE TABLE held_chunks (
            seq INTEGER PRIMARY KEY,
            storm_group TEXT NOT NULL,
            contact TEXT NOT NULL,
            release_at INTEGER NOT NULL,
            count INTEGER NOT NULL,
            messages BLOB NOT NULL
        );
        """,
        // Every new incident paid for an entry in an index on `began` that only `tocsinctl
        // export` read; an export now reads the table through (one day out of
        // 1,000,000 incidents: 0.23 s), and ingest is ~10% cheaper on the writer.
        """
        DROP INDEX IF EXISTS incidents_began;
        """,
        // A step firing's progress (the steps fired, who was told, the thread's first
        // Message-ID) gets a narrow row of its own: an UPDATE of the incident's row made SQLite
        // rewrite the whole row with its fields, half the writer's work in a timer storm.
        // Where an incident has a row here, it is the incident's progress (readers join it);
        // a whole save of that incident writes it too, and resolving it deletes it.
        """
        CREATE TABLE progress (
            number INTEGER PRIMARY KEY,
            fired_steps INTEGER NOT NULL,
            repeats_sent INTEGER NOT NULL,
            told TEXT NOT NULL,
            thread_root TEXT
        );
        """,
        // Counters kept as they change, so `tocsinctl status` and a start read a row
        // instead of counting the outbox (sent mail is most of a store with history).
        // Queries of queued mail repeat the partial index's own condition
        // (`status IN ('held', 'queued')`), which SQLite needs to see to use it.
        """
        CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO counters (name, value) SELECT 'outbox_sent', COUNT(*) FROM outbox WHERE status = 'sent';
        """,
        // An export of a span finds most of its incidents by number (they are opened in
        // order, and an event's `at` is at most 5 minutes ahead of its receipt): only those
        // whose `at` lies more than 5 minutes before their opening (backdated reports,
        // rare) need an index on `began`, and this partial one holds just them, so ingest
        // pays nothing for the others.
        """
        CREATE INDEX incidents_backdated ON incidents (began) WHERE began < opened - 300000;
        """,
        // Silences (SPEC §14): facts, never rewritten but for an early expiry, so the held
        // intervals they give are the same after any restart.
        """
        CREATE TABLE silences (
            number INTEGER PRIMARY KEY,
            matchers TEXT NOT NULL,
            from_ms INTEGER NOT NULL,
            until_ms INTEGER NOT NULL,
            reason TEXT NOT NULL,
            by TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            expired_ms INTEGER
        );
        """,
        // Holds recorded with an incident as they happen (an ack under ack-timeout, a wait
        // on a parent): `ref` names the parent's number, or '' for an ack. Deadlines are
        // derived from these rows, so a restart finds the same ones. Resolving an incident
        // deletes its rows.
        """
        CREATE TABLE holds (
            incident INTEGER NOT NULL,
            cause TEXT NOT NULL,
            ref TEXT NOT NULL,
            from_ms INTEGER NOT NULL,
            until_ms INTEGER,
            PRIMARY KEY (incident, cause, ref, from_ms)
        ) WITHOUT ROWID;
        """,
        // Replies acted on (SPEC §17), by the reply's own Message-ID (or a digest of it):
        // the same reply delivered twice acts once. Kept as long as resolved incidents.
        """
        CREATE TABLE replies (
            key TEXT PRIMARY KEY,
            at_ms INTEGER NOT NULL,
            incident INTEGER NOT NULL,
            contact TEXT NOT NULL,
            action TEXT NOT NULL
        ) WITHOUT ROWID;
        """,
    ]

    /// The schema version whose migration is followed by `Store.packHeldRows`.
    package static let heldChunksVersion = 4
}
