package dev.voting.worker;

import dev.voting.shared.vote.VoteCodec;

/** What every lane of a worker uses, each built once and thread-safe. */
record LaneServices(VoteCodec codec, VoteWriter writer, LiveCounts liveCounts, CommitObserver observer, WorkerMetrics metrics) {
}
