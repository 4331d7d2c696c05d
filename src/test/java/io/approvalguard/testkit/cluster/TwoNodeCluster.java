package io.approvalguard.testkit.cluster;

import io.approvalguard.testkit.Ports;
import io.approvalguard.testkit.TestingProviderJar;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two Keycloak 26.7.0 nodes from the distribution, with the provider, on one PostgreSQL, clustered
 * by Infinispan over JGroups on loopback (Keycloak's default {@code jdbc-ping} stack: the nodes
 * find each other through the database). Node A imports the test realms. Each node serves its own
 * URLs (no front hostname), and cookies are keyed by host, not port, so one browser's cookies work
 * on both nodes, as behind a load balancer.
 */
public final class TwoNodeCluster implements AutoCloseable {

    private static final String HOST = "127.0.0.1";

    /**
     * A ceiling for a live but slow node on a loaded machine; a node that dies is noticed at once.
     */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(600);

    /** One node: its ports and its process. */
    public enum Node {
        A(8280, 9280, 7800),
        B(8281, 9281, 7801);

        private final int httpPort;
        private final int managementPort;
        private final int jgroupsPort;

        Node(int httpPort, int managementPort, int jgroupsPort) {
            this.httpPort = httpPort;
            this.managementPort = managementPort;
            this.jgroupsPort = jgroupsPort;
        }

        public String baseUrl() {
            return "http://" + HOST + ":" + httpPort;
        }

        public int httpPort() {
            return httpPort;
        }

        /**
         * Its HTTP, management and JGroups ports (JGroups would quietly move to the next free
         * port). Not JGroups' failure detection (FD_SOCK2, JGroups port + 50000): it lies in the
         * ephemeral range, where any client socket may hold it for a moment, and a node announces
         * the port it actually got, so a taken one cannot lead the other node to a stranger.
         */
        void requirePortsFree() {
            String owner = "a node of another ClusterIT run, or a clustered Keycloak left running";
            Ports.requireFree(httpPort, "node " + this + "'s HTTP port", owner);
            Ports.requireFree(managementPort, "node " + this + "'s management port", owner);
            Ports.requireFree(jgroupsPort, "node " + this + "'s JGroups port", owner);
        }
    }

    private final Path workDir;
    private final ClusterDatabase database;
    private final Process[] processes = new Process[Node.values().length];

    private TwoNodeCluster(Path workDir, ClusterDatabase database) {
        this.workDir = workDir;
        this.database = database;
    }

