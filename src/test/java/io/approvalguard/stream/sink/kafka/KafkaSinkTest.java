package io.approvalguard.stream.sink.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.stream.sink.DeliveryOutcome;
import io.approvalguard.stream.sink.DeliveryOutcome.Kind;
import io.approvalguard.stream.sink.SinkProvider;
import io.approvalguard.stream.sink.StreamEvent;
import io.approvalguard.testkit.KafkaBroker;
import io.approvalguard.testkit.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.keycloak.Config;

/**
 * The Kafka sink against a real broker in this JVM ({@link KafkaBroker}): what arrives, what a dead
 * broker answers and how soon, that delivery resumes when the broker is back, and the options.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(60)
class KafkaSinkTest {

    private static final String TOPIC = "ag-events-test";

    /**
     * Short producer limits: one pass against a dead broker ends within max-block +
     * delivery-timeout + margin.
     */
    private static final Map<String, String> FAST =
            Map.of(
                    "delivery-timeout-ms", "5000",
                    "request-timeout-ms", "2000",
                    "max-block-ms", "2000");

    private static final long PASS_LIMIT_MS = 2_000 + 5_000 + KafkaSinkSettings.WAIT_MARGIN_MS;

    private static final Path LOG_DIR = Path.of("target", "kafka-sink-test");
    private static final KafkaBroker BROKER = new KafkaBroker();
    private static Set<Thread> threadsBefore;
    private static KafkaSinkFactory factory;

    /** Every event handed to the sink that must end up in the topic. */
    private static final List<StreamEvent> SENT = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws IOException {
        threadsBefore = Set.copyOf(Thread.getAllStackTraces().keySet());
        deleteRecursively(LOG_DIR);
        BROKER.start(Ports.freePort(), LOG_DIR);
        BROKER.createTopic(TOPIC, 2);
        factory = factory(withBroker(Map.of()));
    }

    @AfterAll
    static void stopBroker() throws InterruptedException {
        try {
            if (factory != null) {
                factory.close();
            }
        } finally {
            BROKER.close();
        }
        assertFalse(Ports.accepts(BROKER.port()), "connections are refused after stop");
        // nothing the broker or the producers started may keep running
        List<String> left = List.of();
        for (int i = 0; i < 50; i++) {
            left =
                    Thread.getAllStackTraces().keySet().stream()
                            .filter(t -> t.isAlive() && !threadsBefore.contains(t))
                            .map(Thread::getName)
                            .filter(name -> !name.startsWith("junit-")) // @Timeout's watcher
                            .filter(
                                    name ->
                                            !name.startsWith(
                                                    "Reference Reaper")) // jboss-logmanager's, once
                            // logging started
                            .sorted()
                            .toList();
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(List.of(), left, "threads left behind");
    }

    @Test
    @Order(1)
    void withoutBootstrapServersTheSinkIsInactive() {
        KafkaSinkFactory inactive = factory(Map.of("topic", "whatever"));
        assertFalse(inactive.isActive());
        List<DeliveryOutcome> outcomes = inactive.create(null).deliver(List.of(event("u1")));
        assertEquals(Kind.RETRY, outcomes.get(0).kind());
        inactive.close();
    }

    @Test
    @Order(2)
    void recordsArriveKeyedByUserWithTheJsonAndTheContentType() {
        assertTrue(factory.isActive());
        assertEquals(KafkaSinkSettings.DEFAULT_BATCH_SIZE, factory.batchSize());
        assertEquals(
                PASS_LIMIT_MS + KafkaSinkSettings.LEASE_MARGIN_MS, factory.deliveryTimeoutMillis());

        List<StreamEvent> events =
                List.of(
                        event("alice"),
                        event("bob"),
                        event("alice"),
                        event(null),
                        event("alice"),
                        event("bob"));
        List<DeliveryOutcome> outcomes = deliver(events);
        assertEquals(events.size(), outcomes.size());
        outcomes.forEach(o -> assertEquals(Kind.DELIVERED, o.kind(), () -> "outcome " + o));
        SENT.addAll(events);

        List<KafkaBroker.Received> records = BROKER.readAll(TOPIC, Duration.ofSeconds(15));
        assertEquals(events.size(), records.size());
        Map<String, KafkaBroker.Received> byId =
                records.stream()
                        .collect(
                                Collectors.toMap(
                                        r -> r.headers().get("ce_id"), Function.identity()));
        for (StreamEvent e : events) {
            KafkaBroker.Received r = byId.get(e.id());
            assertNotNull(r, "record of " + e.id());
            assertEquals(e.userId() != null ? e.userId() : e.realmId(), r.key());
            assertEquals(e.json(), r.value());
            assertEquals(
                    "application/cloudevents+json; charset=UTF-8", r.headers().get("content-type"));
            assertEquals(e.type(), r.headers().get("ce_type"));
            assertEquals(e.timeMillis(), r.timestamp());
        }
        // one user's events share a partition and keep their order there
        for (String user : List.of("alice", "bob")) {
            List<KafkaBroker.Received> mine =
                    records.stream().filter(r -> user.equals(r.key())).toList();
            assertEquals(1, mine.stream().map(KafkaBroker.Received::partition).distinct().count());
            List<String> expected =
                    events.stream()
                            .filter(e -> user.equals(e.userId()))
                            .map(StreamEvent::id)
                            .toList();
            assertEquals(
                    expected,
                    mine.stream()
                            .sorted(Comparator.comparingLong(KafkaBroker.Received::offset))
                            .map(r -> r.headers().get("ce_id"))
                            .toList());
        }
    }

    @Test
    @Order(3)
    void aStoppedBrokerGetsRetriesWithinTheDeadlineAndARestartedOneEverything() {
        BROKER.stop();
        assertFalse(Ports.accepts(BROKER.port()));

        List<StreamEvent> whileDown = List.of(event("carol"), event("dave"), event("carol"));
        long start = System.nanoTime();
        List<DeliveryOutcome> outcomes = deliver(whileDown);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(
                tookMs < PASS_LIMIT_MS + 1_000,
                "a pass against a dead broker took " + tookMs + " ms");
        assertEquals(whileDown.size(), outcomes.size());
        for (DeliveryOutcome o : outcomes) {
            // either the batch expired (delivery-timeout-ms) or the topic's metadata was gone
            // (max-block-ms)
            assertEquals(Kind.RETRY, o.kind(), () -> "outcome " + o);
            assertNotNull(o.error());
            assertFalse(
                    o.error().contains("\"specversion\""), "no payload in the error: " + o.error());
        }

        BROKER.restart();
        // the relay hands the failed records over again, with new ones
        List<StreamEvent> retried = new ArrayList<>(whileDown);
        retried.add(event("erin"));
        retried.add(event("carol"));
        List<DeliveryOutcome> again = deliver(retried);
        again.forEach(o -> assertEquals(Kind.DELIVERED, o.kind(), () -> "outcome " + o));
        SENT.addAll(retried);

        List<KafkaBroker.Received> records = BROKER.readAll(TOPIC, Duration.ofSeconds(15));
        List<String> ids = records.stream().map(r -> r.headers().get("ce_id")).toList();
        assertEquals(ids.size(), new HashSet<>(ids).size(), "ids are unique: " + ids);
        assertEquals(
                SENT.stream().map(StreamEvent::id).collect(Collectors.toSet()), Set.copyOf(ids));
        Map<String, String> jsonById =
                records.stream()
                        .collect(
                                Collectors.toMap(
                                        r -> r.headers().get("ce_id"),
                                        KafkaBroker.Received::value));
        SENT.forEach(e -> assertEquals(e.json(), jsonById.get(e.id())));
    }

    @Test
    @Order(4)
    void aBrokerThatIsDownAtStartNeitherBlocksStartNorDelivery() {
        int nothingThere = Ports.freePort();
        Map<String, String> options = new HashMap<>(FAST);
        options.put("bootstrap-servers", "127.0.0.1:" + nothingThere);
        options.put("topic", TOPIC);
        long start = System.nanoTime();
        KafkaSinkFactory dead = factory(options);
        assertTrue(dead.isActive());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 1_000, "init does not connect");
        try {
            start = System.nanoTime();
            List<DeliveryOutcome> outcomes =
                    dead.create(null).deliver(List.of(event("u1"), event("u2"), event("u3")));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMs < PASS_LIMIT_MS, "took " + tookMs + " ms");
            outcomes.forEach(o -> assertEquals(Kind.RETRY, o.kind()));
            assertTrue(
                    outcomes.get(0).error().contains("TimeoutException"), outcomes.get(0).error());
        } finally {
            start = System.nanoTime();
            dead.close();
            assertTrue((System.nanoTime() - start) / 1_000_000 < 6_000, "close is bounded");
        }
    }

    @Test
    @Order(5)
    void invalidOptionsFailInitNamingTheOption() {
        String prefix = "spi-approval-guard-sink--kafka--";
        String secret = "s3cr3t-value";
        Map<String, Map<String, String>> cases = new HashMap<>();
        cases.put("bootstrap-servers", Map.of("bootstrap-servers", "localhost"));
        cases.put("delivery-timeout-ms", Map.of("delivery-timeout-ms", "soon"));
        cases.put("max-block-ms", Map.of("max-block-ms", "-1"));
        cases.put("request-timeout-ms", Map.of("request-timeout-ms", "99999999999"));
        cases.put("batch-size", Map.of("batch-size", "0"));
        cases.put("topic", Map.of("topic", "not a topic"));
        cases.put("client-id", Map.of("client-id", "a b"));
        cases.put("security-protocol", Map.of("security-protocol", "TLS"));
        cases.put(
                "sasl-mechanism",
                Map.of("security-protocol", "SASL_SSL", "sasl-jaas-config", jaas("u", secret)));
        cases.put(
                "sasl-jaas-config",
                Map.of(
                        "security-protocol",
                        "SASL_SSL",
                        "sasl-mechanism",
                        "PLAIN",
                        "sasl-jaas-config",
                        "password=" + secret + " garbage"));
        cases.put(
                "ssl-truststore-location",
                Map.of(
                        "security-protocol",
                        "SSL",
                        "ssl-truststore-location",
                        "/nonexistent/truststore.p12"));
        cases.put(
                "ssl-truststore-type",
                Map.of("security-protocol", "SSL", "ssl-truststore-type", "P12"));
        cases.put("ssl-keystore-password", Map.of("ssl-keystore-password", secret));
        cases.put(
                "ssl-endpoint-identification-algorithm",
                Map.of(
                        "security-protocol",
                        "SSL",
                        "ssl-endpoint-identification-algorithm",
                        "http"));
        for (var c : cases.entrySet()) {
            Map<String, String> options = new HashMap<>(c.getValue());
            options.putIfAbsent("bootstrap-servers", "127.0.0.1:9");
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> factory(options),
                            "options " + c.getValue());
            assertTrue(e.getMessage().contains(prefix + c.getKey() + "="), e.getMessage());
            assertFalse(e.getMessage().contains(secret), "secret shown: " + e.getMessage());
        }
        // delivery.timeout.ms must cover request.timeout.ms + linger.ms, or Kafka refuses the
        // producer
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                factory(
                                        Map.of(
                                                "bootstrap-servers",
                                                "127.0.0.1:9",
                                                "delivery-timeout-ms",
                                                "5000",
                                                "request-timeout-ms",
                                                "5000")));
        assertTrue(e.getMessage().contains(prefix + "delivery-timeout-ms="), e.getMessage());
    }

    @Test
    @Order(6)
    void saslSettingsAreCheckedAndKeptSecret() {
        String secret = "pa55-" + UUID.randomUUID();
        KafkaSinkFactory sasl =
                factory(
                        Map.of(
                                "bootstrap-servers",
                                "kafka-1.example:9093,kafka-2.example:9093",
                                "security-protocol",
                                "sasl_ssl",
                                "sasl-mechanism",
                                "scram-sha-512",
                                "sasl-jaas-config",
                                jaas("svc", secret)
                                        .replace(
                                                "plain.PlainLoginModule", "scram.ScramLoginModule"),
                                "ssl-endpoint-identification-algorithm",
                                "none"));
        try {
            assertTrue(sasl.isActive());
            KafkaSinkSettings settings =
                    KafkaSinkSettings.read(
                            new io.approvalguard.support.config.SpiOptions(
                                    scope(
                                            Map.of(
                                                    "bootstrap-servers",
                                                    "127.0.0.1:9",
                                                    "security-protocol",
                                                    "SASL_PLAINTEXT",
                                                    "sasl-mechanism",
                                                    "PLAIN",
                                                    "sasl-jaas-config",
                                                    jaas("svc", secret))),
                                    "x"));
            Map<String, Object> config = settings.producerConfig();
            assertEquals("SASL_PLAINTEXT", config.get("security.protocol"));
            assertEquals("PLAIN", config.get("sasl.mechanism"));
            assertFalse(settings.toString().contains(secret), settings.toString());
            assertFalse(config.toString().contains(secret), "config printed shows no secret");
            assertEquals(true, config.get("enable.idempotence"));
            assertEquals("all", config.get("acks"));
            assertEquals("none", config.get("compression.type"));
        } finally {
            sasl.close();
        }
    }

    @Test
    @Order(7)
    void jaasLoginModulesAreTranslatedToTheRelocatedPackage() {
        String from = "org.apache.kafka.";
        String to = "io.approvalguard.shaded.kafka.";
        assertEquals(
                to
                        + "common.security.plain.PlainLoginModule required username=\"u\" password=\"org.apache.kafka.x\";",
                KafkaClassNames.translateJaas(
                        from
                                + "common.security.plain.PlainLoginModule required username=\"u\""
                                + " password=\"org.apache.kafka.x\";",
                        from,
                        to));
        assertEquals(
                "a.B required; " + to + "X optional;",
                KafkaClassNames.translateJaas("a.B required; " + from + "X optional;", from, to));
        assertEquals(
                "com.sun.security.auth.module.Krb5LoginModule required;",
                KafkaClassNames.translateJaas(
                        "com.sun.security.auth.module.Krb5LoginModule required;", from, to));
        // in this (unshaded) test JVM the client is where Kafka's documentation says
        assertEquals(from, KafkaClassNames.ACTUAL_PREFIX);
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + user
                + "\" password=\""
                + password
                + "\";";
    }

    private static List<DeliveryOutcome> deliver(List<StreamEvent> events) {
        SinkProvider sink = factory.create(null);
        try {
            return sink.deliver(events);
        } finally {
            sink.close();
        }
    }

    private static StreamEvent event(String userId) {
        String id = UUID.randomUUID().toString();
        long time = System.currentTimeMillis();
        String type = "io.approvalguard.challenge.approved";
        String json =
                "{\"specversion\":\"1.0\",\"id\":\""
                        + id
                        + "\",\"source\":\"/realms/ag-test\",\"type\":\""
                        + type
                        + "\",\"time\":\""
                        + java.time.Instant.ofEpochMilli(time)
                        + "\",\"datacontenttype\":\"application/json\","
                        + "\"data\":{\"userId\":"
                        + (userId == null ? "null" : "\"" + userId + "\"")
                        + ",\"note\":\"ü ✓\"}}";
        return new StreamEvent(id, type, "realm-1", userId, time, json);
    }

    private static Map<String, String> withBroker(Map<String, String> extra) {
        Map<String, String> options = new HashMap<>(FAST);
        options.put("bootstrap-servers", BROKER.bootstrapServers());
        options.put("topic", TOPIC);
        options.putAll(extra);
        return options;
    }

    private static KafkaSinkFactory factory(Map<String, String> options) {
        KafkaSinkFactory f = new KafkaSinkFactory();
        f.init(scope(options));
        return f;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Server options as Keycloak hands them to a factory: names without the SPI/provider prefix.
     */
    static Config.Scope scope(Map<String, String> values) {
        return new Config.Scope() {
            @Override
            public String get(String key) {
                return values.get(key);
            }

            @Override
            public String get(String key, String defaultValue) {
                return values.getOrDefault(key, defaultValue);
            }

            @Override
            public String[] getArray(String key) {
                String value = values.get(key);
                return value == null ? null : value.split(",");
            }

            @Override
            public Integer getInt(String key, Integer defaultValue) {
                String value = values.get(key);
                return value == null ? defaultValue : Integer.valueOf(value);
            }

            @Override
            public Long getLong(String key, Long defaultValue) {
                String value = values.get(key);
                return value == null ? defaultValue : Long.valueOf(value);
            }

            @Override
            public Boolean getBoolean(String key, Boolean defaultValue) {
                String value = values.get(key);
                return value == null ? defaultValue : Boolean.valueOf(value);
            }

            @Override
            public Config.Scope scope(String... scope) {
                return KafkaSinkTest.scope(Map.of());
            }

            @Override
            public Set<String> getPropertyNames() {
                return values.keySet();
            }

            @Override
            public Config.Scope root() {
                return this;
            }
        };
    }
}
