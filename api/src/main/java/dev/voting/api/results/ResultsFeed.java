package dev.voting.api.results;

import dev.voting.api.poll.Poll;
import dev.voting.api.poll.PollCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The ticker of one poll and its viewers, for {@link ResultsFeeds}. */
final class ResultsFeed implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ResultsFeed.class);

    /** The results without their {@code asOf}: what a viewer sees change. */
    private record Shown(String status, String title, List<Results.CandidateResult> results) {
        static Shown of(Results results) {
            return new Shown(results.status(), results.title(), results.results());
        }
    }

    private final long pollId;
    private final ResultsService service;
    private final PollCatalog polls;
    private final Duration interval;
    private final ResultsFeeds owner;
    private final Set<ResultsSubscription> viewers = ConcurrentHashMap.newKeySet();
    private volatile Poll poll;
    private volatile Results last;
    private boolean stopped;

    private ResultsFeed(Poll poll, ResultsService service, PollCatalog polls, Duration interval, ResultsFeeds owner) {
        this.pollId = poll.id();
        this.poll = poll;
        this.service = service;
        this.polls = polls;
        this.interval = interval;
        this.owner = owner;
    }

    /** A feed whose ticker runs on a virtual thread of its own. */
    static ResultsFeed start(Poll poll, ResultsService service, PollCatalog polls, Duration interval, ResultsFeeds owner) {
        ResultsFeed feed = new ResultsFeed(poll, service, polls, interval, owner);
        Thread.ofVirtual().name("results-feed-" + poll.id()).start(feed);
        return feed;
    }

    /** The results as a GET would have them now. */
    Results read() {
        return service.results(poll);
    }

    synchronized ResultsSubscription add() {
        if (stopped) {
            return null;
        }
        ResultsSubscription subscription = new ResultsSubscription(this);
        viewers.add(subscription);
        if (last != null) {  // the ticker's latest, in case its offer went out just before this viewer came
            subscription.offer(last);
        }
        return subscription;
    }

    /** The viewer has left this feed and the cap of all feeds. */
    void remove(ResultsSubscription subscription) {
        synchronized (this) {
            viewers.remove(subscription);
        }
        owner.left();
    }

    synchronized void stop() {
        stopped = true;
        viewers.forEach(ResultsSubscription::end);
    }

    /** Stops the ticker if nobody watches any more; the check and the stop are one step for {@link #add()}. */
    private synchronized boolean stopIfUnwatched() {
        if (viewers.isEmpty() || owner.isClosed()) {
            stopped = true;
            owner.ended(pollId, this);
            return true;
        }
        return false;
    }

    @Override
    public void run() {
        Shown shown = null;
        try {
            do {  // ticks once before the first check, so that the viewer that made the feed finds it running
                try {
                    poll = polls.find(pollId).orElse(poll);
                    Results current = service.results(poll);
                    Shown now = Shown.of(current);
                    if (!now.equals(shown)) {
                        shown = now;
                        last = current;
                        viewers.forEach(viewer -> viewer.offer(current));
                    }
                } catch (RuntimeException e) {  // PostgreSQL and Redis both away: keep the viewers, try again
                    log.debug("results feed of poll {}: {}", pollId, e.toString());
                }
                Thread.sleep(interval);
            } while (!stopIfUnwatched());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            owner.ended(pollId, this);
        }
    }
}