    /**
     * PostgreSQL, one build of the distribution, then node A (which imports the realms) and node B.
     */
    public static TwoNodeCluster start() {
        Path workDir =
                Paths.get(System.getProperty("approvalguard.work.dir", "target/it-work"))
                        .toAbsolutePath()
                        .resolve("cluster");
        // all at once, before minutes of preparation
        for (Node node : Node.values()) {
            node.requirePortsFree();
        }
        try {
            Files.createDirectories(workDir);
            ClusterDatabase database = ClusterDatabase.start(workDir);
            TwoNodeCluster cluster = new TwoNodeCluster(workDir, database);
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
            cluster.prepareDistributions();
            cluster.startNode(Node.A);
            cluster.startNode(Node.B);
            cluster.awaitMembers(Node.A, 2);
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code node} (again, after {@link #stopNode}); fails naming a port that something else
     * holds.
     */
    public void startNode(Node node) {
        node.requirePortsFree();
        try {
            Path dist = dist(node);
            Path log = log(node);
            List<String> command =
                    new ArrayList<>(
                            List.of(
                                    dist.resolve("bin/kc.sh").toString(),
                                    "start",
                                    "--optimized",
                                    "--http-enabled=true",
                                    "--http-host=" + HOST,
                                    "--http-port=" + node.httpPort,
                                    "--http-management-port=" + node.managementPort,
                                    "--hostname-strict=false",
                                    "--db-url=" + database.jdbcUrl(),
                                    "--db-username=keycloak",
                                    "--db-password=keycloak",
                                    "--cache-embedded-network-bind-address=" + HOST,
                                    "--cache-embedded-network-bind-port=" + node.jgroupsPort,
                                    "--proxy-headers=xforwarded",
                                    // Web Push on, with the key pair the nodes make and share
                                    "--spi-approval-guard-notifier--webpush--vapid-subject=mailto:ops@ag-test.example",
                                    "--log-level=INFO,io.approvalguard:debug"));
            if (node == Node.A) {
                command.add("--import-realm");
            }
            ProcessBuilder builder =
                    new ProcessBuilder(command)
                            .directory(dist.toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
            builder.environment().put("JAVA_OPTS_APPEND", "-Xms256m -Xmx768m");
            processes[node.ordinal()] = builder.start();
            awaitReady(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops a node the way an orchestrator does (SIGTERM), and waits until it is gone. */
    public void stopNode(Node node) {
        Process process = processes[node.ordinal()];
        if (process == null || !process.isAlive()) {
            return;
        }
        process.toHandle().descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Requests Approval Guard holds open on {@code node}: its {@code approval_guard_waiters} gauge.
     */
    public int waiters(Node node) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request =
                HttpRequest.newBuilder(
                                URI.create(
                                        "http://" + HOST + ":" + node.managementPort + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString())
                    .body()
                    .lines()
                    .filter(line -> line.startsWith("approval_guard_waiters"))
                    .map(
                            line ->
                                    (int)
                                            Double.parseDouble(
                                                    line.substring(line.lastIndexOf(' ') + 1)))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new AssertionError(
                                            "no approval_guard_waiters gauge on node " + node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean isRunning(Node node) {
        Process process = processes[node.ordinal()];
        return process != null && process.isAlive();
    }

    /**
     * Waits until {@code node}'s log shows a cluster view of {@code members} members after the last
     * start.
     */
    public void awaitMembers(Node node, int members) {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        String wanted = "(" + members + ") [";
        while (System.nanoTime() < deadline) {
            List<String> views =
                    readLog(node).lines().filter(l -> l.contains("ISPN000094")).toList();
            if (!views.isEmpty() && views.get(views.size() - 1).contains(wanted)) {
                return;
            }
            sleep(200);
        }
        throw new IllegalStateException(
                "node " + node + " did not see " + members + " members; log tail:\n" + tail(node));
    }

    public String readLog(Node node) {
        try {
            return Files.readString(log(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (Node node : Node.values()) {
            stopNode(node);
        }
        database.close();
    }

    /**
     * One copy built for PostgreSQL and a clustered cache, then a second copy of it (each node its
     * own data/).
     */
    private void prepareDistributions() throws IOException {
        Path source = Paths.get(System.getProperty("keycloak.dist.dir")).toAbsolutePath();
        Path a = dist(Node.A);
        Path b = dist(Node.B);
        ClusterDatabase.deleteRecursively(a);
        ClusterDatabase.deleteRecursively(b);
        run(List.of("cp", "-a", source.toString(), a.toString()));
        ClusterDatabase.deleteRecursively(a.resolve("data"));
        Path providers = a.resolve("providers");
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(providers, "*.jar")) {
            for (Path jar : jars) {
                Files.delete(jar);
            }
        }
        Path productJar = Paths.get(System.getProperty("approvalguard.jar")).toAbsolutePath();
        Files.copy(
                productJar,
                providers.resolve(productJar.getFileName()),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(
                TestingProviderJar.build(workDir),
                providers.resolve(TestingProviderJar.FILE_NAME),
                StandardCopyOption.REPLACE_EXISTING);
        Path imports = Files.createDirectories(a.resolve("data/import"));
        Path realms = Paths.get(System.getProperty("approvalguard.test.realms")).toAbsolutePath();
        Files.copy(realms.resolve("ag-test-realm.json"), imports.resolve("ag-test-realm.json"));
        a.resolve("bin/kc.sh").toFile().setExecutable(true);
        run(
                List.of(
                        a.resolve("bin/kc.sh").toString(),
                        "build",
                        "--db=postgres",
                        "--cache=ispn",
                        "--health-enabled=true",
                        "--metrics-enabled=true"));
        // cp -a keeps the build's timestamps: a plain copy looks like changed providers and refuses
        // --optimized.
        run(List.of("cp", "-a", a.toString(), b.toString()));
        ClusterDatabase.deleteRecursively(b.resolve("data/import"));
    }

    private void awaitReady(Node node) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create("http://" + HOST + ":" + node.managementPort + "/health/ready");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isRunning(node)) {
                throw new IllegalStateException(
                        "node " + node + " exited before it was ready:\n" + tail(node));
            }
            try {
                if (client.send(
                                        HttpRequest.newBuilder(ready)
                                                .timeout(Duration.ofSeconds(2))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(500);
        }
        throw new IllegalStateException(
                "node "
                        + node
                        + " not ready within "
                        + READY_TIMEOUT.toSeconds()
                        + " s:\n"
                        + tail(node));
    }

    private String tail(Node node) {
        List<String> lines = readLog(node).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private Path dist(Node node) {
        return workDir.resolve("node-" + node.name().toLowerCase());
    }

    private Path log(Node node) {
        return workDir.resolve("node-" + node.name().toLowerCase() + ".log");
    }

    private void run(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(
                                    ProcessBuilder.Redirect.appendTo(
                                            workDir.resolve("build.log").toFile()))
                            .start();
            if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "failed: " + command + "; see " + workDir.resolve("build.log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
