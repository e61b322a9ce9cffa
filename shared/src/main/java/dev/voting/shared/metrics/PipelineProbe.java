package dev.voting.shared.metrics;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.voting.shared.amqp.Channels;
import dev.voting.shared.amqp.ConnectionHolder;
import dev.voting.shared.config.Config;
import dev.voting.shared.http.Readiness;
import dev.voting.shared.lifecycle.Dependency;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gauges of the pipeline around a process, refreshed every few seconds off the request path: the
 * depth of the vote queue and of its dead-letter queue, how many consumers the queue has, and
 * whether each dependency answers. Both processes run one, so the API still reports "no consumer"
 * when every worker is gone (and with it the workers' own metrics).
 *
 * <p>Meters: {@code queue_messages{queue,role=main|dead_letter}} (ready messages, from a passive
 * declare), {@code queue_consumers{queue}}, {@code dependency_up{dependency}} (1 or 0). A value
 * that could not be read is NaN, which Prometheus drops, rather than a misleading 0.
 */
public final class PipelineProbe implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PipelineProbe.class);

    private final ConnectionHolder rabbit;
    private final Config.Rabbit config;
    private final Readiness readiness;
    private final Duration interval;
    private final AtomicLong queueDepth = new AtomicLong(-1);
    private final AtomicLong deadLetterDepth = new AtomicLong(-1);
    private final AtomicLong consumers = new AtomicLong(-1);
    private final Map<Dependency, AtomicLong> up = new EnumMap<>(Dependency.class);
    private final Thread thread;
    private Channel channel;  // owned by the probe's thread alone
    private volatile boolean closed;

    public PipelineProbe(ConnectionHolder rabbit, Config.Rabbit config, Readiness readiness, MeterRegistry registry,
                         Duration interval) {
        this.rabbit = rabbit;
        this.config = config;
        this.readiness = readiness;
        this.interval = interval;
        gauge(registry, "queue.messages", queueDepth, "Messages ready in the queue", config.queue(), "main");
        gauge(registry, "queue.messages", deadLetterDepth, "Messages ready in the queue", config.deadLetterQueue(), "dead_letter");
        Gauge.builder("queue.consumers", consumers, PipelineProbe::valueOrNaN).tag("queue", config.queue())
                .description("Consumers of the vote queue (0: no worker is consuming)").register(registry);
        for (Dependency dependency : Dependency.values()) {
            AtomicLong value = new AtomicLong(-1);
            up.put(dependency, value);
            Gauge.builder("dependency.up", value, PipelineProbe::valueOrNaN)
                    .tag("dependency", dependency.name().toLowerCase(Locale.ROOT))
                    .description("1 when the dependency answered the last readiness check, else 0").register(registry);
        }
        thread = Thread.ofVirtual().name("pipeline-probe").start(this::run);
    }

    private static void gauge(MeterRegistry registry, String name, AtomicLong value, String description, String queue, String role) {
        Gauge.builder(name, value, PipelineProbe::valueOrNaN).tag("queue", queue).tag("role", role)
                .description(description).baseUnit("messages").register(registry);
    }

    private static double valueOrNaN(AtomicLong value) {
        long current = value.get();
        return current < 0 ? Double.NaN : current;
    }

    private void run() {
        while (!closed) {
            probeOnce();
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One round: readiness, then the queues. Never throws: a probe that fails reports NaN or 0 and tries again. */
    void probeOnce() {
        try {
            List<Dependency> down = readiness.down();
            up.forEach((dependency, value) -> value.set(down.contains(dependency) ? 0 : 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            Channel current = channel();
            AMQP.Queue.DeclareOk main = current.queueDeclarePassive(config.queue());
            queueDepth.set(main.getMessageCount());
            consumers.set(main.getConsumerCount());
            deadLetterDepth.set(current.queueDeclarePassive(config.deadLetterQueue()).getMessageCount());
        } catch (IOException | RuntimeException e) {  // broker away, or a queue missing (which closes the channel)
            queueDepth.set(-1);
            deadLetterDepth.set(-1);
            consumers.set(-1);
            log.debug("queue probe failed: {}", e.toString());
        }
    }

    private Channel channel() throws IOException {
        if (channel == null || !channel.isOpen()) {
            channel = rabbit.openChannel();
        }
        return channel;
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.interrupt();
        thread.join(Duration.ofSeconds(5));
        Channels.closeQuietly(channel, "queue probe");
    }
}
