-- The voting schema. PostgreSQL is the system's source of truth; Redis only caches what is here.

CREATE TYPE vote_processing_status AS ENUM ('received', 'validating', 'processed', 'failed');

CREATE TABLE polls (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title       text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    status      text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    closes_at   timestamptz,
    -- Set when an admin closes the poll; a vote counts only if accepted before it (G8).
    closed_at   timestamptz,
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);

CREATE TABLE candidates (
    id        bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    poll_id   bigint  NOT NULL REFERENCES polls (id),
    name      text    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    position  integer NOT NULL,
    UNIQUE (poll_id, id),
    UNIQUE (poll_id, position)
);

-- Voters as the system has seen them: the JWT subject, recorded with their first counted vote.
CREATE TABLE users (
    id            text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
    first_vote_at timestamptz NOT NULL DEFAULT now()
);

-- Counted votes. The unique key on (poll_id, voter_id) is the guarantee of one vote per voter per poll.
CREATE TABLE votes (
    id           uuid                   PRIMARY KEY,
    poll_id      bigint                 NOT NULL,
    candidate_id bigint                 NOT NULL,
    voter_id     text                   NOT NULL,
    status       vote_processing_status NOT NULL DEFAULT 'processed',
    accepted_at  timestamptz            NOT NULL,
    processed_at timestamptz            NOT NULL DEFAULT now(),
    client_ip    text,
    UNIQUE (poll_id, voter_id),
    FOREIGN KEY (poll_id, candidate_id) REFERENCES candidates (poll_id, id)
);

-- Per-candidate counts, raised in the same transaction as the vote rows they count (G3).
CREATE TABLE candidate_counts (
    candidate_id bigint PRIMARY KEY REFERENCES candidates (id),
    poll_id      bigint NOT NULL REFERENCES polls (id),
    votes        bigint NOT NULL DEFAULT 0 CHECK (votes >= 0)
);
CREATE INDEX candidate_counts_poll ON candidate_counts (poll_id);

-- Votes that were read but not counted, with the reason: unknown poll or candidate, poll closed,
-- already voted. No foreign keys: the reason may be that the poll does not exist.
CREATE TABLE rejected_votes (
    vote_id      uuid                   PRIMARY KEY,
    poll_id      bigint                 NOT NULL,
    candidate_id bigint                 NOT NULL,
    voter_id     text                   NOT NULL,
    status       vote_processing_status NOT NULL DEFAULT 'failed',
    reason       text                   NOT NULL,
    accepted_at  timestamptz            NOT NULL,
    processed_at timestamptz            NOT NULL DEFAULT now()
);
