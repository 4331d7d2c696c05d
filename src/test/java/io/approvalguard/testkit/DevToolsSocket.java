package io.approvalguard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.openqa.selenium.HasCapabilities;
import org.openqa.selenium.WebDriver;

/**
 * A DevTools protocol connection of our own to one page of a {@link Chromium} browser, for what
 * Selenium's {@code executeCdpCommand} cannot do: receive events (such as {@code
 * ServiceWorker.workerRegistrationUpdated}, which alone tells a registration's id). Selenium's own
 * DevTools API needs a module of the browser's exact version; the JDK's WebSocket needs nothing.
 */
public final class DevToolsSocket implements AutoCloseable {

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> answers =
            new ConcurrentHashMap<>();
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final WebSocket socket;

    private DevToolsSocket(URI url) {
        try {
            socket =
                    HTTP.newWebSocketBuilder()
                            .buildAsync(url, new Listener())
                            .get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no DevTools connection to " + url, e);
        }
    }

    /** Connects to the browser's page whose address starts with {@code urlPrefix}. */
    @SuppressWarnings("unchecked")
    public static DevToolsSocket toPage(WebDriver browser, String urlPrefix) {
        Object options =
                ((HasCapabilities) browser).getCapabilities().getCapability("goog:chromeOptions");
        String address = String.valueOf(((Map<String, Object>) options).get("debuggerAddress"));
        String targets = get(URI.create("http://" + address + "/json/list"));
        for (Map<String, Object> target : Json.readList(targets)) {
            if ("page".equals(target.get("type"))
                    && String.valueOf(target.get("url")).startsWith(urlPrefix)) {
                return new DevToolsSocket(
                        URI.create(String.valueOf(target.get("webSocketDebuggerUrl"))));
            }
        }
        throw new IllegalStateException("no page at " + urlPrefix + " among " + targets);
    }

    /** Sends a command and returns its result; fails with the browser's error. */
    public Map<String, Object> send(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        answers.put(id, answer);
        socket.sendText(Json.write(Map.of("id", id, "method", method, "params", params)), true);
        Map<String, Object> message;
        try {
            message = answer.get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(method + " was not answered", e);
        } finally {
            answers.remove(id);
        }
        if (message.containsKey("error")) {
            throw new IllegalStateException(method + " failed: " + message.get("error"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) message.get("result");
        return result == null ? Map.of() : result;
    }

    /**
     * The params of the first event {@code method} (received so far or within the timeout) that
     * match.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> awaitEvent(
            String method, Predicate<Map<String, Object>> matching, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        synchronized (events) {
            while (true) {
                for (Map<String, Object> event : events) {
                    Map<String, Object> params = (Map<String, Object>) event.get("params");
                    if (method.equals(event.get("method")) && matching.test(params)) {
                        return params;
                    }
                }
                long left = Duration.between(Instant.now(), deadline).toMillis();
                if (left <= 0) {
                    throw new AssertionError("no " + method + " event within " + timeout);
                }
                try {
                    events.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Forgets the events received so far: what is awaited next must come after this. */
    public void clearEvents() {
        synchronized (events) {
            events.clear();
        }
    }

    @Override
    public void close() {
        socket.abort();
    }

    private void received(String text) {
        Map<String, Object> message = Json.readMap(text);
        Object id = message.get("id");
        if (id instanceof Number number) {
            CompletableFuture<Map<String, Object>> answer = answers.get(number.intValue());
            if (answer != null) {
                answer.complete(message);
            }
            return;
        }
        synchronized (events) {
            events.add(message);
            events.notifyAll();
        }
    }

    private static String get(URI url) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(url).GET().build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Joins a message's frames, then hands it over. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                received(text);
            }
            webSocket.request(1);
            return null;
        }
    }
}
