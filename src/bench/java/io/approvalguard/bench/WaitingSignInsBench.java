package io.approvalguard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.DeviceClient;
import io.approvalguard.testkit.Ports;
import io.approvalguard.testkit.TestingProviderJar;
import io.approvalguard.testkit.oidc.HttpResult;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test of the suite (its name does not end in IT): N sign-ins wait at once on one
 * Keycloak node (start-dev, embedded H2) and are answered from their devices; prints the
 * decision-to-browser latency, errors, the node's heap and threads, and the CPU per push sign-in.
 * Run it with {@code src/bench/waiting-signins.sh} (docs/benchmarks.md).
 */
class WaitingSignInsBench {

    private static final String HOST = "127.0.0.1";
    private static final int HTTP_PORT = 18080;
    private static final int MANAGEMENT_PORT = 19000;
    private static final String BASE = "http://" + HOST + ":" + HTTP_PORT;
    private static final String REALM = "ag-test";
    private static final String CLIENT = "ag-test-client";
    private static final String CALLBACK = "http://127.0.0.1:8089/callback";
    private static final String PASSWORD = "correct-horse-battery";

    private final int users = Integer.getInteger("bench.users", 2000);
    private final int answerRate = Integer.getInteger("bench.answer-rate", 200);
    private final int cpuSignIns = Integer.getInteger("bench.cpu-sign-ins", 300);
    private final int setupThreads = Integer.getInteger("bench.setup-threads", 8);
    private final Map<String, Object> results = new LinkedHashMap<>();
    // HTTP/1.1: one connection per waiting browser, as separate browsers have. (Java's client would
    // otherwise upgrade to h2c and multiplex every held request over one connection, capped at the
    // server's 100 concurrent streams.)
    private final HttpClient http =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();

    @Test
    void waitingSignIns() throws Exception {
        Path work =
                Paths.get(System.getProperty("approvalguard.work.dir", "target/it-work"))
                        .toAbsolutePath()
                        .resolve("bench");
        Process keycloak = startKeycloak(work);
        try {
            run();
        } finally {
            keycloak.toHandle().descendants().forEach(ProcessHandle::destroy);
            keycloak.destroy();
            keycloak.waitFor(60, TimeUnit.SECONDS);
            Path out = work.resolve("waiting-signins.json");
            Files.writeString(out, io.approvalguard.testkit.Json.write(results));
            System.out.println("results: " + out);
        }
    }

