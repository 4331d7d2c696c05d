package io.approvalguard.testkit.cluster;

import io.approvalguard.testkit.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server from Debian's package ({@code apt-get install postgresql}) on
 * 127.0.0.1 only, with database and user {@code keycloak}. As root it runs as user {@code
 * postgres}, because PostgreSQL refuses to run as root. fsync is off: a test database.
 *
 * <p>The server's files (data, socket, log) live in a fresh directory under the system's temporary
 * directory, owned by the user the server runs as, never under the checkout: a checkout inside a
 * private home directory (mode 700) is out of the {@code postgres} user's reach. The directory is
 * removed on {@link #close()}; the server log is copied to the work directory first.
 */
public final class ClusterDatabase implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final int PORT = 15433;
    public static final String NAME = "keycloak";

    private final Path binDir;
    private final Path workDir;
    private final Path serverDir;
    private final Path dataDir;
    private final Path log;
    private boolean closed;

    private ClusterDatabase(Path binDir, Path workDir, Path serverDir) {
        this.binDir = binDir;
        this.workDir = workDir;
        this.serverDir = serverDir;
        this.dataDir = serverDir.resolve("pgdata");
        this.log = serverDir.resolve("postgres.log");
    }

    public static ClusterDatabase start(Path workDir) {
        Ports.requireFree(
                PORT,
                "the cluster test's PostgreSQL",
                "a PostgreSQL of another ClusterIT run, or one left running");
        try {
            ClusterDatabase db =
                    new ClusterDatabase(
                            findBinDir(),
                            workDir,
                            Files.createTempDirectory(reachableTempRoot(), "approval-guard-pg-"));
            Runtime.getRuntime().addShutdownHook(new Thread(db::close));
            db.initAndStart();
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + NAME;
    }

    private void initAndStart() throws IOException {
        Files.deleteIfExists(toolsLog());
        if (isRoot()) {
            run(List.of("chown", "postgres", serverDir.toString()));
        }
        run(
                asPostgres(
                        binDir.resolve("initdb").toString(),
                        "-D",
                        dataDir.toString(),
                        "-U",
                        "postgres",
                        "--auth=trust",
                        "-E",
                        "UTF8"));
        // the socket goes into our own directory too, so that servers of parallel runs never share
        // one
        run(
                asPostgres(
                        binDir.resolve("pg_ctl").toString(),
                        "-D",
                        dataDir.toString(),
                        "-l",
                        log.toString(),
                        "-w",
                        "-t",
                        "60",
                        "-o",
                        "-h "
                                + HOST
                                + " -p "
                                + PORT
                                + " -k "
                                + serverDir
                                + " -c fsync=off -c max_connections=200",
                        "start"));
        psql("CREATE USER keycloak PASSWORD 'keycloak'");
        psql("CREATE DATABASE keycloak OWNER keycloak");
    }

    private void psql(String sql) {
        run(
                List.of(
                        binDir.resolve("psql").toString(),
                        "-h",
                        HOST,
                        "-p",
                        Integer.toString(PORT),
                        "-U",
                        "postgres",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-q",
                        "-c",
                        sql));
    }

    /**
     * Stops the server, keeps its log as {@code postgres.log} in the work directory and removes its
     * files.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Files.exists(dataDir.resolve("postmaster.pid"))) {
            try {
                run(
                        asPostgres(
                                binDir.resolve("pg_ctl").toString(),
                                "-D",
                                dataDir.toString(),
                                "-m",
                                "fast",
                                "-w",
                                "stop"));
            } catch (RuntimeException e) {
                // already stopped
            }
        }
        try {
            if (Files.exists(log)) {
                Files.copy(
                        log, workDir.resolve("postgres.log"), StandardCopyOption.REPLACE_EXISTING);
            }
            deleteRecursively(serverDir);
        } catch (IOException e) {
            System.err.println(
                    "could not remove the test database's directory " + serverDir + ": " + e);
        }
    }

    /**
     * {@code java.io.tmpdir} when the {@code postgres} user can enter it (every directory on the
     * way is searchable by others), else {@code /tmp}.
     */
    private static Path reachableTempRoot() throws IOException {
        Path tmp = Paths.get(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        if (!isRoot()) {
            return tmp;
        }
        for (Path dir = tmp; dir != null; dir = dir.getParent()) {
            if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return Paths.get("/tmp");
            }
        }
        return tmp;
    }

    private static Path findBinDir() {
        List<Path> candidates = new ArrayList<>();
        try (Stream<Path> versions = Files.list(Paths.get("/usr/lib/postgresql"))) {
            versions.sorted(
                            (a, b) ->
                                    b.getFileName()
                                            .toString()
                                            .compareTo(a.getFileName().toString()))
                    .forEach(v -> candidates.add(v.resolve("bin")));
        } catch (IOException e) {
            // not a Debian layout; try PATH below
        }
        Optional.ofNullable(System.getenv("PATH"))
                .ifPresent(
                        path ->
                                Stream.of(path.split(":"))
                                        .forEach(d -> candidates.add(Paths.get(d))));
        return candidates.stream()
                .filter(
                        d ->
                                Files.isExecutable(d.resolve("initdb"))
                                        && Files.isExecutable(d.resolve("pg_ctl")))
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "PostgreSQL is not installed (initdb, pg_ctl): apt-get install postgresql (.ci/run does)"));
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static List<String> asPostgres(String... command) {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    /** Where the tools' output goes: written by this JVM, so it may stay in the work directory. */
    private Path toolsLog() {
        return workDir.resolve("postgres-tools.log");
    }

    private void run(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(toolsLog().toFile()))
                            .start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        "failed (" + process.exitValue() + "): " + command + "; see " + toolsLog());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(path);
            }
        }
    }
}
