package dev.voting.e2e.ops;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PromQlTest {

    @Test
    void namesAreTheIdentifiersThatAreNeitherFunctionsNorKeywordsNorLabels() {
        assertEquals(Set.of("http_server_requests_seconds_count"), PromQl.metricNames(
                "sum by (route, status) (rate(http_server_requests_seconds_count{status=~\"5..\", route!=\"x y\"}[5m])) > 0"));
        assertEquals(Set.of("worker_vote_lag_seconds_bucket", "queue_messages"), PromQl.metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(worker_vote_lag_seconds_bucket[5m]))) > 30 "
                        + "or (max(deriv(queue_messages{role=\"main\"}[10m])) > 0 and max(queue_messages) > 10000)"));
        assertEquals(Set.of("queue_consumers", "up"), PromQl.metricNames("max(queue_consumers) == 0 or absent(up{job=\"w\"} == 1)"));
        assertEquals(Set.of("a", "b"), PromQl.metricNames("a / on (x) group_left (y) b offset 5m"));
    }

    @Test
    void unbalancedExpressionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PromQl.metricNames("sum(rate(x[5m])"));
        assertThrows(IllegalArgumentException.class, () -> PromQl.metricNames("x{a=\"b\""));
    }
}
