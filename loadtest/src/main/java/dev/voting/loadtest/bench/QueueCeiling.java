package dev.voting.loadtest.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmCallback;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.voting.shared.amqp.Amqp;
import dev.voting.shared.amqp.VoteQueue;
import dev.voting.shared.config.Config;
import dev.voting.shared.json.Json;
import dev.voting.shared.vote.Vote;
import dev.voting.shared.vote.VoteCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How much one vote queue takes, alone: persistent vote-batch messages published with confirms into
 * a quorum queue declared as the vote queue is, and acked by a consumer as the worker does, with no
 * database behind it. For each message size it prints messages/s, votes/s and the broker's CPU per
 * message and per vote, the figures behind the capacity table in the README ({@code make bench-queue};
 * {@code QUEUE_BATCHES}, {@code QUEUE_SECONDS}). Runs beside the system's own queue, never touching it.
 */
public final class QueueCeiling {
    private static final int CONFIRM_WINDOW = 256;
    private static final int PREFETCH = 1_000;
    private static final DateTimeFormatter FILE_DATE = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm");

    record Row(int votesPerMessage, double messagesPerSecond, double brokerCpuSeconds, double busyPercent, double seconds) {
        double votesPerSecond() {
            return messagesPerSecond * votesPerMessage;
        }

        double brokerMicrosPerMessage() {
            return brokerCpuSeconds * 1e6 / (messagesPerSecond * seconds);
        }
    }

    public static void main(String[] args) throws Exception {
        Config config = Config.fromEnvironment();
        List<Integer> sizes = Arrays.stream(System.getenv().getOrDefault("QUEUE_BATCHES", "1,10,50,500").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        int seconds = Integer.parseInt(System.getenv().getOrDefault("QUEUE_SECONDS", "15"));
        long broker = ProcStat.listener(config.rabbit().uri().getPort() == -1 ? 5672 : config.rabbit().uri().getPort())
                .orElseThrow(() -> new IllegalStateException("RabbitMQ must run on this machine: its CPU is measured"));
        Config.Rabbit rabbit = config.rabbit();
        Config.Rabbit queue = new Config.Rabbit(rabbit.url(), rabbit.queue() + ".ceiling", rabbit.deliveryLimit(),
                rabbit.maxLength(), rabbit.quorumSize());
        List<Row> rows = new ArrayList<>();
        try (Amqp amqp = new Amqp(queue); Connection connection = amqp.connect("queue-ceiling")) {
            for (int size : sizes) {
                measure(connection, queue, size, 3, broker);  // warm-up
                Row row = measure(connection, queue, size, seconds, broker);
                rows.add(row);
                System.out.printf("queue ceiling: %d votes/message: %,.0f messages/s, %,.0f votes/s, broker %.0f µs/message%n",
                        size, row.messagesPerSecond(), row.votesPerSecond(), row.brokerMicrosPerMessage());
            }
            try (Channel channel = connection.createChannel()) {
                channel.queueDelete(queue.queue());
                channel.queueDelete(queue.deadLetterQueue());
            }
        }
        write(markdown(rows, queue, seconds));
    }

    /** Publishes messages of {@code size} votes for {@code seconds}, a consumer acking them; counts the acked ones. */
    private static Row measure(Connection connection, Config.Rabbit queue, int size, int seconds, long broker)
            throws IOException, InterruptedException {
        try (Channel publisher = connection.createChannel(); Channel consumer = connection.createChannel()) {
            VoteQueue.declare(publisher, queue);
            publisher.queuePurge(queue.queue());
            AtomicLong consumed = new AtomicLong();
            consumer.basicQos(PREFETCH);
            consumer.basicConsume(queue.queue(), false, new DefaultConsumer(consumer) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                        throws IOException {
                    if (consumed.incrementAndGet() % 50 == 0) {
                        consumer.basicAck(envelope.getDeliveryTag(), true);
                    }
                }
            });
            Semaphore window = new Semaphore(CONFIRM_WINDOW);
            publisher.confirmSelect();
            ConcurrentSkipListSet<Long> outstanding = new ConcurrentSkipListSet<>();
            ConfirmCallback release = (tag, multiple) -> window.release(settle(outstanding, tag, multiple));
            publisher.addConfirmListener(release, release);
            VoteCodec.Encoded message = message(size);
            AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                    .deliveryMode(2).contentType(VoteCodec.CONTENT_TYPE).type(message.type()).build();
            long cpuBefore = cpu(broker);
            long busyBefore = ProcStat.machineBusyTicks();
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            long startConsumed = consumed.get();
            while (System.nanoTime() < end) {
                window.acquire();
                outstanding.add(publisher.getNextPublishSeqNo());
                publisher.basicPublish("", queue.queue(), properties, message.body());
            }
            long taken = consumed.get() - startConsumed;
            double elapsed = (System.nanoTime() - start) / 1e9;
            double brokerSeconds = (cpu(broker) - cpuBefore) / ProcStat.TICKS_PER_SECOND;
            double busy = 100.0 * (ProcStat.machineBusyTicks() - busyBefore) / ProcStat.TICKS_PER_SECOND
                    / (elapsed * Runtime.getRuntime().availableProcessors());
            publisher.waitForConfirms(30_000);
            return new Row(size, taken / elapsed, brokerSeconds, busy, elapsed);
        } catch (TimeoutException e) {
            throw new IOException("the broker did not confirm in time", e);
        }
    }