    private void run() throws Exception {
        AdminClient admin = new AdminClient(BASE, "admin", "admin");
        // The password hash is not what is measured: one PBKDF2 round.
        HttpResult policy =
                admin.send(
                        "PUT",
                        "/admin/realms/" + REALM,
                        Map.of(
                                "passwordPolicy",
                                "hashAlgorithm(pbkdf2-sha256) and hashIterations(1)"));
        assertEquals(204, policy.status(), policy.body());
        longestChallengeLifetime(admin);

        long t0 = System.nanoTime();
        List<Enrolled> enrolled = parallel(users, i -> enrol(admin, "bench-" + i));
        phase("setup: users created and devices enrolled through first sign-ins", t0);

        Map<String, Double> baseline = serverFacts();
        results.put("baseline", baseline);

        t0 = System.nanoTime();
        List<Waiting> waiting = parallel(users, i -> toWaitPage(enrolled.get(i)));
        phase("sign-ins opened to the wait page", t0);

        Map<String, Long> arrived = new ConcurrentHashMap<>();
        Map<String, String> arrivedState = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        for (Waiting w : waiting) {
            hold(w, arrived, arrivedState, refused, failed);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        double held = 0;
        while (System.nanoTime() < deadline && (held = gauge()) < users) {
            Thread.sleep(100);
        }
        Map<String, Double> during = serverFacts();
        results.put("held_at_once", held);
        results.put("while_held", during);
        results.put("extra_threads", during.get("threads") - baseline.get("threads"));
        results.put(
                "extra_heap_mb",
                (during.get("heap_used_bytes") - baseline.get("heap_used_bytes")) / 1e6);
        System.out.printf(
                "held at once: %.0f of %d; threads %.0f -> %.0f; heap %.0f MB -> %.0f MB%n",
                held,
                users,
                baseline.get("threads"),
                during.get("threads"),
                baseline.get("heap_used_bytes") / 1e6,
                during.get("heap_used_bytes") / 1e6);

        // Answer every challenge from its device, paced.
        t0 = System.nanoTime();
        Map<String, Long> sent = new ConcurrentHashMap<>();
        Map<String, Long> answered = new ConcurrentHashMap<>();
        AtomicInteger answerErrors = new AtomicInteger();
        ExecutorService devices = Executors.newFixedThreadPool(8);
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / answerRate;
        List<Future<?>> answers = new ArrayList<>();
        for (int i = 0; i < waiting.size(); i++) {
            Waiting w = waiting.get(i);
            long due = t0 + i * intervalNanos;
            answers.add(
                    devices.submit(
                            () -> {
                                sleepUntil(due);
                                Map<String, Object> challenge =
                                        w.enrolled.device.pendingChallenge();
                                if (challenge == null) {
                                    answerErrors.incrementAndGet();
                                    return;
                                }
                                String contextHash = (String) challenge.get("context_hash");
                                sent.put(w.key(), System.nanoTime());
                                DeviceClient.Response response =
                                        w.enrolled.device.answer(
                                                (String) challenge.get("id"),
                                                "approve",
                                                contextHash,
                                                w.code);
                                answered.put(w.key(), System.nanoTime());
                                if (response.status() != 200) {
                                    answerErrors.incrementAndGet();
                                }
                            }));
        }
        for (Future<?> f : answers) {
            f.get(10, TimeUnit.MINUTES);
        }
        devices.shutdown();
        long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (arrived.size() < users && System.nanoTime() < settle) {
            Thread.sleep(50);
        }
        phase("all challenges answered", t0);

        List<Long> fromAnswered = new ArrayList<>();
        List<Long> fromSent = new ArrayList<>();
        int early = 0;
        for (Waiting w : waiting) {
            Long at = arrived.get(w.key());
            if (at == null || !answered.containsKey(w.key())) {
                continue;
            }
            long fromAnswer = at - answered.get(w.key());
            if (fromAnswer < 0) {
                early++;
            }
            fromAnswered.add(Math.max(0, fromAnswer));
            fromSent.add(at - sent.get(w.key()));
        }
        long approvedStates = arrivedState.values().stream().filter("approved"::equals).count();
        results.put("answered_with_approved", approvedStates);
        results.put("arrived_before_device_response", early);
        results.put("latency_from_device_response_ms", percentiles(fromAnswered));
        results.put("latency_from_device_request_sent_ms", percentiles(fromSent));
        results.put(
                "errors",
                Map.of(
                        "refused_429",
                        refused.get(),
                        "held_request_failed",
                        failed.get(),
                        "device_answer",
                        answerErrors.get(),
                        "not_answered",
                        users - arrived.size()));
        System.out.println(
                "decision to browser (from device response): " + percentiles(fromAnswered));
        System.out.println(
                "decision to browser (from device request sent): " + percentiles(fromSent));

        // Every browser goes on and reaches the client with a code.
        t0 = System.nanoTime();
        List<Boolean> completed =
                parallel(users, i -> waiting.get(i).browser.pressWait("continue").reachedClient());
        long ok = completed.stream().filter(b -> b).count();
        results.put("sign_ins_completed", ok);
        phase("browsers continued to the client", t0);
        System.out.printf("completed %d of %d; errors %s%n", ok, users, results.get("errors"));

        measureCpuPerSignIn(enrolled);
        System.out.println(results);
        assertEquals(users, ok, "every sign-in completes");
        assertEquals(users, approvedStates, "every held request answered approved");
    }

    /**
     * Opening 2,000 sign-ins takes longer than the default 120 s challenge lifetime: use the
     * maximum, 600 s.
     */
    @SuppressWarnings("unchecked")
    private static void longestChallengeLifetime(AdminClient admin) {
        for (Map<String, Object> execution :
                admin.send(
                                "GET",
                                "/admin/realms/"
                                        + REALM
                                        + "/authentication/flows/ag-browser/executions",
                                null)
                        .jsonList()) {
            if ("approval-guard-push".equals(execution.get("providerId"))
                    && execution.get("authenticationConfig") != null) {
                String path =
                        "/admin/realms/"
                                + REALM
                                + "/authentication/config/"
                                + execution.get("authenticationConfig");
                Map<String, Object> config = admin.send("GET", path, null).jsonMap();
                ((Map<String, Object>) config.get("config")).put("lifetime_seconds", "600");
                assertEquals(204, admin.send("PUT", path, config).status());
            }
        }
    }

    /** CPU (user + system) of the Keycloak process per complete push sign-in, from /proc. */
    private void measureCpuPerSignIn(List<Enrolled> enrolled) throws Exception {
        long pid = keycloakPid();
        long before = cpuTicks(pid);
        long t0 = System.nanoTime();
        List<Boolean> done =
                parallel(
                        cpuSignIns,
                        i -> {
                            Enrolled user = enrolled.get(i % enrolled.size());
                            BrowserFlow browser =
                                    new BrowserFlow(BASE)
                                            .start(REALM, CLIENT, CALLBACK)
                                            .submitPassword(user.username, PASSWORD);
                            String code = browser.code();
                            Map<String, Object> challenge =
                                    user.device.awaitChallenge(Duration.ofSeconds(10));
                            user.device.answer(
                                    (String) challenge.get("id"),
                                    "approve",
                                    (String) challenge.get("context_hash"),
                                    code);
                            return browser.pressWait("continue").reachedClient();
                        });
        long ticks = cpuTicks(pid) - before;
        double seconds = (System.nanoTime() - t0) / 1e9;
        long ok = done.stream().filter(b -> b).count();
        double msPerSignIn = ticks * 10.0 / ok; // 100 ticks per second on Linux
        results.put("cpu_ms_per_push_sign_in", msPerSignIn);
        results.put("cpu_sign_ins", ok);
        System.out.printf(
                "CPU per complete push sign-in: %.1f ms (%d sign-ins in %.1f s, %d ticks)%n",
                msPerSignIn, ok, seconds, ticks);
    }

    private record Enrolled(String username, DeviceClient device) {}

    private record Waiting(
            Enrolled enrolled, BrowserFlow browser, String code, String statusUrl, String cookies) {
        String key() {
            return enrolled.username;
        }
    }

    private Enrolled enrol(AdminClient admin, String username) {
        admin.createUser(REALM, username, PASSWORD, List.of());
        DeviceClient device = DeviceClient.create(BASE, REALM);
        BrowserFlow browser =
                new BrowserFlow(BASE)
                        .start(REALM, CLIENT, CALLBACK)
                        .submitPassword(username, PASSWORD);
        assertEquals(201, device.enrol(browser.enrolmentToken(), "bench").status());
        assertTrue(browser.pressEnrol().reachedClient(), browser.describePage());
        return new Enrolled(username, device);
    }

    private Waiting toWaitPage(Enrolled user) {
        BrowserFlow browser =
                new BrowserFlow(BASE)
                        .start(REALM, CLIENT, CALLBACK)
                        .submitPassword(user.username, PASSWORD);
        browser.waitPage();
        String cookies =
                browser.cookies().all().stream()
                        .map(c -> c.name() + "=" + c.value())
                        .collect(Collectors.joining("; "));
        return new Waiting(user, browser, browser.code(), browser.statusUrl(), cookies);
    }

    /** The page's loop: a held status request, asked again on "pending" and after a refusal. */
    private void hold(
            Waiting w,
            Map<String, Long> arrived,
            Map<String, String> states,
            AtomicInteger refused,
            AtomicInteger failed) {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(w.statusUrl + "&wait=25"))
                        .timeout(Duration.ofSeconds(40))
                        .header("Cookie", w.cookies)
                        .header("Accept", "application/json")
                        .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .whenComplete(
                        (response, error) -> {
                            long at = System.nanoTime();
                            if (error != null) {
                                failed.incrementAndGet();
                                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS)
                                        .execute(() -> hold(w, arrived, states, refused, failed));
                            } else if (response.statusCode() == 429) {
                                refused.incrementAndGet();
                                CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS)
                                        .execute(() -> hold(w, arrived, states, refused, failed));
                            } else if (response.body().contains("\"pending\"")) {
                                hold(w, arrived, states, refused, failed);
                            } else {
                                arrived.put(w.key(), at);
                                states.put(
                                        w.key(),
                                        response.body().contains("\"approved\"")
                                                ? "approved"
                                                : response.body());
                            }
                        });
    }

    private <T> List<T> parallel(int count, IndexedTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(setupThreads);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> task.run(index)));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(10, TimeUnit.MINUTES));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface IndexedTask<T> {
        T run(int index) throws Exception;
    }

    private void phase(String name, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        results.put("phase: " + name + " (s)", Math.round(seconds * 10) / 10.0);
        System.out.printf("%-70s %8.1f s%n", name, seconds);
    }

    private static Map<String, Object> percentiles(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("n", sorted.size());
        if (sorted.isEmpty()) {
            return p;
        }
        for (double q : new double[] {0.5, 0.9, 0.99, 1.0}) {
            long v = sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * q) - 1));
            p.put(q == 1.0 ? "max" : "p" + Math.round(q * 100), Math.round(v / 1e4) / 100.0);
        }
        return p;
    }

    private double gauge() throws Exception {
        return metric("approval_guard_waiters");
    }

    private Map<String, Double> serverFacts() throws Exception {
        String metrics = metricsText();
        double heap =
                metrics.lines()
                        .filter(
                                l ->
                                        l.startsWith("jvm_memory_used_bytes{")
                                                && l.contains("area=\"heap\""))
                        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                        .sum();
        Map<String, Double> facts = new LinkedHashMap<>();
        facts.put("threads", metric("jvm_threads_live_threads"));
        facts.put("heap_used_bytes", heap);
        facts.put("waiters", metric("approval_guard_waiters"));
        return facts;
    }

    private double metric(String name) throws Exception {
        return metricsText()
                .lines()
                .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private String metricsText() throws Exception {
        return http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://"
                                                        + HOST
                                                        + ":"
                                                        + MANAGEMENT_PORT
                                                        + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static long keycloakPid() throws IOException {
        return ProcessHandle.allProcesses()
                .filter(
                        p ->
                                p.info()
                                        .commandLine()
                                        .map(
                                                c ->
                                                        c.contains("quarkus-run.jar")
                                                                && c.contains(
                                                                        "--http-port=" + HTTP_PORT))
                                        .orElse(false))
                .mapToLong(ProcessHandle::pid)
                .findFirst()
                .orElseThrow();
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
    }

    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A copy of the distribution with the provider, start-dev on H2, the test realm imported,
     * waiting caps raised.
     */
    private Process startKeycloak(Path work) throws Exception {
        String owner = "another bench run (src/bench/*.sh), or ProxyHeadersIT's nginx (18080)";
        Ports.requireFree(HTTP_PORT, "the bench Keycloak's HTTP port", owner);
        Ports.requireFree(MANAGEMENT_PORT, "the bench Keycloak's management port", owner);
        Path dist = work.resolve("keycloak");
        Files.createDirectories(work);
        new ProcessBuilder("rm", "-rf", dist.toString()).start().waitFor();
        new ProcessBuilder("cp", "-a", System.getProperty("keycloak.dist.dir"), dist.toString())
                .start()
                .waitFor();
        new ProcessBuilder("rm", "-rf", dist.resolve("data").toString()).start().waitFor();
        Path providers = dist.resolve("providers");
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(providers, "*.jar")) {
            for (Path jar : jars) {
                Files.delete(jar);
            }
        }
        Path productJar = Paths.get(System.getProperty("approvalguard.jar"));
        Files.copy(
                productJar,
                providers.resolve(productJar.getFileName()),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(
                TestingProviderJar.build(work),
                providers.resolve(TestingProviderJar.FILE_NAME),
                StandardCopyOption.REPLACE_EXISTING);
        Path imports = Files.createDirectories(dist.resolve("data/import"));
        Files.copy(
                Paths.get(System.getProperty("approvalguard.test.realms"))
                        .resolve("ag-test-realm.json"),
                imports.resolve("ag-test-realm.json"));
        ProcessBuilder builder =
                new ProcessBuilder(
                                dist.resolve("bin/kc.sh").toString(),
                                "start-dev",
                                "--http-host=" + HOST,
                                "--http-port=" + HTTP_PORT,
                                "--http-management-port=" + MANAGEMENT_PORT,
                                "--import-realm",
                                "--health-enabled=true",
                                "--metrics-enabled=true",
                                "--log-level=INFO",
                                "--spi-realm-restapi-extension--approval-guard--max-waiters="
                                        + Math.max(10_000, users + 100))
                        .directory(dist.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(work.resolve("keycloak.log").toFile());
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
        builder.environment()
                .put("JAVA_OPTS_APPEND", System.getProperty("bench.kc-java-opts", "-Xms1g -Xmx1g"));
        Process process = builder.start();
        // a ceiling, as the test kit's: on a loaded two-core machine a start took almost 5 minutes
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                "http://"
                                                                        + HOST
                                                                        + ":"
                                                                        + MANAGEMENT_PORT
                                                                        + "/health/ready"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return process;
                }
            } catch (IOException e) {
                // not yet
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Keycloak exited; see " + work.resolve("keycloak.log"));
            }
            Thread.sleep(500);
        }
        // not returned to the caller, so stopped here: no server outlives the run
        process.toHandle().descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        throw new IllegalStateException("Keycloak not ready; see " + work.resolve("keycloak.log"));
    }
}
