package io.approvalguard.testkit.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server from Debian's package ({@code apt-get install postgresql}) on
 * 127.0.0.1 only, with database and user {@code keycloak}. As root it runs as user
 * {@code postgres}, because PostgreSQL refuses to run as root. fsync is off: a test database.
 */
public final class ClusterDatabase implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final int PORT = 15433;
    public static final String NAME = "keycloak";

    private final Path binDir;
    private final Path dataDir;
    private final Path log;

    private ClusterDatabase(Path binDir, Path workDir) {
        this.binDir = binDir;
        this.dataDir = workDir.resolve("pgdata");
        this.log = workDir.resolve("postgres.log");
    }

    public static ClusterDatabase start(Path workDir) {
        ClusterDatabase db = new ClusterDatabase(findBinDir(), workDir);
        db.initAndStart();
        Runtime.getRuntime().addShutdownHook(new Thread(db::close));
        return db;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + NAME;
    }

    private void initAndStart() {
        try {
            deleteRecursively(dataDir);
            Files.createDirectories(dataDir);
            Files.deleteIfExists(log);
            Files.createFile(log);
            if (isRoot()) {
                run(List.of("chown", "postgres", dataDir.toString(), log.toString()));
            }
            run(asPostgres(binDir.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8"));
            run(asPostgres(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", log.toString(), "-w", "-t", "60",
                    "-o", "-h " + HOST + " -p " + PORT + " -c fsync=off -c max_connections=200", "start"));
            psql("CREATE USER keycloak PASSWORD 'keycloak'");
            psql("CREATE DATABASE keycloak OWNER keycloak");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void psql(String sql) {
        run(List.of(binDir.resolve("psql").toString(), "-h", HOST, "-p", Integer.toString(PORT), "-U", "postgres",
                "-v", "ON_ERROR_STOP=1", "-q", "-c", sql));
    }

    @Override
    public void close() {
        if (Files.exists(dataDir.resolve("postmaster.pid"))) {
            try {
                run(asPostgres(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop"));
            } catch (RuntimeException e) {
                // already stopped
            }
        }
    }

    private static Path findBinDir() {
        List<Path> candidates = new ArrayList<>();
        try (Stream<Path> versions = Files.list(Paths.get("/usr/lib/postgresql"))) {
            versions.sorted((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString()))
                    .forEach(v -> candidates.add(v.resolve("bin")));
        } catch (IOException e) {
            // not a Debian layout; try PATH below
        }
        Optional.ofNullable(System.getenv("PATH")).ifPresent(path -> Stream.of(path.split(":")).forEach(d -> candidates.add(Paths.get(d))));
        return candidates.stream().filter(d -> Files.isExecutable(d.resolve("initdb")) && Files.isExecutable(d.resolve("pg_ctl")))
                .findFirst().orElseThrow(() -> new IllegalStateException(
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

    private void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.getParent().resolve("postgres-tools.log").toFile())).start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("failed (" + process.exitValue() + "): " + command + "; see "
                        + log.getParent().resolve("postgres-tools.log"));
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
