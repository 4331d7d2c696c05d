package io.approvalguard.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end check of the listener's cost on real logins: password-grant logins against a running
 * Keycloak (each one a LOGIN event and a persistent user session, like a browser login's last
 * request), in blocks alternating between the realm's event listeners without and with {@code
 * approval-guard} (ABBA order, so drift hits both alike). Prints JSON.
 *
 * <p>Usage: {@code LoginLatency <baseUrl> <realm> <client> <userPrefix> <users> <password> <blocks>
 * <blockSize> <warmup> <adminUser> <adminPassword>}. Only the JDK is needed at run time.
 */
public final class LoginLatency {

    private static final Pattern ACCESS_TOKEN =
            Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
    private final String base;
    private final String realm;
    private final String client;
    private final String userPrefix;
    private final int users;
    private final String password;
    private final String adminUser;
    private final String adminPassword;
    private int next;

    private LoginLatency(String[] a) {
        base = a[0];
        realm = a[1];
        client = a[2];
        userPrefix = a[3];
        users = Integer.parseInt(a[4]);
        password = a[5];
        adminUser = a[9];
        adminPassword = a[10];
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 11) {
            System.err.println(
                    "usage: LoginLatency <baseUrl> <realm> <client> <userPrefix> <users> <password> <blocks>"
                            + " <blockSize> <warmup> <adminUser> <adminPassword>");
            System.exit(2);
        }
        LoginLatency bench = new LoginLatency(args);
        int blocks = Integer.parseInt(args[6]);
        int blockSize = Integer.parseInt(args[7]);
        int warmup = Integer.parseInt(args[8]);
        for (boolean on : new boolean[] {true, false}) {
            bench.listeners(on);
            for (int i = 0; i < warmup / 2; i++) {
                bench.login();
            }
        }
        long[] with = new long[blocks * blockSize];
        long[] without = new long[blocks * blockSize];
        int w = 0;
        int wo = 0;
        for (int b = 0; b < 2 * blocks; b++) {
            boolean on = (b % 4 == 0) || (b % 4 == 3); // on, off, off, on, ...
            bench.listeners(on);
            for (int i = 0; i < blockSize; i++) {
                long t = bench.login();
                if (on) {
                    with[w++] = t;
                } else {
                    without[wo++] = t;
                }
            }
        }
        bench.listeners(true);
        with = Arrays.copyOf(with, w);
        without = Arrays.copyOf(without, wo);
        double se = Math.sqrt(variance(with) / with.length + variance(without) / without.length);
        System.out.println(
                "{\"logins\": "
                        + (w + wo)
                        + ", \"blockSize\": "
                        + blockSize
                        + ", \"withoutListener\": "
                        + stats(without)
                        + ", \"withListener\": "
                        + stats(with)
                        + ", \"meanDifferenceMicros\": "
                        + micros(mean(with) - mean(without))
                        + ", \"meanDifferenceCi95Micros\": "
                        + micros(1.96 * se)
                        + "}");
    }

    /** One password-grant login; answers its latency in nanoseconds. */
    private long login() throws IOException, InterruptedException {
        String username = userPrefix + (next++ % users);
        String form =
                "grant_type=password&client_id="
                        + enc(client)
                        + "&username="
                        + enc(username)
                        + "&password="
                        + enc(password);
        HttpRequest request =
                HttpRequest.newBuilder(
                                URI.create(
                                        base
                                                + "/realms/"
                                                + realm
                                                + "/protocol/openid-connect/token"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build();
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long elapsed = System.nanoTime() - start;
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "login of "
                            + username
                            + " answered "
                            + response.statusCode()
                            + ": "
                            + response.body());
        }
        return elapsed;
    }

    /**
     * Sets the realm's event listeners: Keycloak's default logger, plus approval-guard when {@code
     * on}.
     */
    private void listeners(boolean on) throws IOException, InterruptedException {
        String form =
                "grant_type=password&client_id=admin-cli&username="
                        + enc(adminUser)
                        + "&password="
                        + enc(adminPassword);
        HttpResponse<String> token =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                base
                                                        + "/realms/master/protocol/openid-connect/token"))
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(form))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        Matcher m = ACCESS_TOKEN.matcher(token.body());
        if (token.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException(
                    "admin token: " + token.statusCode() + " " + token.body());
        }
        String body =
                on
                        ? "{\"eventsListeners\":[\"jboss-logging\",\"approval-guard\"]}"
                        : "{\"eventsListeners\":[\"jboss-logging\"]}";
        HttpResponse<String> put =
                http.send(
                        HttpRequest.newBuilder(URI.create(base + "/admin/realms/" + realm))
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + m.group(1))
                                .PUT(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 204) {
            throw new IllegalStateException(
                    "setting the event listeners answered " + put.statusCode() + ": " + put.body());
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String stats(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format(
                Locale.ROOT,
                "{\"n\": %d, \"mean\": %s, \"p50\": %s, \"p90\": %s, \"p99\": %s, \"max\": %s}",
                s.length,
                micros(mean(s)),
                micros(percentile(s, 50)),
                micros(percentile(s, 90)),
                micros(percentile(s, 99)),
                micros(s[s.length - 1]));
    }

    private static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double mean(long[] values) {
        double sum = 0;
        for (long v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double variance(long[] values) {
        double mean = mean(values);
        double sum = 0;
        for (long v : values) {
            sum += (v - mean) * (v - mean);
        }
        return sum / (values.length - 1);
    }

    private static String micros(double nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1000.0);
    }
}
