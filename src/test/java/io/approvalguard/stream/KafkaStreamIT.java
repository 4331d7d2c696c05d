package io.approvalguard.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.KafkaBroker;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.StreamSinks;
import io.approvalguard.testkit.StreamedEvents;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The event stream to a real Kafka broker (KRaft, in this JVM, on loopback): nothing lost across a
 * broker outage.
 */
@ExtendWith(KeycloakServer.class)
class KafkaStreamIT {

    // generous: the sink first works through the backlog of every event the suite raised while no
    // broker ran, and the governance tests raise many
    private static final Duration ARRIVAL_WAIT = Duration.ofSeconds(240);
    private static KafkaBroker broker;
    private final AdminClient admin = AdminClient.forTestServer();

    @BeforeAll
    static void startBroker() throws Exception {
        Path logDir =
                Paths.get(
                        System.getProperty("approvalguard.work.dir", "target/it-work"),
                        "kafka-" + System.nanoTime());
        broker = new KafkaBroker().start(StreamSinks.KAFKA_PORT, logDir);
        broker.createTopic(StreamSinks.KAFKA_TOPIC, 3);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void everyEventArrivesAcrossABrokerOutage() throws Exception {
        PushScenario before = StreamedEvents.approvedUser(admin);
        Set<String> beforeIds = StreamedEvents.userEventIds(admin, before);
        awaitOnTopic(beforeIds);

        broker.stop();
        PushScenario during = StreamedEvents.approvedUser(admin);
        Set<String> duringIds = StreamedEvents.userEventIds(admin, during);
        Thread.sleep(4000); // sends fail and are retried meanwhile
        broker.restart();

        Set<String> all = new LinkedHashSet<>(beforeIds);
        all.addAll(duringIds);
        Map<String, KafkaBroker.Received> arrived = awaitOnTopic(all);
        for (String id : duringIds) {
            KafkaBroker.Received record = arrived.get(id);
            assertEquals(during.userId, record.key(), "the record key is the user id");
            assertTrue(
                    record.headers()
                            .get("content-type")
                            .startsWith("application/cloudevents+json"));
            Map<String, Object> event = Json.readMap(record.value());
            assertEquals(id, event.get("id"));
            assertEquals(during.userId, event.get("subject"));
        }
    }

    private Map<String, KafkaBroker.Received> awaitOnTopic(Set<String> ids)
            throws InterruptedException {
        long deadline = System.nanoTime() + ARRIVAL_WAIT.toNanos();
        Set<String> missing = new HashSet<>(ids);
        while (true) {
            Map<String, KafkaBroker.Received> found = new LinkedHashMap<>();
            for (KafkaBroker.Received record :
                    broker.readAll(StreamSinks.KAFKA_TOPIC, Duration.ofSeconds(20))) {
                String id = record.headers().get("ce_id");
                if (ids.contains(id)) {
                    found.putIfAbsent(id, record);
                }
            }
            missing.removeAll(found.keySet());
            if (missing.isEmpty()) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "not on the topic within " + ARRIVAL_WAIT + ": " + missing);
            }
            Thread.sleep(500);
        }
    }
}
