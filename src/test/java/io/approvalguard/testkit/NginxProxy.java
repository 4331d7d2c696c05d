package io.approvalguard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The shipped {@code docker/nginx.conf}, run by Debian's nginx ({@code apt-get install nginx};
 * {@code .ci/run} installs it) in front of the test Keycloak: only its upstream (the test server),
 * its listen address (127.0.0.1:{@value #PORT}) and its file locations (under the tests' work
 * directory) are changed, so every proxy header it sets is the shipped one.
 */
public final class NginxProxy implements AutoCloseable {

    public static final int PORT = 18080;
    public static final String BASE_URL = "http://127.0.0.1:" + PORT;
    private static final Path SHIPPED = Paths.get("docker", "nginx.conf");

    private final Process process;
    private final Path dir;

    private NginxProxy(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /**
     * Starts the shipped configuration in front of the test server; fails naming the port when it
     * is taken.
     */
    public static NginxProxy start() {
        Path binary = Paths.get("/usr/sbin/nginx");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(
                    "nginx is not installed ("
                            + binary
                            + "): apt-get install -y nginx; .ci/run does this");
        }
        Ports.requireFree(
                PORT,
                "the nginx proxy in front of the test Keycloak",
                "another test run's nginx, or a bench Keycloak (src/bench/listener-latency.sh, WaitingSignInsBench use it too)");
        try {
            Path dir =
                    Files.createDirectories(
                            KeycloakServer.logFile().getParent().resolve("nginx").toAbsolutePath());
            Files.createDirectories(dir.resolve("tmp"));
            Path conf = dir.resolve("nginx.conf");
            Files.writeString(
                    conf,
                    adapt(Files.readString(SHIPPED, StandardCharsets.UTF_8), dir),
                    StandardCharsets.UTF_8);
            Process process =
                    new ProcessBuilder(
                                    List.of(
                                            binary.toString(),
                                            "-p",
                                            dir.toString(),
                                            "-c",
                                            conf.toString(),
                                            "-g",
                                            "daemon off; pid "
                                                    + dir.resolve("nginx.pid")
                                                    + "; error_log "
                                                    + dir.resolve("error.log")
                                                    + ";"))
                            .redirectErrorStream(true)
                            .redirectOutput(dir.resolve("nginx.out").toFile())
                            .start();
            NginxProxy proxy = new NginxProxy(process, dir);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Ports.accepts(PORT)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    proxy.close();
                    throw new IllegalStateException(
                            "nginx did not start: " + Files.readString(dir.resolve("nginx.out")));
                }
                Thread.sleep(50);
            }
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The shipped file with the test server as its only upstream and everything it writes under
     * {@code dir}.
     */
    static String adapt(String shipped, Path dir) {
        String upstream = shipped.replaceAll("(?m)^\\s*server keycloak-[a-z]:8080;\\s*$", "");
        if (upstream.equals(shipped) || !upstream.contains("upstream keycloak {")) {
            throw new IllegalStateException(
                    "docker/nginx.conf no longer has the upstream lines this test replaces");
        }
        String files =
                "  access_log "
                        + dir.resolve("access.log")
                        + ";\n"
                        + "  client_body_temp_path "
                        + dir.resolve("tmp/body")
                        + ";\n"
                        + "  proxy_temp_path "
                        + dir.resolve("tmp/proxy")
                        + ";\n"
                        + "  fastcgi_temp_path "
                        + dir.resolve("tmp/fastcgi")
                        + ";\n"
                        + "  uwsgi_temp_path "
                        + dir.resolve("tmp/uwsgi")
                        + ";\n"
                        + "  scgi_temp_path "
                        + dir.resolve("tmp/scgi")
                        + ";\n";
        return upstream.replace("worker_processes auto;", "worker_processes 1;\nuser root;")
                .replace(
                        "upstream keycloak {",
                        files
                                + "  upstream keycloak {\n    server "
                                + KeycloakServer.HOST
                                + ":"
                                + KeycloakServer.HTTP_PORT
                                + ";")
                .replace("listen 8080;", "listen 127.0.0.1:" + PORT + ";");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Path dir() {
        return dir;
    }
}
