-- Votes partitioned by poll: 16 hash partitions of poll_id, so that a year of a billion votes is
-- sixteen tables of ~60 million rows that (auto)vacuum, freeze and reindex one at a time, instead
-- of one table whose every vacuum pass walks all of it. A poll's votes all live in one partition,
-- so the queries by poll (the insert, the repeat check, counted votes) touch one table.
-- docs/operations.md says why hash and why 16, and how to add partitions, vacuum and archive.
--
-- The rows are copied, under an exclusive lock on votes for the whole migration: workers wait (votes
-- wait in RabbitMQ), and so do reads of votes. It took 13–16 s for a million votes (184 MB) on a 2-core
-- test machine, indexes included; see docs/operations.md before running it on a large table.

ALTER TABLE votes RENAME TO votes_unpartitioned;
ALTER TABLE votes_unpartitioned RENAME CONSTRAINT votes_pkey TO votes_unpartitioned_pkey;
ALTER TABLE votes_unpartitioned RENAME CONSTRAINT votes_poll_id_voter_id_key TO votes_unpartitioned_poll_id_voter_id_key;

-- The same columns, types, NOT NULLs and defaults; keys follow, after the copy.
CREATE TABLE votes (LIKE votes_unpartitioned INCLUDING DEFAULTS) PARTITION BY HASH (poll_id);

DO $$
BEGIN
    FOR remainder IN 0..15 LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF votes FOR VALUES WITH (MODULUS 16, REMAINDER %s)',
                       'votes_p' || lpad(remainder::text, 2, '0'), remainder);
    END LOOP;
END $$;

INSERT INTO votes SELECT * FROM votes_unpartitioned;

-- Built after the copy: one sort per partition is faster than growing the indexes row by row.
-- A key of a partitioned table must hold the partition key. (poll_id, voter_id) is the guarantee of
-- one vote per voter per poll, as before. The vote id leads the primary key so that a lookup by id
-- alone (GET /votes/{id}) is one index probe per partition, and the time-ordered ids still append
-- at the index's right edge; a vote id is unique with its poll, and the API makes them unique anyway.
ALTER TABLE votes ADD CONSTRAINT votes_pkey PRIMARY KEY (id, poll_id);
ALTER TABLE votes ADD CONSTRAINT votes_poll_id_voter_id_key UNIQUE (poll_id, voter_id);

DROP TABLE votes_unpartitioned;

-- Autovacuum analyzes the partitions, never the partitioned table itself; the planner's estimates
-- for a query over all partitions come from here (docs/operations.md: ANALYZE votes now and then).
ANALYZE votes;
