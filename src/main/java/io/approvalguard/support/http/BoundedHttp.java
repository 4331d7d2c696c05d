package io.approvalguard.support.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.NoHttpResponseException;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.conn.ConnectTimeoutException;
import org.apache.http.conn.ConnectionPoolTimeoutException;
import org.apache.http.conn.HttpHostConnectException;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.impl.client.CloseableHttpClient;

/**
 * One POST to a service we do not control (a webhook receiver, a push service), written once: a
 * hard deadline that a timer enforces by aborting the request whatever the other side does (no
 * answer, or a trickle of bytes), no redirects, no authentication challenges, and at most {@value
 * #MAX_ANSWER_BYTES} bytes of the answer read. It never throws for I/O: the {@link Answer} says
 * what happened, in words that are safe to log (origin only, never a path, query or body).
 *
 * @param client Keycloak's shared client (its proxy and trust settings apply; never closed here)
 * @param deadlines runs the timers that abort requests past the deadline
 * @param connectTimeoutMs longest wait for a connection, also for a free one in the pool
 * @param timeoutMs hard deadline of one request, answer included
 * @param optionPrefix how the options are named in messages, e.g. {@code
 *     spi-approval-guard-sink--webhook--}; empty for none
 */
public record BoundedHttp(
        CloseableHttpClient client,
        ScheduledExecutorService deadlines,
        int connectTimeoutMs,
        int timeoutMs,
        String optionPrefix) {

    /** Enough for any push service's or token endpoint's answer; more is cut off. */
    public static final int MAX_ANSWER_BYTES = 16 * 1024;

    /**
     * What came back.
     *
     * @param status the HTTP status, or -1 when there was no complete answer
     * @param headers first value of each header, by lower-case name
     * @param body at most {@value #MAX_ANSWER_BYTES} bytes of the answer
     * @param error when there was no answer, why (safe to log)
     */
    public record Answer(int status, Map<String, String> headers, byte[] body, String error) {

        public boolean answered() {
            return status >= 0;
        }

        public boolean isSuccess() {
            return status >= 200 && status < 300;
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        static Answer none(String error) {
            return new Answer(-1, Map.of(), new byte[0], error);
        }
    }

    public Answer post(URI url, Map<String, String> headers, byte[] body, String contentType) {
        HttpPost post = new HttpPost(url);
        post.setConfig(
                RequestConfig.custom()
                        .setConnectTimeout(connectTimeoutMs)
                        .setConnectionRequestTimeout(connectTimeoutMs)
                        .setSocketTimeout(timeoutMs)
                        .setRedirectsEnabled(false)
                        .setAuthenticationEnabled(false)
                        .setExpectContinueEnabled(false)
                        .build());
        headers.forEach(post::setHeader);
        ByteArrayEntity entity = new ByteArrayEntity(body);
        entity.setContentType(contentType);
        post.setEntity(entity);

        AtomicBoolean deadlinePassed = new AtomicBoolean();
        ScheduledFuture<?> deadline;
        try {
            deadline =
                    deadlines.schedule(
                            () -> {
                                deadlinePassed.set(true);
                                post.abort();
                            },
                            timeoutMs,
                            TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the owner was closed: Keycloak is stopping; never send without a deadline
            return Answer.none("not attempted: the server is stopping");
        }
        try (CloseableHttpResponse response = client.execute(post)) {
            Map<String, String> answerHeaders = new LinkedHashMap<>();
            for (Header header : response.getAllHeaders()) {
                answerHeaders.putIfAbsent(
                        header.getName().toLowerCase(Locale.ROOT), header.getValue());
            }
            // the status line has arrived and counts, even if the deadline cuts the body short
            byte[] answer = readBounded(response.getEntity());
            return new Answer(
                    response.getStatusLine().getStatusCode(),
                    Map.copyOf(answerHeaders),
                    answer,
                    null);
        } catch (IOException | RuntimeException e) {
            return Answer.none(
                    deadlinePassed.get() ? noAnswerWithinDeadline(url) : describe(url, e));
        } finally {
            deadline.cancel(false);
        }
    }

    /** {@code scheme://host[:port]}: safe to log, unlike a path or query that may carry a token. */
    public static String origin(URI url) {
        return url.getScheme()
                + "://"
                + url.getHost()
                + (url.getPort() == -1 ? "" : ":" + url.getPort());
    }

    private String noAnswerWithinDeadline(URI url) {
        return "no complete answer from "
                + origin(url)
                + " within "
                + optionPrefix
                + "timeout-ms="
                + timeoutMs;
    }

    /**
     * Reads at most {@link #MAX_ANSWER_BYTES}. A shorter answer ends the stream, which returns the
     * connection to the pool; a longer one is cut off when the response is closed, which drops the
     * connection instead of reading on.
     */
    private static byte[] readBounded(HttpEntity entity) {
        if (entity == null) {
            return new byte[0];
        }
        byte[] buffer = new byte[MAX_ANSWER_BYTES];
        int length = 0;
        try {
            InputStream in = entity.getContent();
            while (length < buffer.length) {
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
        } catch (IOException | RuntimeException e) {
            // the status is what counts; a body cut short is only less detail
        }
        return Arrays.copyOf(buffer, length);
    }

    /** A short reason without payload, secrets, path or query. */
    private String describe(URI url, Exception e) {
        String origin = origin(url);
        if (e instanceof ConnectionPoolTimeoutException) {
            return "no free connection in the HTTP client's pool within "
                    + optionPrefix
                    + "connect-timeout-ms="
                    + connectTimeoutMs;
        }
        if (e instanceof ConnectTimeoutException) {
            return "connecting to "
                    + origin
                    + " timed out ("
                    + optionPrefix
                    + "connect-timeout-ms="
                    + connectTimeoutMs
                    + ")";
        }
        if (e instanceof HttpHostConnectException || e instanceof ConnectException) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "cannot connect to " + origin + ": " + scrub(url, cause.getMessage());
        }
        if (e instanceof UnknownHostException) {
            return "cannot resolve " + url.getHost();
        }
        if (e instanceof SocketTimeoutException) {
            return "no data from " + origin + " for " + optionPrefix + "timeout-ms=" + timeoutMs;
        }
        if (e instanceof NoHttpResponseException) {
            return origin + " closed the connection without answering";
        }
        if (e instanceof SSLException) {
            return "TLS with " + origin + " failed: " + scrub(url, e.getMessage());
        }
        return e.getClass().getSimpleName()
                + " talking to "
                + origin
                + ": "
                + scrub(url, e.getMessage());
    }

    private static String scrub(URI url, String message) {
        if (message == null || message.isBlank()) {
            return "no detail";
        }
        String text = message.replace(url.toString(), origin(url));
        if (url.getRawQuery() != null) {
            text = text.replace(url.getRawQuery(), "(query not shown)");
        }
        if (url.getRawPath() != null && url.getRawPath().length() > 1) {
            text = text.replace(url.getRawPath(), "(path not shown)");
        }
        text = text.replaceAll("\\s+", " ");
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
