package io.approvalguard.bench;

import io.approvalguard.risk.RiskInput;
import io.approvalguard.support.events.ApprovalGuardEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;

/**
 * A deterministic stream of scorer inputs for a population of users, in the proportions a realm
 * with push approval produces them: most records are prompts, approvals and logins, some are
 * denials, timeouts and wrong codes, a few are resets, enrolments, fraud reports and throttles.
 * Users have a home country and network and sign in from elsewhere now and then; a handful of IP
 * addresses spray prompts at many users. Only records the scorer reads are generated (the stream
 * also carries code-to-token and other records the scorer drops before parsing, which would only
 * make the figures look better).
 */
final class StreamMix {

    static final String REALM_ID = "5f0c3c56-3a6e-4c52-9d5e-3c1f6f1b2a10";
    static final String REALM_NAME = "acme";
    static final String SOURCE = "https://sso.example.com/realms/acme";

    private static final String[] COUNTRIES = {
        "DE", "FR", "NL", "BE", "AT", "CH", "IT", "ES", "PT", "PL", "CZ", "SE", "NO", "DK", "FI",
        "IE", "GB", "US", "CA", "BR", "IN", "JP", "AU", "SG", "ZA", "MX", "TR", "RO", "HU", "GR"
    };
    private static final int NETWORKS = 500;
    private static final int IPS = 5_000;
    private static final int SPRAYING_IPS = 5;

    /** Kinds with their share of the stream, in per mille. */
    private static final Object[][] SHARES = {
        {RiskInput.Kind.PROMPT_SENT, 300},
        {RiskInput.Kind.APPROVED, 250},
        {RiskInput.Kind.LOGIN, 250},
        {RiskInput.Kind.DENIED, 60},
        {RiskInput.Kind.TIMED_OUT, 60},
        {RiskInput.Kind.WRONG_CODE, 20},
        {RiskInput.Kind.PASSWORD_RESET, 20},
        {RiskInput.Kind.DEVICE_ENROLLED, 20},
        {RiskInput.Kind.FRAUD_REPORTED, 10},
        {RiskInput.Kind.THROTTLED, 10}
    };

    /** One generated record: who, what, and from where. */
    record Item(int user, RiskInput.Kind kind, String country, String network, String ip) {}

    final String[] userIds;
    private final String[] homeCountry;
    private final String[] homeNetwork;
    private final String[] ips;
    private final SplittableRandom random;

    StreamMix(int users, long seed) {
        random = new SplittableRandom(seed);
        userIds = new String[users];
        homeCountry = new String[users];
        homeNetwork = new String[users];
        for (int u = 0; u < users; u++) {
            userIds[u] = new UUID(random.nextLong(), random.nextLong()).toString();
            homeCountry[u] = COUNTRIES[random.nextInt(4)]; // most users live in a few countries
            homeNetwork[u] = "AS" + (3320 + random.nextInt(NETWORKS));
        }
        ips = new String[IPS];
        for (int i = 0; i < IPS; i++) {
            ips[i] = "10." + (i >> 8 & 0xff) + "." + (i & 0xff) + "." + (1 + random.nextInt(250));
        }
    }

    Item next() {
        int user = random.nextInt(userIds.length);
        RiskInput.Kind kind = kind(random.nextInt(1000));
        String country = null;
        String network = null;
        String ip = null;
        switch (kind) {
            case APPROVED, DENIED, TIMED_OUT, WRONG_CODE, FRAUD_REPORTED -> {
                // a decision carries where the sign-in came from; the scorer reads it on approvals
                country =
                        random.nextInt(100) < 90
                                ? homeCountry[user]
                                : COUNTRIES[random.nextInt(COUNTRIES.length)];
                network =
                        random.nextInt(100) < 80
                                ? homeNetwork[user]
                                : "AS" + (3320 + random.nextInt(NETWORKS));
                ip = ips[random.nextInt(IPS)];
            }
            case PROMPT_SENT ->
                    ip =
                            random.nextInt(100) == 0
                                    ? ips[random.nextInt(SPRAYING_IPS)]
                                    : ips[random.nextInt(IPS)];
            default -> ip = ips[random.nextInt(IPS)];
        }
        return new Item(user, kind, country, network, ip);
    }

    private static RiskInput.Kind kind(int perMille) {
        int sum = 0;
        for (Object[] share : SHARES) {
            sum += (Integer) share[1];
            if (perMille < sum) {
                return (RiskInput.Kind) share[0];
            }
        }
        throw new IllegalStateException("shares add up to " + sum);
    }

