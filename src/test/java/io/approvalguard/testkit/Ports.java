package io.approvalguard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;

/**
 * The loopback ports the test kit listens on. Every launcher calls {@link #requireFree} before it
 * starts a server, so that a test never talks to a server it did not start (a demo, another test
 * run, a server left over from an aborted run) and a port conflict fails at once, naming the port,
 * instead of as a puzzling failure later.
 */
public final class Ports {

    public static final String HOST = "127.0.0.1";
    private static final int CONNECT_TIMEOUT_MILLIS = 500;

    /** /proc/net/tcp state of a listening socket. */
    private static final String LISTEN = "0A";

    private Ports() {}

    /**
     * Fails unless {@code port} on {@value #HOST} is free: nothing accepts connections there and
     * this JVM could bind it.
     *
     * @param port the port a launcher is about to listen on
     * @param usedFor what the port is for, e.g. "Keycloak's HTTP port"
     * @param probableOwner what probably holds it when it is taken, e.g. "another Keycloak (the
     *     demo?)"
     * @throws IllegalStateException naming the port, its use, the process holding it where it can
     *     be found, and the probable owner
     */
    public static void requireFree(int port, String usedFor, String probableOwner) {
        String problem = accepts(port) ? "already accepts connections" : bindProblem(port);
        if (problem == null) {
            return;
        }
        throw new IllegalStateException(
                "port "
                        + port
                        + " on "
                        + HOST
                        + " ("
                        + usedFor
                        + ") "
                        + problem
                        + holder(port).map(h -> ", held by " + h).orElse("")
                        + "; probably "
                        + probableOwner
                        + ". Stop it, or run the tests in a network namespace of their own (docs/testing.md), and try again.");
    }

    /** Whether something accepts TCP connections on {@code port} of {@value #HOST}. */
    public static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A port of {@value #HOST} that nothing uses right now (for servers whose port does not
     * matter).
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Null when this JVM can bind the port (as a server does: address reuse on), else why not. */
    private static String bindProblem(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
            return null;
        } catch (IOException e) {
            return "cannot be bound (" + e.getMessage() + ")";
        }
    }

    /**
     * The process that has a socket on {@code port} in this network namespace, from /proc (Linux);
     * empty where that cannot be read, for example another user's process.
     */
    static Optional<String> holder(int port) {
        Optional<String> inode = socketInode(port);
        if (inode.isEmpty()) {
            return Optional.empty();
        }
        String link = "socket:[" + inode.get() + "]";
        try (DirectoryStream<Path> processes =
                Files.newDirectoryStream(Paths.get("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                if (hasOpen(process.resolve("fd"), link)) {
                    long pid = Long.parseLong(process.getFileName().toString());
                    // only the program, never the arguments: command lines may carry secrets
                    String program =
                            ProcessHandle.of(pid)
                                    .flatMap(h -> h.info().command())
                                    .map(c -> Paths.get(c).getFileName().toString())
                                    .orElse("unknown program");
                    return Optional.of("process " + pid + " (" + program + ")");
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc, or it went away meanwhile: say nothing rather than something wrong
        }
        return Optional.empty();
    }

    /** The inode of a socket bound to {@code port}, a listening one first. */
    private static Optional<String> socketInode(int port) {
        String hexPort = String.format(":%04X", port);
        String any = null;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Paths.get(table));
            } catch (IOException | RuntimeException e) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length < 10 || !fields[1].endsWith(hexPort) || "0".equals(fields[9])) {
                    continue;
                }
                if (LISTEN.equals(fields[3])) {
                    return Optional.of(fields[9]);
                }
                any = any == null ? fields[9] : any;
            }
        }
        return Optional.ofNullable(any);
    }

    private static boolean hasOpen(Path fds, String link) {
        try (DirectoryStream<Path> open = Files.newDirectoryStream(fds)) {
            for (Path fd : open) {
                try {
                    if (link.equals(Files.readSymbolicLink(fd).toString())) {
                        return true;
                    }
                } catch (IOException | RuntimeException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            // not ours to read, or gone
        }
        return false;
    }
}
