package io.approvalguard.notify.fcm;

import io.approvalguard.notify.PushOutcome;
import io.approvalguard.support.http.BoundedHttp;
import io.approvalguard.support.http.RetryAfter;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.keycloak.util.JsonSerialization;

/**
 * OAuth 2.0 access tokens of one service account, from the JWT-bearer grant (RFC 7523). A token is
 * reused until 60 s before it expires; only one exchange runs at a time (the others wait for it),
 * so a burst of sends costs one exchange.
 */
final class AccessTokens {

    /** Refresh this long before the token expires, so that none expires on the way to FCM. */
    static final long REFRESH_MARGIN_SECONDS = 60;

    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private static final Logger LOG = Logger.getLogger(AccessTokens.class);
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1,4096}");
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** An access token, or why there is none. */
    record Grant(String accessToken, PushOutcome failure) {
        static Grant of(String accessToken) {
            return new Grant(accessToken, null);
        }

        static Grant failed(PushOutcome failure) {
            return new Grant(null, failure);
        }

        boolean ok() {
            return accessToken != null;
        }
    }

    private record Cached(String value, long refreshAtMillis) {}

    private final ServiceAccount account;
    private final URI tokenUri;
    private final Clock clock;
    private final Object lock = new Object();
    private Cached cached;
    private CompletableFuture<Grant> exchanging;

    /**
     * @param tokenUri where to exchange (the account's own, or the {@code token-uri} option)
     */
    AccessTokens(ServiceAccount account, URI tokenUri, Clock clock) {
        this.account = account;
        this.tokenUri = tokenUri;
        this.clock = clock;
    }

    ServiceAccount account() {
        return account;
    }

    /** A valid token: the cached one, or a fresh one (this caller's or a concurrent exchange's). */
    Grant get(SendBudget budget) {
        CompletableFuture<Grant> pending;
        boolean mine = false;
        synchronized (lock) {
            if (cached != null && clock.millis() < cached.refreshAtMillis()) {
                return Grant.of(cached.value());
            }
            if (exchanging == null) {
                exchanging = new CompletableFuture<>();
                mine = true;
            }
            pending = exchanging;
        }
        if (mine) {
            Grant grant =
                    Grant.failed(PushOutcome.retry("the token exchange ended without an answer"));
            try {
                grant = exchange(budget);
            } catch (RuntimeException e) {
                // the class only: a message might hold what was being signed
                grant =
                        Grant.failed(
                                PushOutcome.retry(
                                        "token exchange failed: " + e.getClass().getSimpleName()));
            } finally {
                // whatever happened, the next caller may exchange again; the waiters hear now
                synchronized (lock) {
                    exchanging = null;
                }
                pending.complete(grant);
            }
            return grant;
        }
        return await(pending, budget);
    }

    /**
     * Forgets {@code rejected} (FCM answered 401 for it); a token cached meanwhile by another
     * exchange stays.
     */
    void invalidate(String rejected) {
        synchronized (lock) {
            if (cached != null && cached.value().equals(rejected)) {
                cached = null;
            }
        }
    }

    private static Grant await(CompletableFuture<Grant> pending, SendBudget budget) {
        try {
            return pending.get(budget.leftMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Grant.failed(
                    PushOutcome.retry(
                            "waiting for another send's token exchange: " + budget.outOfTime()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Grant.failed(PushOutcome.retry("interrupted waiting for a token exchange"));
        } catch (ExecutionException e) {
            return Grant.failed(PushOutcome.retry("token exchange failed"));
        }
    }

    private Grant exchange(SendBudget budget) {
        long now = clock.millis();
        String jwt = JwtAssertion.sign(account, tokenUri, now / 1000);
        byte[] form =
                ("grant_type="
                                + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8)
                                + "&assertion="
                                + jwt)
                        .getBytes(StandardCharsets.US_ASCII);
        BoundedHttp.Answer answer =
                budget.post(
                        tokenUri,
                        Map.of("Accept", "application/json"),
                        form,
                        "application/x-www-form-urlencoded");
        String where = "token endpoint " + BoundedHttp.origin(tokenUri);
        if (!answer.answered()) {
            return Grant.failed(
                    PushOutcome.retry("no answer from the " + where + ": " + answer.error()));
        }
        int status = answer.status();
        if (status == 200) {
            return accepted(answer, now, where);
        }
        if (status == 429 || status >= 500) {
            long wait = RetryAfter.seconds(answer.header("retry-after"), clock.instant());
            return Grant.failed(
                    PushOutcome.retryAfter(wait, "the " + where + " answered " + status));
        }
        String why =
                "the "
                        + where
                        + " refused the service account's JWT ("
                        + status
                        + errorOf(answer)
                        + ")"
                        + (status == 400 || status == 401
                                ? ": check that the key is not deleted or disabled and that the server's clock is right"
                                : "");
        LOG.warnf("Approval Guard: FCM access token for %s: %s", account.clientEmail(), why);
        return Grant.failed(PushOutcome.failed(why));
    }

    private Grant accepted(BoundedHttp.Answer answer, long requestedAt, String where) {
        Map<?, ?> body;
        try {
            body = JsonSerialization.readValue(answer.body(), Map.class);
        } catch (IOException | RuntimeException e) {
            body = null;
        }
        Object token = body == null ? null : body.get("access_token");
        Object type = body == null ? null : body.get("token_type");
        if (!(token instanceof String value)
                || !TOKEN.matcher(value).matches()
                || (type != null && !"bearer".equalsIgnoreCase(String.valueOf(type)))) {
            return Grant.failed(
                    PushOutcome.failed(
                            "the " + where + " answered 200 without a bearer access token"));
        }
        long lifetime = body.get("expires_in") instanceof Number n ? n.longValue() : 0;
        // counted from the request, not the answer: the token may be older than it looks
        long refreshAt = requestedAt + (lifetime - REFRESH_MARGIN_SECONDS) * 1000;
        synchronized (lock) {
            cached = new Cached(value, refreshAt);
        }
        LOG.debugf(
                "Approval Guard: FCM access token for %s obtained, valid %d s",
                account.clientEmail(), lifetime);
        return Grant.of(value);
    }

    /** The OAuth error code and description (RFC 6749, 5.2), shortened, never the JWT. */
    private static String errorOf(BoundedHttp.Answer answer) {
        Map<?, ?> body;
        try {
            body = JsonSerialization.readValue(answer.body(), Map.class);
        } catch (IOException | RuntimeException e) {
            return "";
        }
        if (body == null || !(body.get("error") instanceof String code)) {
            return "";
        }
        if (!ERROR_CODE.matcher(code).matches()) {
            return "";
        }
        String description =
                body.get("error_description") instanceof String d
                        ? d.replaceAll("[^\\x20-\\x7e]", "?")
                        : "";
        if (description.length() > 200) {
            description = description.substring(0, 200) + "...";
        }
        return " " + code + (description.isBlank() ? "" : ": " + description);
    }
}