    /**
     * The Keycloak event that produces this record, with the details Keycloak and Approval Guard
     * set.
     */
    Event keycloakEvent(Item item, long time) {
        Event event = new Event();
        event.setId(UUID.randomUUID().toString());
        event.setTime(time);
        event.setRealmId(REALM_ID);
        event.setRealmName(REALM_NAME);
        event.setClientId("web-portal");
        event.setUserId(userIds[item.user()]);
        event.setIpAddress(item.ip());
        Map<String, String> details = new LinkedHashMap<>();
        String codeId = UUID.randomUUID().toString();
        String username = "user" + item.user() + "@example.com";
        switch (item.kind()) {
            case LOGIN -> {
                event.setType(EventType.LOGIN);
                event.setSessionId(codeId);
                loginDetails(details, codeId, username);
                details.put(Details.CONSENT, Details.CONSENT_VALUE_NO_CONSENT_REQUIRED);
            }
            case PROMPT_SENT -> {
                own(event, details, ApprovalGuardEvent.CHALLENGE_SENT, null);
                loginDetails(details, codeId, username);
                details.put(ApprovalGuardEvent.CHALLENGE_ID, UUID.randomUUID().toString());
                details.put(ApprovalGuardEvent.REASON, "second-factor");
                details.put(ApprovalGuardEvent.VERIFICATION, "code-2");
                details.put(ApprovalGuardEvent.QUIET, "false");
            }
            case APPROVED ->
                    challengeDecision(
                            event, details, ApprovalGuardEvent.CHALLENGE_APPROVED, null, item);
            case DENIED ->
                    challengeDecision(
                            event,
                            details,
                            ApprovalGuardEvent.CHALLENGE_DENIED,
                            "approval_denied",
                            item);
            case TIMED_OUT ->
                    challengeDecision(
                            event,
                            details,
                            ApprovalGuardEvent.CHALLENGE_EXPIRED,
                            "approval_expired",
                            item);
            case WRONG_CODE ->
                    challengeDecision(
                            event,
                            details,
                            ApprovalGuardEvent.CHALLENGE_WRONG_CODE,
                            "approval_wrong_code",
                            item);
            case FRAUD_REPORTED ->
                    challengeDecision(
                            event,
                            details,
                            ApprovalGuardEvent.CHALLENGE_FRAUD_REPORTED,
                            "approval_reported_fraud",
                            item);
            case THROTTLED -> {
                own(event, details, ApprovalGuardEvent.CHALLENGE_THROTTLED, "approval_throttled");
                loginDetails(details, codeId, username);
                details.put(ApprovalGuardEvent.THROTTLE_REASON, "user_rate");
                details.put(ApprovalGuardEvent.REASON, "second-factor");
            }
            case DEVICE_ENROLLED -> {
                own(event, details, ApprovalGuardEvent.DEVICE_ENROLLED, null);
                details.put(ApprovalGuardEvent.DEVICE_ID, UUID.randomUUID().toString());
                details.put(ApprovalGuardEvent.CREDENTIAL_TYPE, "approval-guard-device");
                details.put(
                        ApprovalGuardEvent.DEVICE_THUMBPRINT,
                        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
            }
            case PASSWORD_RESET -> {
                event.setType(EventType.RESET_PASSWORD);
                loginDetails(details, codeId, username);
                details.put(Details.EMAIL, username);
            }
        }
        event.setDetails(details);
        return event;
    }

    private static void own(
            Event event, Map<String, String> details, ApprovalGuardEvent own, String error) {
        event.setType(error == null ? EventType.CUSTOM_REQUIRED_ACTION : EventType.LOGIN_ERROR);
        event.setError(error);
        details.put(ApprovalGuardEvent.DETAIL, own.detailValue());
    }

    private static void loginDetails(Map<String, String> details, String codeId, String username) {
        details.put(Details.AUTH_METHOD, "openid-connect");
        details.put(Details.AUTH_TYPE, "code");
        details.put(Details.REDIRECT_URI, "https://portal.example.com/callback");
        details.put(Details.CODE_ID, codeId);
        details.put(Details.USERNAME, username);
    }

    private void challengeDecision(
            Event event,
            Map<String, String> details,
            ApprovalGuardEvent own,
            String error,
            Item item) {
        own(event, details, own, error);
        details.put(ApprovalGuardEvent.CHALLENGE_ID, UUID.randomUUID().toString());
        details.put(ApprovalGuardEvent.DEVICE_ID, UUID.randomUUID().toString());
        details.put(
                ApprovalGuardEvent.DEVICE_THUMBPRINT,
                "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
        details.put(ApprovalGuardEvent.LOGIN_IP, item.ip());
        if (item.country() != null) {
            details.put(ApprovalGuardEvent.LOGIN_COUNTRY, item.country());
        }
        if (item.network() != null) {
            details.put(ApprovalGuardEvent.LOGIN_NETWORK, item.network());
        }
        details.put(
                ApprovalGuardEvent.APPROVER_COUNTRY,
                item.country() != null ? item.country() : "DE");
    }
}
