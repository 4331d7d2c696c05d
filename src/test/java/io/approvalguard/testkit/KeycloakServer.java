package io.approvalguard.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Keycloak for the whole failsafe JVM: started lazily by the first test class that carries
 * {@code @ExtendWith(KeycloakServer.class)}, stopped when JUnit closes its root context (or, as a
 * fallback, by a JVM shutdown hook).
 *
 * <p>Booting Keycloak takes about 36 s, so every IT shares the server; tests isolate themselves by
 * creating their own users. The distribution is used in place: {@code providers/*.jar} and {@code
 * data/} are wiped first so each run starts from a fresh H2 database with exactly our provider and
 * our test realms.
 *
 * <p>Next to the product JAR, {@code providers/} gets {@code approval-guard-testing.jar} (built by
 * {@link TestingProviderJar} from the test classes of {@code
 * io.approvalguard.testkit.testprovider}), which lets tests shift the server's clock: {@link
 * #setTimeOffset}, {@link #resetTimeOffset}, or better the {@link TimeOffset} extension, which
 * always resets afterwards.
 *
 * <p>Configuration comes from the system properties that failsafe sets (see pom.xml): {@code
 * keycloak.dist.dir}, {@code approvalguard.jar}, {@code approvalguard.test.realms}, {@code
 * approvalguard.demo.realm}, {@code approvalguard.work.dir}.
 */
public final class KeycloakServer implements BeforeAllCallback {

    public static final String HOST = "127.0.0.1";
    public static final int HTTP_PORT = 8080;
    public static final int MANAGEMENT_PORT = 9000;
    public static final String ADMIN_USERNAME = "admin";
    public static final String ADMIN_PASSWORD = "admin";

    /**
     * Longer than the default (60 s), so that a test's whole flood of anonymous failures fits into
     * one window.
     */
    public static final int ANONYMOUS_FAILURES_WINDOW_SECONDS = 300;

    /**
     * A ceiling, not an expectation (about 36 s idle): on a loaded machine the build step alone
     * took 140 s. A server that dies is noticed at once; only a live but slow one uses this.
     */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(600);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_LINES_ON_FAILURE = 60;
    private static final String PROBABLE_OWNER =
            "another Keycloak: the demo (mvn -Pdemo) or another test run";

    /**
     * Any realm serves the testing endpoints (the clock is server-wide); this one always exists.
     */
    private static final String TESTING_REALM = "ag-test";

    private static final HttpClient TESTING_HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** The offset this JVM last set or read; {@link #serverNow()} adds it. */
    private static volatile int knownTimeOffset;

    private static final Object LOCK = new Object();
    private static RunningServer running;

    /** Remembered so that later test classes fail at once instead of waiting for another start. */
    private static RuntimeException startFailure;

    /** JUnit extension entry point: make sure the shared server is up before the class runs. */
    @Override
    public void beforeAll(ExtensionContext context) {
        ensureStarted();
        // Registering the resource in the root store makes JUnit stop the server after the
        // last test class, before the JVM exits; the shutdown hook only covers aborted runs.
        context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(
                        StopOnClose.class, key -> new StopOnClose(), StopOnClose.class);
    }

    /** Starts the server if it is not running yet; safe to call from any test. */
    public static void ensureStarted() {
        synchronized (LOCK) {
            if (startFailure != null) {
                throw new IllegalStateException(
                        "Keycloak failed to start earlier in this run", startFailure);
            }
            if (running == null) {
                try {
                    running = RunningServer.start(Settings.fromSystemProperties());
                } catch (RuntimeException e) {
                    startFailure = e;
                    throw e;
                }
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(KeycloakServer::stop, "keycloak-server-stop"));
            }
        }
    }

    /**
     * Stops the server and starts it again on the same database, as an operator's restart would:
     * whatever was committed (outbox records included) is still there.
     */
    public static void restartKeepingData() {
        synchronized (LOCK) {
            stop();
            running = RunningServer.restart(Settings.fromSystemProperties());
        }
    }

    /**
     * Like {@link #restartKeepingData()}, with the server down until {@code notBefore} at least:
     * what falls due while it is down is then due by the time it starts, however fast it starts.
     */
    public static void restartKeepingDataAfter(Instant notBefore) throws InterruptedException {
        synchronized (LOCK) {
            stop();
            long wait = Duration.between(Instant.now(), notBefore).toMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            running = RunningServer.restart(Settings.fromSystemProperties());
        }
    }

    /** Stops the server; idempotent. */
    public static void stop() {
        synchronized (LOCK) {
            if (running != null) {
                running.stop();
                running = null;
            }
        }
    }

    public static boolean isRunning() {
        synchronized (LOCK) {
            return running != null && running.process.isAlive();
        }
    }

    /** {@code http://127.0.0.1:8080}, without a trailing slash. */
    public static String baseUrl() {
        return "http://" + HOST + ":" + HTTP_PORT;
    }

    /** {@code http://127.0.0.1:8080/realms/{realm}}. */
    public static String realmUrl(String realm) {
        return baseUrl() + "/realms/" + realm;
    }

    /** {@code http://127.0.0.1:8080/realms/ag-test/approval-guard-testing/time-offset}. */
    public static String timeOffsetUrl() {
        return realmUrl(TESTING_REALM) + "/approval-guard-testing/time-offset";
    }

    /**
     * Shifts the server's clock: from now on Keycloak's {@code Time.currentTime()} runs {@code
     * seconds} ahead (negative: behind) of the real clock. Replaces any earlier offset; the clock
     * of this JVM is not touched. Prefer {@link TimeOffset}, which resets even when a test fails;
     * whoever calls this directly must call {@link #resetTimeOffset()} in a finally block, because
     * the server is shared by every IT of the run.
     */
    public static void setTimeOffset(int seconds) {
        int answered = timeOffsetCall("PUT", "{\"offset\":" + seconds + "}");
        knownTimeOffset = answered;
        if (answered != seconds) {
            throw new IllegalStateException(
                    "the server set the time offset to " + answered + " instead of " + seconds);
        }
    }

    /** Puts the server's clock back to real time (offset 0). */
    public static void resetTimeOffset() {
        setTimeOffset(0);
    }

    /** The server's current time offset in seconds. */
    public static int timeOffset() {
        int offset = timeOffsetCall("GET", null);
        knownTimeOffset = offset;
        return offset;
    }

    /**
     * Requests Approval Guard holds open on the server now: its {@code approval_guard_waiters}
     * gauge.
     */
    public static int waiters() {
        return metrics()
                .lines()
                .filter(line -> line.startsWith("approval_guard_waiters"))
                .map(line -> (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no approval_guard_waiters gauge on /metrics"));
    }

    /** The server's {@code /metrics} (Prometheus text) as it is now. */
    public static String metrics() {
        HttpRequest request =
                HttpRequest.newBuilder(
                                URI.create("http://" + HOST + ":" + MANAGEMENT_PORT + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build();
        try {
            return TESTING_HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The server's idea of now: the real time plus the offset this JVM last set (or read) with
     * {@link #setTimeOffset}/{@link #timeOffset()}; plain {@link Instant#now()} while nothing is
     * shifted. {@link DeviceClient} stamps its proofs with it, as a device whose clock agrees with
     * the server's.
     */
    public static Instant serverNow() {
        return Instant.now().plusSeconds(knownTimeOffset);
    }

    private static int timeOffsetCall(String method, String body) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(timeOffsetUrl()))
                        .timeout(Duration.ofSeconds(30))
                        .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(
                            method,
                            HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        try {
            HttpResponse<String> response =
                    TESTING_HTTP.send(
                            request.build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        method
                                + " "
                                + timeOffsetUrl()
                                + " answered "
                                + response.statusCode()
                                + ": "
                                + Json.abbreviate(response.body()));
            }
            return ((Number) Json.readMap(response.body()).get("offset")).intValue();
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + timeOffsetUrl() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Where the server's stdout and stderr go: {@code approvalguard.work.dir/keycloak.log}. */
    /** Where the test server keeps its log and the files it was started with. */
    public static Path workDir() {
        return Settings.workDirFromProperty();
    }

    public static Path logFile() {
        return Settings.workDirFromProperty().resolve("keycloak.log");
    }

    /** A position in the server log; pass it to {@link #logSince(LogMark)} later. */
    public static LogMark logMark() {
        try {
            Path log = logFile();
            return new LogMark(Files.exists(log) ? Files.size(log) : 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything the server logged after {@code mark}. */
    public static String logSince(LogMark mark) {
        Path log = logFile();
        if (!Files.exists(log)) {
            return "";
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long from = Math.min(mark.offset(), file.length());
            byte[] bytes = new byte[(int) (file.length() - from)];
            file.seek(from);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The log lines after {@code mark} that contain {@code needle}; empty when there are none. */
    public static List<String> logLinesContaining(LogMark mark, String needle) {
        return logSince(mark)
                .lines()
                .filter(line -> line.contains(needle))
                .collect(Collectors.toList());
    }

    /**
     * Waits until at least {@code count} lines after {@code mark} contain {@code needle}, for lines
     * the server writes off the request's thread (after commit, on an executor); answers them all.
     */
    public static List<String> awaitLogLines(
            LogMark mark, String needle, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> hits = logLinesContaining(mark, needle);
        while (hits.size() < count && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(100));
            hits = logLinesContaining(mark, needle);
        }
        if (hits.size() < count) {
            throw new AssertionError(
                    count
                            + " server log line(s) with \""
                            + needle
                            + "\" expected within "
                            + timeout
                            + ", found "
                            + hits.size()
                            + (hits.isEmpty() ? "" : ":\n" + String.join("\n", hits)));
        }
        return hits;
    }

    /**
     * Fails when {@code needle} appears in the log after {@code mark}. Waits {@code settle} first,
     * because the server may still be writing lines about the request that was just answered.
     */
    public static void assertNotLoggedSince(LogMark mark, String needle, Duration settle) {
        sleep(settle);
        List<String> hits = logLinesContaining(mark, needle);
        if (!hits.isEmpty()) {
            throw new AssertionError(
                    "\"" + needle + "\" appears in the server log:\n" + String.join("\n", hits));
        }
    }

    /** The last {@code count} lines of the server log, for failure messages. */
    public static String logTail(int count) {
        return tail(logFile(), count);
    }

    /** A byte offset into the server log. */
    public record LogMark(long offset) {}

    private static final class StopOnClose implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            stop();
        }
    }

    /** Paths the server needs, read from the failsafe system properties. */
    private record Settings(
            Path distDir, Path providerJar, Path realmsDir, Path demoRealm, Path workDir) {

        static Settings fromSystemProperties() {
            return new Settings(
                    requiredDir("keycloak.dist.dir"),
                    requiredFile("approvalguard.jar"),
                    requiredDir("approvalguard.test.realms"),
                    requiredFile("approvalguard.demo.realm"),
                    workDirFromProperty());
        }

        static Path workDirFromProperty() {
            String value = System.getProperty("approvalguard.work.dir");
            Path dir =
                    value == null || value.isBlank()
                            ? Paths.get("target", "it-work").toAbsolutePath()
                            : Paths.get(value);
            try {
                return Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static Path requiredDir(String property) {
            Path path = requiredPath(property);
            if (!Files.isDirectory(path)) {
                throw new IllegalStateException(
                        "system property "
                                + property
                                + " = "
                                + path
                                + " is not a directory (run the tests with mvn verify, which unpacks Keycloak in package)");
            }
            return path;
        }

        private static Path requiredFile(String property) {
            Path path = requiredPath(property);
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException(
                        "system property "
                                + property
                                + " = "
                                + path
                                + " is not a file (run the tests with mvn verify, which builds the provider jar in package)");
            }
            return path;
        }

        private static Path requiredPath(String property) {
            String value = System.getProperty(property);
            if (value == null || value.isBlank()) {
                throw new IllegalStateException(
                        "system property "
                                + property
                                + " is not set; integration tests must run through failsafe (mvn verify)");
            }
            return Paths.get(value).toAbsolutePath();
        }
    }

    /** A started kc.sh process and the means to stop it. */
    private static final class RunningServer {

        private final Process process;

        private RunningServer(Process process) {
            this.process = process;
        }

        static RunningServer start(Settings settings) {
            return launch(settings, true);
        }

        static RunningServer restart(Settings settings) {
            return launch(settings, false);
        }

        private static RunningServer launch(Settings settings, boolean freshDatabase) {
            Ports.requireFree(HTTP_PORT, "Keycloak's HTTP port", PROBABLE_OWNER);
            Ports.requireFree(MANAGEMENT_PORT, "Keycloak's management port", PROBABLE_OWNER);
            try {
                if (freshDatabase) {
                    prepareDistribution(settings);
                }
                Path log = settings.workDir().resolve("keycloak.log");
                if (freshDatabase) {
                    Files.deleteIfExists(log);
                }
                // a restart appends, so log marks taken before it stay valid
                ProcessBuilder builder =
                        new ProcessBuilder(
                                        command(
                                                settings.distDir(),
                                                settings.realmsDir(),
                                                settings.workDir()))
                                .directory(settings.distDir().toFile())
                                .redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USERNAME);
                builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
                // Keep the heap modest: the tests, Chromium and Keycloak share a small machine.
                builder.environment().put("JAVA_OPTS_APPEND", "-Xms256m -Xmx1024m");
                RunningServer server = new RunningServer(builder.start());
                server.awaitReady(log);
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot start Keycloak from " + settings.distDir(), e);
            }
        }

        private static List<String> command(Path distDir, Path realmsDir, Path workDir) {
            List<String> command = new ArrayList<>();
            command.add(distDir.resolve("bin/kc.sh").toString());
            command.add("start-dev");
            command.add("--http-host=" + HOST);
            command.add("--http-port=" + HTTP_PORT);
            command.add("--import-realm");
            command.add("--health-enabled=true");
            command.add("--metrics-enabled=true");
            // Small on purpose, so that WaitingIT can reach the node's cap of held requests.
            command.add("--spi-realm-restapi-extension--approval-guard--max-waiters=6");
            command.add("--http-management-port=" + MANAGEMENT_PORT);
            // As behind a reverse proxy: tests set the client address with X-Forwarded-For.
            command.add("--proxy-headers=xforwarded");
            command.add("--spi-ciba-auth-channel--provider=approval-guard");
            // Lifespans in the single-use store (spacing, quota and IP claims) follow the clock a
            // test
            // moves with TimeOffset, as Keycloak's own test suite does.
            command.add("--spi-connections-infinispan--default--use-keycloak-time-service=true");
            Path geoip = realmsDir.getParent().resolve("geoip");
            command.add(
                    "--spi-approval-guard-location--maxmind--city-database="
                            + geoip.resolve("GeoLite2-City-Test.mmdb"));
            command.add(
                    "--spi-approval-guard-location--maxmind--asn-database="
                            + geoip.resolve("GeoLite2-ASN-Test.mmdb"));
            // The event stream: every sink a test may look at, each pointing at a loopback receiver
            // that a test starts and stops; quick back-off so recoveries show within seconds.
            command.add("--spi-approval-guard-sink--log--enabled=true");
            command.add("--spi-approval-guard-sink--webhook--url=" + StreamSinks.WEBHOOK_URL);
            command.add(
                    "--spi-approval-guard-sink--webhook--secrets="
                            + String.join(",", StreamSinks.WEBHOOK_SECRETS));
            command.add(
                    "--spi-approval-guard-sink--webhook--timeout-ms="
                            + StreamSinks.WEBHOOK_TIMEOUT_MS);
            command.add(
                    "--spi-approval-guard-sink--kafka--bootstrap-servers="
                            + StreamSinks.KAFKA_BOOTSTRAP);
            command.add("--spi-approval-guard-sink--kafka--topic=" + StreamSinks.KAFKA_TOPIC);
            command.add("--spi-approval-guard-sink--kafka--max-block-ms=2000");
            command.add("--spi-approval-guard-sink--kafka--delivery-timeout-ms=5000");
            command.add("--spi-approval-guard-sink--kafka--request-timeout-ms=2000");
            // Push providers deliver to loopback stand-ins that push tests start.
            command.addAll(PushServices.serverOptions(workDir));
            command.add("--spi-events-listener--approval-guard--backoff-max-ms=2000");
            command.add(
                    "--spi-events-listener--approval-guard--anonymous-failures-window-seconds="
                            + ANONYMOUS_FAILURES_WINDOW_SECONDS);
            command.add(
                    "--log-level="
                            + System.getProperty(
                                    "approvalguard.log-level",
                                    "INFO,io.approvalguard:debug,io.approvalguard.shaded.kafka:error"));
            return command;
        }

        /**
         * Fresh database, exactly our provider jar plus the test-only {@code
         * approval-guard-testing.jar}, and the test realms ready for import.
         */
        private static void prepareDistribution(Settings settings) throws IOException {
            Path dist = settings.distDir();
            Path providers = Files.createDirectories(dist.resolve("providers"));
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(providers, "*.jar")) {
                for (Path jar : jars) {
                    Files.delete(jar);
                }
            }
            Files.copy(
                    settings.providerJar(),
                    providers.resolve(settings.providerJar().getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
            // Test-only endpoints (the clock shift) in a JAR of their own, so the product JAR stays
            // clean.
            Path testingJar = TestingProviderJar.build(settings.workDir());
            Files.copy(
                    testingJar,
                    providers.resolve(TestingProviderJar.FILE_NAME),
                    StandardCopyOption.REPLACE_EXISTING);

            deleteRecursively(dist.resolve("data"));
            Path imports = Files.createDirectories(dist.resolve("data/import"));
            try (DirectoryStream<Path> realms =
                    Files.newDirectoryStream(settings.realmsDir(), "*.json")) {
                for (Path realm : realms) {
                    Files.copy(realm, imports.resolve(realm.getFileName()));
                }
            }
            // The demo realm exactly as the README's demo imports it, so tests can hold what it
            // ships.
            Files.copy(settings.demoRealm(), imports.resolve("demo-realm.json"));
            // kc.sh may have lost its execute bit when the distribution was unpacked by Maven.
            dist.resolve("bin/kc.sh").toFile().setExecutable(true);
        }

        private void awaitReady(Path log) {
            HttpClient client =
                    HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            URI ready = URI.create("http://" + HOST + ":" + MANAGEMENT_PORT + "/health/ready");
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "Keycloak exited with status "
                                    + process.exitValue()
                                    + " before it was ready; last lines of "
                                    + log
                                    + ":\n"
                                    + tail(log, LOG_LINES_ON_FAILURE));
                }
                if (isReady(client, ready)) {
                    return;
                }
                sleep(Duration.ofMillis(500));
            }
            stop();
            throw new IllegalStateException(
                    "Keycloak was not ready within "
                            + READY_TIMEOUT.toSeconds()
                            + " s; last lines of "
                            + log
                            + ":\n"
                            + tail(log, LOG_LINES_ON_FAILURE));
        }

        private static boolean isReady(HttpClient client, URI ready) {
            try {
                HttpResponse<String> response =
                        client.send(
                                HttpRequest.newBuilder(ready)
                                        .timeout(Duration.ofSeconds(5))
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Keycloak", e);
            }
        }

        /**
         * kc.sh forwards SIGTERM to its java child; if that does not end it in time, kill the whole
         * process tree so no server outlives the test JVM.
         */
        void stop() {
            List<ProcessHandle> tree =
                    Stream.concat(Stream.of(process.toHandle()), process.descendants())
                            .collect(Collectors.toList());
            process.destroy();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    tree.forEach(ProcessHandle::destroyForcibly);
                }
                for (ProcessHandle handle : tree) {
                    handle.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                tree.forEach(ProcessHandle::destroyForcibly);
            } catch (Exception e) {
                tree.forEach(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static String tail(Path file, int count) {
        if (!Files.exists(file)) {
            return "(no log file " + file + ")";
        }
        try {
            // decode leniently: a log line cut mid-character must not hide the rest
            List<String> all =
                    new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                            .lines()
                            .collect(Collectors.toList());
            return String.join("\n", all.subList(Math.max(0, all.size() - count), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(path);
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