    /** How many messages a confirm (or refusal) settles: one, or with {@code multiple} every tag up to it. */
    private static int settle(ConcurrentSkipListSet<Long> outstanding, long tag, boolean multiple) {
        if (!multiple) {
            return outstanding.remove(tag) ? 1 : 0;
        }
        NavigableSet<Long> settled = outstanding.headSet(tag, true);
        int count = settled.size();
        settled.clear();
        return count;
    }

    private static VoteCodec.Encoded message(int size) {
        List<Vote> votes = new ArrayList<>(size);
        Instant now = Instant.now();
        for (int i = 0; i < size; i++) {
            votes.add(new Vote(UUID.randomUUID(), 1, 1, "ceiling-voter-" + i, now, "127.0.0.1", null));
        }
        return new VoteCodec(Json.newMapper()).encode(votes);
    }

    private static long cpu(long pid) {
        return ProcStat.times(pid).map(t -> t.ownTicks() + t.reapedChildrenTicks()).orElse(0L);
    }

    private static String markdown(List<Row> rows, Config.Rabbit queue, int seconds) {
        BenchResult.Machine machine = Machine.describe();
        StringBuilder out = new StringBuilder("One quorum queue at " + queue.url() + " (x-quorum-initial-group-size "
                + queue.quorumSize() + ": one member per node, at most that many), persistent messages with confirms (window " + CONFIRM_WINDOW + "), one consumer acking; "
                + seconds + " s per size after 3 s of warm-up; " + machine.cpu() + ", " + machine.cores()
                + " cores; commit " + machine.commit() + ".\n\n"
                + "| votes/message | messages/s | votes/s | broker CPU µs/message | broker CPU µs/vote | machine busy |\n"
                + "| ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row row : rows) {
            out.append(String.format("| %d | %,.0f | %,.0f | %.0f | %.1f | %.0f %% |%n", row.votesPerMessage(),
                    row.messagesPerSecond(), row.votesPerSecond(), row.brokerMicrosPerMessage(),
                    row.brokerMicrosPerMessage() / row.votesPerMessage(), row.busyPercent()));
        }
        return out.toString();
    }

    private static void write(String markdown) {
        String name = "queue-ceiling-" + ZonedDateTime.now(ZoneOffset.UTC).format(FILE_DATE);
        Path file = Path.of("loadtest", "results", name + ".md");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "# " + name + "\n\n" + markdown);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        System.out.print(markdown);
        System.out.println("queue ceiling: results in " + file);
    }
}
