-- The Redis epoch under which a poll's first vote was admitted. Redis's markers answer repeats
-- only for polls whose every vote was admitted under Redis's current epoch; a poll that outlived
-- a loss of Redis's data is answered from this database instead (see the API's PollTrust).
ALTER TABLE polls ADD COLUMN admission_epoch text;
