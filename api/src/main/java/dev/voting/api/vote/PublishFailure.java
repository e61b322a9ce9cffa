package dev.voting.api.vote;

/**
 * Why a vote's message has no confirm, and whether it may still reach the queue. The answer a voter
 * gets rests on that difference (G5, G9): a vote that was never handed to the broker, or that the
 * broker refused, is not recorded; one written to a channel whose confirm never came may still be
 * queued and counted, so nobody may tell the voter it is not.
 */
final class PublishFailure extends RuntimeException {
    private final boolean mayBeQueued;

    private PublishFailure(String message, boolean mayBeQueued) {
        super(message, null, false, false);
        this.mayBeQueued = mayBeQueued;
    }

    /** The broker never took the message, or refused it: the vote will never be counted. */
    static PublishFailure notQueued(String why) {
        return new PublishFailure(why, false);
    }

    /** The message was written but its confirm did not come: the broker may still queue it. */
    static PublishFailure unconfirmed(String why) {
        return new PublishFailure(why, true);
    }

    boolean mayBeQueued() {
        return mayBeQueued;
    }
}
