package io.approvalguard.testkit;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK's HTTP server on 127.0.0.1 for a stand-in (a webhook receiver, FCM, a push service),
 * written once: a named port that must be free, daemon handler threads, and a latch that requests a
 * stand-in holds unanswered wait on until {@link #stop()}.
 */
final class LoopbackHttp {

    private final HttpServer server;
    private final ExecutorService executor;
    private final CountDownLatch released = new CountDownLatch(1);

    private LoopbackHttp(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Listens on {@code port} (0: any free one), failing with {@code what} and {@code
     * probableOwner} named when the port is taken.
     */
    static LoopbackHttp listen(
            int port,
            String what,
            String probableOwner,
            String threadName,
            Map<String, HttpHandler> contexts) {
        if (port != 0) {
            Ports.requireFree(port, what, probableOwner);
        }
        HttpServer server;
        try {
            server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getByName(Ports.HOST), port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
        ExecutorService executor =
                Executors.newCachedThreadPool(
                        task -> {
                            Thread thread = new Thread(task, threadName);
                            thread.setDaemon(true);
                            return thread;
                        });
        server.setExecutor(executor);
        contexts.forEach(server::createContext);
        server.start();
        return new LoopbackHttp(server, executor);
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Counted down by {@link #stop()}: what a held request waits on. */
    CountDownLatch released() {
        return released;
    }

    /** Closes the port and every open connection; held requests end unanswered. */
    void stop() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
