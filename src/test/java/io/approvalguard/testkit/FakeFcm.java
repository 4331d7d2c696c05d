package io.approvalguard.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.keycloak.util.JsonSerialization;

/**
 * Firebase Cloud Messaging for tests, on 127.0.0.1: Google's token endpoint ({@code /token}) and
 * FCM HTTP v1 ({@code /v1/projects/<project>/messages:send}), checking what the real ones check.
 *
 * <ul>
 *   <li>The token endpoint takes only the JWT-bearer grant, with an RS256 JWT whose signature
 *       verifies with the public key of an account from {@link #writeServiceAccount} (found by its
 *       {@code kid}), issued by that account's e-mail, for the FCM scope, with {@code aud} this
 *       endpoint, at most an hour long and issued within five minutes of now. It hands out access
 *       tokens valid {@link #accessTokenLifetime} seconds and counts each one.
 *   <li>The send endpoint takes only a live access token of an account of the project in the path,
 *       and a message with a {@code token} and string-valued {@code data}; it records each message
 *       and answers as scripted ({@link Answer}), 200 by default.
 * </ul>
 *
 * <pre>{@code
 * try (FakeFcm fcm = new FakeFcm(0).start()) {
 *     FakeFcm.Account account = fcm.writeServiceAccount(dir, "ag-test");
 *     // --spi-approval-guard-notifier--fcm--service-account-file=account.file()
 *     // --spi-approval-guard-notifier--fcm--endpoint=fcm.origin()
 *     fcm.answerNext(FakeFcm.Answer.UNREGISTERED);
 * }
 * }</pre>
 *
 * Thread-safe.
 */
public final class FakeFcm implements AutoCloseable {

    public static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /** How the send endpoint answers one message. */
    public enum Answer {
        OK,
        /** 404 NOT_FOUND, errorCode UNREGISTERED: the app was uninstalled. */
        UNREGISTERED,
        /** 400 INVALID_ARGUMENT, field violation on {@code message.token}. */
        INVALID_TOKEN,
        /** 400 INVALID_ARGUMENT, field violation on {@code message.data}: not about the token. */
        INVALID_PAYLOAD,
        /** 403 PERMISSION_DENIED, errorCode SENDER_ID_MISMATCH. */
        SENDER_ID_MISMATCH,
        /** 503 UNAVAILABLE with {@code Retry-After: 7}. */
        UNAVAILABLE,
        /** 429 RESOURCE_EXHAUSTED, errorCode QUOTA_EXCEEDED, {@code Retry-After: 30}. */
        QUOTA_EXCEEDED,
        /** 401 UNAUTHENTICATED, whatever the token: as if it had been revoked. */
        UNAUTHENTICATED,
        /** Reads the request and never answers, until {@link #stop()}. */
        HANG
    }

    /** A service account this fake knows, written to {@code file}. */
    public record Account(
            Path file, String json, String projectId, String clientEmail, String keyId) {}

    /** One message FCM accepted for processing (recorded before the scripted answer). */
    public record Message(
            String project,
            String accessToken,
            String token,
            Map<String, String> data,
            Map<String, Object> message,
            Answer answer) {}

    private record KnownKey(PublicKey key, String clientEmail, String projectId) {}

    private record Issued(String projectId, Instant expiresAt) {}

    private record TokenScript(int status, String body, boolean hang) {}

    private static final Pattern SEND_PATH = Pattern.compile("/v1/projects/([^/]+)/messages:send");

    private final Object lock = new Object();
    private final Map<String, KnownKey> keys = new HashMap<>();
    private final Map<String, Issued> issued = new HashMap<>();
    private final List<Message> messages = new ArrayList<>();
    private final List<String> tokenRejections = new ArrayList<>();
    private final Deque<Answer> nextAnswers = new ArrayDeque<>();
    private final Deque<TokenScript> nextTokenAnswers = new ArrayDeque<>();
    private Answer answer = Answer.OK;
    private long lifetimeSeconds = 3600;
    private Duration tokenDelay = Duration.ZERO;
    private int exchanges;
    private int tokenRequests;
    private int sendRequests;
    private int port;
    private LoopbackHttp http;
    private CountDownLatch released = new CountDownLatch(0);

    /**
     * @param port the port to listen on, 0 for any free one
     */
    public FakeFcm(int port) {
        this.port = port;
    }

    /** Listens; fails naming the port when something else holds it. */
    public FakeFcm start() {
        synchronized (lock) {
            if (http != null) {
                return this;
            }
            http =
                    LoopbackHttp.listen(
                            port,
                            "the fake FCM server",
                            "another test run's fake FCM",
                            "fake-fcm",
                            Map.of("/token", this::token, "/v1/", this::send));
            port = http.port();
            released = http.released();
            return this;
        }
    }

