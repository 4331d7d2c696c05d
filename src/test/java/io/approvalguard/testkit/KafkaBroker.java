package io.approvalguard.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.server.metrics.KafkaYammerMetrics;

/**
 * A real Apache Kafka broker in the test JVM: one KRaft node that is broker and controller at once,
 * listening on 127.0.0.1 only, its data under a directory of the caller's (put it under {@code
 * target/}). Built from the {@code kafka_2.13} test dependency: no Docker, no network beyond
 * loopback.
 *
 * <pre>{@code
 * KafkaBroker broker = new KafkaBroker().start(Ports.freePort(), Path.of("target", "kafka-x"));
 * broker.createTopic("events", 2);
 * ... produce to broker.bootstrapServers() ...
 * List<KafkaBroker.Received> records = broker.readAll("events", Duration.ofSeconds(10));
 * broker.stop();      // clean shutdown: connections to the port are refused from now on
 * broker.restart();   // same port, same directory, the data is still there
 * broker.close();     // stop, if running
 * }</pre>
 *
 * <p>The storage is formatted on the first start in an empty directory (a directory that already
 * holds a formatted node is reused as it is). Small settings keep it fast: replication factor 1
 * everywhere, one partition for internal topics, no group rebalance delay, 1 MiB segments. Kafka's
 * {@code Exit} is pointed at exceptions while a broker runs, so a fatal broker error fails the test
 * instead of ending the JVM. After {@link #stop()} none of the broker's threads run, not even the
 * JVM-wide tick threads of its metrics library.
 */
public final class KafkaBroker implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    /**
     * One record as {@link #readAll} found it; header values as UTF-8 text (the last one of a
     * repeated key).
     */
    public record Received(
            String topic,
            int partition,
            long offset,
            long timestamp,
            String key,
            String value,
            Map<String, String> headers) {}

    private int port;
    private int controllerPort;
    private Path logDir;
    private KafkaRaftServer server;

    /**
     * Starts the broker on {@code port}, formatting {@code logDir} first if it holds no node yet.
     */
    public synchronized KafkaBroker start(int port, Path logDir) {
        if (server != null) {
            throw new IllegalStateException("the Kafka broker already runs on port " + this.port);
        }
        this.port = port;
        this.logDir = logDir.toAbsolutePath();
        if (controllerPort == 0) {
            controllerPort = Ports.freePort();
        }
        startServer();
        return this;
    }

    /** Stops and starts again: the same port, the same directory, the data kept. */
    public synchronized void restart() {
        if (logDir == null) {
            throw new IllegalStateException("the Kafka broker was never started");
        }
        stop();
        startServer();
    }

    /** Clean shutdown; returns when the broker is down and its ports refuse connections. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer running = server;
        server = null;
        try {
            running.shutdown();
            running.awaitShutdown();
        } finally {
            // the broker's Yammer meters tick on JVM-wide daemon threads; the registry makes new
            // ones on demand
            // (a second broker running in the same JVM would keep working, only its meters would
            // stop ticking)
            KafkaYammerMetrics.defaultRegistry().shutdown();
            Exit.resetExitProcedure();
            Exit.resetHaltProcedure();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Ports.accepts(port) || Ports.accepts(controllerPort)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the Kafka broker still accepts connections after its shutdown");
            }
            sleep(50);
        }
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    public int port() {
        return port;
    }

    /** For {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** Creates a topic (replication factor 1); an existing one is left as it is. */
    public void createTopic(String topic, int partitions) {
        try (Admin admin = Admin.create(clientProperties("testkit-admin"))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(
                        "creating topic " + topic + " failed", e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("creating topic " + topic + " failed", e);
        }
    }

    /**
     * Reads the whole topic from the beginning with a fresh consumer (no group, no offsets kept),
     * up to the end it had when the read began; records ordered by partition, then offset. A topic
     * that does not exist reads as empty.
     */
    public List<Received> readAll(String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties properties = clientProperties("testkit-reader");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        List<Received> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(
                        properties, new StringDeserializer(), new StringDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            if (partitions == null || partitions.isEmpty()) {
                return List.of();
            }
            List<TopicPartition> assigned =
                    partitions.stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, timeout);
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "reading " + topic + " did not reach " + end + " within " + timeout);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    received.add(
                            new Received(
                                    r.topic(),
                                    r.partition(),
                                    r.offset(),
                                    r.timestamp(),
                                    r.key(),
                                    r.value(),
                                    headers(r)));
                }
            }
        }
        received.sort(
                Comparator.comparingInt(Received::partition).thenComparingLong(Received::offset));
        return received;
    }

    /**
     * Both listeners, checked before every start (a restart too): the ports may have been taken
     * meanwhile.
     */
    private void startServer() {
        Ports.requireFree(
                port,
                "the test Kafka broker",
                "another test run's Kafka broker, or a Kafka left running");
        Ports.requireFree(
                controllerPort,
                "the test Kafka broker's KRaft controller",
                "a process that took the port while the broker was down");
        Exit.setExitProcedure(
                (code, message) -> {
                    throw new IllegalStateException(
                            "the Kafka broker asked to exit (" + code + "): " + message);
                });
        Exit.setHaltProcedure(
                (code, message) -> {
                    throw new IllegalStateException(
                            "the Kafka broker asked to halt (" + code + "): " + message);
                });
        Path dataDir = logDir.resolve("data");
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KafkaConfig config = KafkaConfig.fromProps(brokerProperties(dataDir), false);
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            format(dataDir);
        }
        KafkaRaftServer started = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            started.startup();
            server = started;
            awaitReady();
        } catch (RuntimeException e) {
            server = null;
            started.shutdown();
            started.awaitShutdown();
            throw e;
        }
    }

    private Properties brokerProperties(Path dataDir) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put(
                "listeners",
                "PLAINTEXT://"
                        + HOST
                        + ":"
                        + port
                        + ","
                        + CONTROLLER_LISTENER
                        + "://"
                        + HOST
                        + ":"
                        + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put(
                "listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", dataDir.toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.segment.bytes", Integer.toString(1024 * 1024));
        p.put("auto.create.topics.enable", "true");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("num.replica.fetchers", "1");
        p.put("log.flush.interval.messages", "1");
        p.put("controlled.shutdown.enable", "true");
        return p;
    }

    private void format(Path dataDir) {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dataDir.toString()))
                    .setMetadataLogDirectory(dataDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "formatting the Kafka storage in " + dataDir + " failed", e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Properties properties = clientProperties("testkit-ready");
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(properties)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(
                                "interrupted while the Kafka broker started", e);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "the Kafka broker was not ready within " + READY_TIMEOUT);
                }
                sleep(100);
            }
        }
    }

    private Properties clientProperties(String clientIdPrefix) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(
                CommonClientConfigs.CLIENT_ID_CONFIG,
                clientIdPrefix + "-" + CLIENTS.incrementAndGet());
        return p;
    }

    private static boolean reached(
            KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static Map<String, String> headers(ConsumerRecord<?, ?> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            headers.put(
                    h.key(),
                    h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
