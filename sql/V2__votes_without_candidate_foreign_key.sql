-- The worker inserts a vote only after joining it to its poll and candidate, in the same statement,
-- so the foreign key checked nothing new. It cost a lookup and a KEY SHARE row lock on the candidate
-- per vote: every concurrent batch locked the same few candidate rows, which PostgreSQL records as
-- multixacts. Candidates are never deleted.
ALTER TABLE votes DROP CONSTRAINT votes_poll_id_candidate_id_fkey;
