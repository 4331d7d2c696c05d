package io.approvalguard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.PushServices;
import io.approvalguard.testkit.WebhookReceiver;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Benchmark, not a test of the suite: how long the password step of a push sign-in takes (from
 * submitting the password to the wait page, the step that creates the challenge and hands its
 * notification over) when the user's device has no push address, when the push gateway answers at
 * once, and when it never answers. Run with {@code src/bench/push-latency.sh} (docs/benchmarks.md);
 * results in {@code target/it-work/bench/push-latency.json}.
 */
@ExtendWith(KeycloakServer.class)
class PushLatencyBench {

    private final int signIns = Integer.getInteger("bench.sign-ins", 40);
    private final AdminClient admin = AdminClient.forTestServer();

    @Test
    void passwordStepWithAHangingAndAnAnsweringGateway() throws IOException {
        Map<String, Object> results = new LinkedHashMap<>();
        try (WebhookReceiver gateway = new WebhookReceiver(PushServices.GATEWAY_PORT).start()) {
            // warm-up: the first sign-ins of a fresh server are slower for reasons of its own
            measure("warm-up", 10, false);
            results.put("no push address", measure("no push address", signIns, false));
            results.put("gateway answers", measure("gateway answers", signIns, true));
            int answered = gateway.deliveries().size();
            gateway.neverAnswer();
            results.put("gateway never answers", measure("gateway never answers", signIns, true));
            results.put("notifications answered by the gateway", answered);
            results.put(
                    "notifications held by the hanging gateway",
                    gateway.deliveries().size() - answered);
        }
        results.put("sign-ins per case", signIns);
        results.put("push timeout-ms", PushServices.TIMEOUT_MS);
        Path out = Path.of("target/it-work/bench/push-latency.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, Json.write(results));
        System.out.println("PushLatencyBench: " + Json.write(results));
    }

    private Map<String, Object> measure(String label, int count, boolean withAddress) {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            PushScenario user = PushScenario.enrolledUser(admin);
            if (withAddress) {
                assertEquals(
                        200,
                        user.device
                                .registerPush(Map.of("provider", "webhook", "token", "bench-" + i))
                                .status());
            }
            BrowserFlow browser =
                    BrowserFlow.forTestServer()
                            .start(user.realm, PushScenario.CLIENT, PushScenario.CALLBACK);
            long start = System.nanoTime();
            browser.submitPassword(user.username, PushScenario.PASSWORD);
            millis.add((System.nanoTime() - start) / 1e6);
            assertTrue(browser.onWaitPage(), label + ": " + browser.describePage());
        }
        Collections.sort(millis);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("p50_ms", round(percentile(millis, 0.50)));
        figures.put("p90_ms", round(percentile(millis, 0.90)));
        figures.put("max_ms", round(millis.get(millis.size() - 1)));
        System.out.println("PushLatencyBench " + label + ": " + figures);
        return figures;
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