    /** Closes the port; held requests end unanswered. */
    public void stop() {
        LoopbackHttp stopping;
        synchronized (lock) {
            stopping = http;
            http = null;
        }
        if (stopping != null) {
            stopping.stop();
        }
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        synchronized (lock) {
            return port;
        }
    }

    /** The value of the {@code endpoint} option: {@code http://127.0.0.1:<port>}. */
    public String origin() {
        return "http://127.0.0.1:" + port();
    }

    public URI tokenUri() {
        return URI.create(origin() + "/token");
    }

    /**
     * Writes a service-account key file for {@code projectId} with a fresh RSA key and {@code
     * token_uri} this fake's token endpoint, and accepts JWTs signed with that key from now on.
     */
    public Account writeServiceAccount(Path dir, String projectId) {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        String keyId = UUID.randomUUID().toString().replace("-", "");
        String email = "approval-guard@" + projectId + ".iam.gserviceaccount.com";
        String pem =
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(pair.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n";
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("type", "service_account");
        members.put("project_id", projectId);
        members.put("private_key_id", keyId);
        members.put("private_key", pem);
        members.put("client_email", email);
        members.put("client_id", "1234567890");
        members.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
        members.put("token_uri", tokenUri().toString());
        String json;
        Path file = dir.resolve(projectId + "-" + keyId.substring(0, 8) + ".json");
        try {
            json = JsonSerialization.writeValueAsPrettyString(members);
            Files.writeString(file, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (lock) {
            keys.put(keyId, new KnownKey(pair.getPublic(), email, projectId));
        }
        return new Account(file, json, projectId, email, keyId);
    }

    /**
     * Accepts JWTs signed with the key of a service-account file written earlier (by this or
     * another instance, for example the one the test server was started with).
     */
    @SuppressWarnings("unchecked")
    public void trustAccount(Path file) {
        try {
            Map<String, Object> json =
                    JsonSerialization.readValue(Files.readString(file), Map.class);
            String pem = (String) json.get("private_key");
            byte[] der =
                    Base64.getMimeDecoder()
                            .decode(
                                    pem.replace("-----BEGIN PRIVATE KEY-----", "")
                                            .replace("-----END PRIVATE KEY-----", ""));
            java.security.KeyFactory rsa = java.security.KeyFactory.getInstance("RSA");
            java.security.interfaces.RSAPrivateCrtKey key =
                    (java.security.interfaces.RSAPrivateCrtKey)
                            rsa.generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
            PublicKey publicKey =
                    rsa.generatePublic(
                            new java.security.spec.RSAPublicKeySpec(
                                    key.getModulus(), key.getPublicExponent()));
            synchronized (lock) {
                keys.put(
                        (String) json.get("private_key_id"),
                        new KnownKey(
                                publicKey,
                                (String) json.get("client_email"),
                                (String) json.get("project_id")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code expires_in} of access tokens handed out from now on. */
    public void accessTokenLifetime(long seconds) {
        synchronized (lock) {
            lifetimeSeconds = seconds;
        }
    }

    /** How long the token endpoint takes to answer from now on (to make exchanges overlap). */
    public void tokenDelay(Duration delay) {
        synchronized (lock) {
            tokenDelay = delay;
        }
    }

    /** Answers the next token request (after any queued before) with this status and JSON body. */
    public void tokenAnswerNext(int status, String json) {
        synchronized (lock) {
            nextTokenAnswers.add(new TokenScript(status, json, false));
        }
    }

    /** Holds the next token request without answering, until {@link #stop()}. */
    public void tokenHangNext() {
        synchronized (lock) {
            nextTokenAnswers.add(new TokenScript(0, null, true));
        }
    }

    /** Answers the next message (after any queued before) like this, then as before. */
    public void answerNext(Answer next) {
        synchronized (lock) {
            nextAnswers.add(next);
        }
    }

    /** Answers every message like this from now on. */
    public void answerAlways(Answer always) {
        synchronized (lock) {
            answer = always;
            nextAnswers.clear();
        }
    }

    /** Every access token handed out so far is refused (401) from now on. */
    public void revokeAccessTokens() {
        synchronized (lock) {
            issued.clear();
        }
    }

    /** Access tokens handed out. */
    public int exchanges() {
        synchronized (lock) {
            return exchanges;
        }
    }

    /** Requests to the token endpoint, refused ones included. */
    public int tokenRequests() {
        synchronized (lock) {
            return tokenRequests;
        }
    }

    /** Why the token endpoint refused requests, in order. */
    public List<String> tokenRejections() {
        synchronized (lock) {
            return List.copyOf(tokenRejections);
        }
    }

    /** Requests to the send endpoint, refused ones included. */
    public int sendRequests() {
        synchronized (lock) {
            return sendRequests;
        }
    }

    /** Messages that got past authentication and the format check, in arrival order. */
    public List<Message> messages() {
        synchronized (lock) {
            return List.copyOf(messages);
        }
    }

    // ---- token endpoint ---------------------------------------------------------------------

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = read(exchange);
            TokenScript script;
            Duration delay;
            CountDownLatch held;
            synchronized (lock) {
                tokenRequests++;
                script = nextTokenAnswers.poll();
                delay = tokenDelay;
                held = released;
            }
            if (script != null && script.hang()) {
                awaitQuietly(held, Duration.ofHours(1));
                return;
            }
            if (!delay.isZero() && awaitQuietly(held, delay)) {
                return;
            }
            if (script != null) {
                answer(exchange, script.status(), Map.of(), script.body());
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, Map.of(), "{\"error\":\"invalid_request\"}");
                return;
            }
            Map<String, String> form = form(new String(body, StandardCharsets.US_ASCII));
            if (!GRANT_TYPE.equals(form.get("grant_type"))) {
                refuseToken(exchange, "unsupported_grant_type", "grant_type is not jwt-bearer");
                return;
            }
            String problem = checkAssertion(form.get("assertion"));
            if (problem != null) {
                refuseToken(exchange, "invalid_grant", problem);
                return;
            }
            String accessToken = "ya29.fake-" + UUID.randomUUID();
            long lifetime;
            synchronized (lock) {
                lifetime = lifetimeSeconds;
                exchanges++;
                String kid = kidOf(form.get("assertion"));
                issued.put(
                        accessToken,
                        new Issued(keys.get(kid).projectId(), Instant.now().plusSeconds(lifetime)));
            }
            answer(
                    exchange,
                    200,
                    Map.of(),
                    "{\"access_token\":\""
                            + accessToken
                            + "\",\"expires_in\":"
                            + lifetime
                            + ",\"token_type\":\"Bearer\"}");
        } catch (IOException e) {
            // the client left (its deadline) or the fake stopped
        }
    }

    /** Null when the JWT is what Google accepts, else why not. */
    private String checkAssertion(String jwt) {
        if (jwt == null) {
            return "no assertion";
        }
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            return "the assertion is not a compact JWS";
        }
        Map<?, ?> header;
        Map<?, ?> claims;
        try {
            header = JsonSerialization.readValue(decode(parts[0]), Map.class);
            claims = JsonSerialization.readValue(decode(parts[1]), Map.class);
        } catch (IOException | IllegalArgumentException e) {
            return "the assertion's header or claims are not base64url JSON";
        }
        if (!"RS256".equals(header.get("alg"))) {
            return "alg is not RS256";
        }
        KnownKey key;
        synchronized (lock) {
            key = keys.get(String.valueOf(header.get("kid")));
        }
        if (key == null) {
            return "kid names no key of this fake";
        }
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(key.key());
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rs256.verify(decode(parts[2]))) {
                return "Invalid JWT Signature.";
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return "Invalid JWT Signature.";
        }
        if (!key.clientEmail().equals(claims.get("iss"))) {
            return "iss is not the key's service account";
        }
        if (!tokenUri().toString().equals(claims.get("aud"))) {
            return "aud is not this token endpoint";
        }
        if (!SCOPE.equals(claims.get("scope"))) {
            return "scope is not " + SCOPE;
        }
        if (!(claims.get("iat") instanceof Number iat)
                || !(claims.get("exp") instanceof Number exp)) {
            return "iat or exp is missing";
        }
        long now = Instant.now().getEpochSecond();
        if (Math.abs(iat.longValue() - now) > 300
                || exp.longValue() <= now
                || exp.longValue() - iat.longValue() > 3600) {
            return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
        }
        return null;
    }

    private void refuseToken(HttpExchange exchange, String error, String description)
            throws IOException {
        synchronized (lock) {
            tokenRejections.add(description);
        }
        answer(
                exchange,
                400,
                Map.of(),
                JsonSerialization.writeValueAsString(
                        Map.of("error", error, "error_description", description)));
    }

    private static String kidOf(String jwt) throws IOException {
        return String.valueOf(
                JsonSerialization.readValue(decode(jwt.split("\\.")[0]), Map.class).get("kid"));
    }

    // ---- send endpoint ----------------------------------------------------------------------

    private void send(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = read(exchange);
            CountDownLatch held;
            synchronized (lock) {
                sendRequests++;
                held = released;
            }
            Matcher path = SEND_PATH.matcher(exchange.getRequestURI().getRawPath());
            if (!"POST".equals(exchange.getRequestMethod()) || !path.matches()) {
                answer(exchange, 404, Map.of(), fcmError(404, "NOT_FOUND", null, null));
                return;
            }
            String project = path.group(1);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String accessToken =
                    authorization != null && authorization.startsWith("Bearer ")
                            ? authorization.substring("Bearer ".length())
                            : null;
            Issued grant;
            synchronized (lock) {
                grant = accessToken == null ? null : issued.get(accessToken);
            }
            if (grant == null || grant.expiresAt().isBefore(Instant.now())) {
                answer(exchange, 401, Map.of(), fcmError(401, "UNAUTHENTICATED", null, null));
                return;
            }
            if (!grant.projectId().equals(project)) {
                answer(exchange, 403, Map.of(), fcmError(403, "PERMISSION_DENIED", null, null));
                return;
            }
            Map<String, Object> message = messageOf(body);
            if (message == null) {
                answer(
                        exchange,
                        400,
                        Map.of(),
                        fcmError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "message"));
                return;
            }
            Answer scripted;
            synchronized (lock) {
                scripted = nextAnswers.isEmpty() ? answer : nextAnswers.poll();
                @SuppressWarnings("unchecked")
                Map<String, String> data = (Map<String, String>) message.get("data");
                messages.add(
                        new Message(
                                project,
                                accessToken,
                                (String) message.get("token"),
                                Map.copyOf(data),
                                message,
                                scripted));
            }
            switch (scripted) {
                case OK ->
                        answer(
                                exchange,
                                200,
                                Map.of(),
                                "{\"name\":\"projects/"
                                        + project
                                        + "/messages/0:"
                                        + System.nanoTime()
                                        + "\"}");
                case UNREGISTERED ->
                        answer(
                                exchange,
                                404,
                                Map.of(),
                                fcmError(404, "NOT_FOUND", "UNREGISTERED", null));
                case INVALID_TOKEN ->
                        answer(
                                exchange,
                                400,
                                Map.of(),
                                fcmError(
                                        400,
                                        "INVALID_ARGUMENT",
                                        "INVALID_ARGUMENT",
                                        "message.token"));
                case INVALID_PAYLOAD ->
                        answer(
                                exchange,
                                400,
                                Map.of(),
                                fcmError(
                                        400,
                                        "INVALID_ARGUMENT",
                                        "INVALID_ARGUMENT",
                                        "message.data"));
                case SENDER_ID_MISMATCH ->
                        answer(
                                exchange,
                                403,
                                Map.of(),
                                fcmError(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", null));
                case UNAVAILABLE ->
                        answer(
                                exchange,
                                503,
                                Map.of("Retry-After", "7"),
                                fcmError(503, "UNAVAILABLE", "UNAVAILABLE", null));
                case QUOTA_EXCEEDED ->
                        answer(
                                exchange,
                                429,
                                Map.of("Retry-After", "30"),
                                fcmError(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", null));
                case UNAUTHENTICATED ->
                        answer(
                                exchange,
                                401,
                                Map.of(),
                                fcmError(401, "UNAUTHENTICATED", null, null));
                case HANG -> awaitQuietly(held, Duration.ofHours(1));
            }
        } catch (IOException e) {
            // the client left (its deadline) or the fake stopped
        }
    }

    /** The message when it has what FCM requires of ours: a token and string-valued data. */
    private static Map<String, Object> messageOf(byte[] body) {
        try {
            Map<?, ?> root = JsonSerialization.readValue(body, Map.class);
            if (!(root.get("message") instanceof Map<?, ?> message)
                    || !(message.get("token") instanceof String)
                    || !(message.get("data") instanceof Map<?, ?> data)
                    || !data.values().stream().allMatch(v -> v instanceof String)) {
                return null;
            }
            Map<String, Object> copy = new LinkedHashMap<>();
            message.forEach((k, v) -> copy.put(String.valueOf(k), v));
            return copy;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** An error as FCM HTTP v1 writes it (google.rpc.Status with FcmError and BadRequest). */
    private static String fcmError(int code, String status, String errorCode, String field) {
        List<Object> details = new ArrayList<>();
        if (errorCode != null) {
            details.add(
                    Map.of(
                            "@type",
                            "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                            "errorCode",
                            errorCode));
        }
        if (field != null) {
            details.add(
                    Map.of(
                            "@type",
                            "type.googleapis.com/google.rpc.BadRequest",
                            "fieldViolations",
                            List.of(Map.of("field", field, "description", "Invalid value"))));
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", "fake FCM: " + status);
        error.put("status", status);
        if (!details.isEmpty()) {
            error.put("details", details);
        }
        try {
            return JsonSerialization.writeValueAsString(Map.of("error", error));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- plumbing ---------------------------------------------------------------------------

    private static byte[] read(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    private static void answer(
            HttpExchange exchange, int status, Map<String, String> headers, String json)
            throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static byte[] decode(String part) {
        return Base64.getUrlDecoder().decode(part);
    }

    /**
     * @return true once the latch is open (the fake stopped)
     */
    private static boolean awaitQuietly(CountDownLatch latch, Duration time) {
        try {
            return latch.await(time.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
