package io.approvalguard.governance;

import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.OptionGroup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.keycloak.models.RealmModel;
import org.keycloak.util.JsonSerialization;

/**
 * A realm's rules for change requests, stored as realm attributes named {@value #PREFIX}{@code
 * <setting>}. Read strictly: a value that is set but invalid closes governance in the realm (every
 * request is refused, naming the setting) rather than falling back to something weaker. Changing it
 * is itself a change request, except the first setup of a realm that has none.
 */
public record GovernancePolicy(
        int requestLifetimeMinutes,
        int approvalChallengeSeconds,
        int coolingOffMinutes,
        Pattern ticketPattern,
        int breakGlassApprovals,
        int breakGlassMaxGrantMinutes,
        int breakGlassReviewHours,
        List<String> securityContacts,
        Map<String, Quorum> quorum,
        Map<String, Reason> reasons) {

    public static final String PREFIX = "approvalGuard.governance.";

    /** How many approvals a kind needs, each from a different one of these groups (paths). */
    public record Quorum(int approvals, List<String> groups) {}

    /**
     * A reason an operator may give: which kinds it allows (empty: all), whether it needs a ticket
     * reference, and which evidence types must come with it.
     */
    public record Reason(
            String code,
            String description,
            List<String> kinds,
            boolean requiresTicket,
            List<String> requiresEvidence) {

        public boolean allows(String kind) {
            return kinds.isEmpty() || kinds.contains(kind);
        }
    }

    /** Why a policy cannot be used or saved; the message names the setting. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** The quorum rule that applies to kinds the policy does not name. */
    public static final String DEFAULT_KIND = "default";

    static final Option<Integer> REQUEST_LIFETIME =
            Option.wholeNumber(
                    "requestLifetimeMinutes",
                    60,
                    5,
                    1440,
                    "How long a change request waits for its approvals");
    static final Option<Integer> APPROVAL_CHALLENGE =
            Option.wholeNumber(
                    "approvalChallengeSeconds",
                    300,
                    30,
                    600,
                    "How long one approver's device challenge lasts");
    static final Option<Integer> COOLING_OFF =
            Option.wholeNumber(
                    "coolingOffMinutes",
                    60,
                    0,
                    1440,
                    "After a second-factor reset, how long a newly enrolled device cannot approve"
                            + " sensitive changes or new devices");
    static final Option<String> TICKET_PATTERN =
            Option.text(
                    "ticketPattern",
                    "[A-Z][A-Z0-9]{1,9}-[0-9]{1,9}",
                    "Regular expression a ticket reference must match in full");
    static final Option<Integer> BREAK_GLASS_APPROVALS =
            Option.wholeNumber(
                    "breakGlassApprovals",
                    1,
                    0,
                    2,
                    "Approvals a break-glass change needs before it is applied");
    static final Option<Integer> BREAK_GLASS_MAX_GRANT =
            Option.wholeNumber(
                    "breakGlassMaxGrantMinutes",
                    60,
                    5,
                    480,
                    "The longest a role or group granted by break-glass lasts");
    static final Option<Integer> BREAK_GLASS_REVIEW =
            Option.wholeNumber(
                    "breakGlassReviewHours",
                    24,
                    1,
                    72,
                    "Within how long two other people must review a break-glass change");
    static final Option<List<String>> SECURITY_CONTACTS =
            Option.list(
                    "securityContacts", "Email addresses alerted at once when break-glass is used");
    static final Option<String> QUORUM =
            Option.text(
                    "quorum",
                    "{\"default\":{\"approvals\":2,\"groups\":[\"/helpdesk-leads\",\"/security\"]}}",
                    "JSON: per kind (or default), approvals and the approver groups, each"
                            + " approval from a different group");
    static final Option<String> REASONS =
            Option.text(
                    "reasons",
                    "[{\"code\":\"lost_device\",\"description\":\"Lost or replaced device\","
                            + "\"kinds\":[\"reset_second_factors\",\"remove_device\"]},"
                            + "{\"code\":\"forgotten_password\",\"description\":\"Forgotten"
                            + " password\",\"kinds\":[\"reset_password\"]},"
                            + "{\"code\":\"locked_out\",\"description\":\"Locked out or"
                            + " disabled\",\"kinds\":[\"unlock_user\"]},"
                            + "{\"code\":\"email_change\",\"description\":\"New email"
                            + " address\",\"kinds\":[\"change_email\"]},"
                            + "{\"code\":\"access_request\",\"description\":\"Temporary"
                            + " access\",\"kinds\":[\"grant_role\",\"grant_group\"],"
                            + "\"requiresTicket\":true},"
                            + "{\"code\":\"policy_update\",\"description\":\"Governance policy"
                            + " change\",\"kinds\":[\"policy_change\"],\"requiresTicket\":true},"
                            + "{\"code\":\"incident\",\"description\":\"Security incident"
                            + " (break-glass)\",\"requiresTicket\":true}]",
                    "JSON: the reason codes operators may give, with the kinds each allows and"
                            + " whether it requires a ticket or evidence types");

    static final List<Option<?>> OPTIONS =
            List.of(
                    REQUEST_LIFETIME,
                    APPROVAL_CHALLENGE,
                    COOLING_OFF,
                    TICKET_PATTERN,
                    BREAK_GLASS_APPROVALS,
                    BREAK_GLASS_MAX_GRANT,
                    BREAK_GLASS_REVIEW,
                    SECURITY_CONTACTS,
                    QUORUM,
                    REASONS);

    static final OptionGroup SETTINGS = OptionGroup.realmAttributes(PREFIX, OPTIONS);

    private static final int MAX_APPROVALS = 5;
    private static final int MAX_REASONS = 50;
    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    /** Whether the realm has any governance setting yet (an "empty realm" may set up once). */
    public static boolean isSetUp(RealmModel realm) {
        return !SETTINGS.rawValues(realm::getAttribute).isEmpty();
    }

    /** The realm's policy, its defaults where nothing is set. */
    public static GovernancePolicy of(RealmModel realm) throws Invalid {
        return from(SETTINGS.rawValues(realm::getAttribute));
    }

    /** A policy from raw values by setting name; every value checked. */
    public static GovernancePolicy from(Map<String, String> raw) throws Invalid {
        for (String name : raw.keySet()) {
            if (OPTIONS.stream().noneMatch(o -> o.name().equals(name))) {
                throw new Invalid("unknown policy setting " + name);
            }
        }
        String ticket = value(raw, TICKET_PATTERN);
        Pattern ticketPattern;
        try {
            ticketPattern = Pattern.compile(ticket);
        } catch (PatternSyntaxException e) {
            throw new Invalid("ticketPattern is not a regular expression: " + e.getDescription());
        }
        return new GovernancePolicy(
                value(raw, REQUEST_LIFETIME),
                value(raw, APPROVAL_CHALLENGE),
                value(raw, COOLING_OFF),
                ticketPattern,
                value(raw, BREAK_GLASS_APPROVALS),
                value(raw, BREAK_GLASS_MAX_GRANT),
                value(raw, BREAK_GLASS_REVIEW),
                contacts(value(raw, SECURITY_CONTACTS)),
                quorum(value(raw, QUORUM)),
                reasons(value(raw, REASONS)));
    }

    /**
     * A policy from its JSON form (as {@link #toJson} writes it and the API accepts); members not
     * given keep their defaults.
     */
    public static GovernancePolicy fromJson(Map<String, Object> json) throws Invalid {
        return from(rawOf(json));
    }

    /** The raw attribute values of a JSON policy, by setting name, as they are stored. */
    public static Map<String, String> rawOf(Map<String, Object> json) throws Invalid {
        Map<String, String> raw = new LinkedHashMap<>();
        for (Map.Entry<String, Object> member : json.entrySet()) {
            Object value = member.getValue();
            if (value == null) {
                throw new Invalid(member.getKey() + " must not be null");
            }
            if (value instanceof Map || value instanceof List) {
                if (member.getKey().equals(SECURITY_CONTACTS.name())
                        && value instanceof List<?> l) {
                    raw.put(
                            member.getKey(),
                            String.join(",", l.stream().map(String::valueOf).toList()));
                    continue;
                }
                try {
                    raw.put(member.getKey(), JsonSerialization.writeValueAsString(value));
                } catch (IOException e) {
                    throw new Invalid(member.getKey() + " cannot be written");
                }
            } else {
                raw.put(member.getKey(), String.valueOf(value));
            }
        }
        from(raw);
        return raw;
    }

    /** The policy as the API shows it, every setting present. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(REQUEST_LIFETIME.name(), requestLifetimeMinutes);
        json.put(APPROVAL_CHALLENGE.name(), approvalChallengeSeconds);
        json.put(COOLING_OFF.name(), coolingOffMinutes);
        json.put(TICKET_PATTERN.name(), ticketPattern.pattern());
        json.put(BREAK_GLASS_APPROVALS.name(), breakGlassApprovals);
        json.put(BREAK_GLASS_MAX_GRANT.name(), breakGlassMaxGrantMinutes);
        json.put(BREAK_GLASS_REVIEW.name(), breakGlassReviewHours);
        json.put(SECURITY_CONTACTS.name(), securityContacts);
        Map<String, Object> rules = new LinkedHashMap<>();
        quorum.forEach(
                (kind, q) ->
                        rules.put(kind, Map.of("approvals", q.approvals(), "groups", q.groups())));
        json.put(QUORUM.name(), rules);
        List<Object> reasonList = new ArrayList<>();
        for (Reason r : reasons.values()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("code", r.code());
            one.put("description", r.description());
            one.put("kinds", r.kinds());
            one.put("requiresTicket", r.requiresTicket());
            one.put("requiresEvidence", r.requiresEvidence());
            reasonList.add(one);
        }
        json.put(REASONS.name(), reasonList);
        return json;
    }

    /** The quorum rule for a kind. */
    public Quorum quorumFor(String kind) {
        return quorum.getOrDefault(kind, quorum.get(DEFAULT_KIND));
    }

    public Optional<Reason> reason(String code) {
        return Optional.ofNullable(reasons.get(code));
    }

    private static <T> T value(Map<String, String> raw, Option<T> option) throws Invalid {
        String text = raw.get(option.name());
        if (text == null) {
            return option.fallback();
        }
        T parsed = option.parse(text.trim());
        if (parsed == null) {
            throw new Invalid(option.name() + " is not " + option.expected());
        }
        return parsed;
    }

    private static List<String> contacts(List<String> addresses) throws Invalid {
        for (String address : addresses) {
            if (!address.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
                throw new Invalid("securityContacts: " + address + " is not an email address");
            }
        }
        return addresses;
    }

    private static Map<String, Quorum> quorum(String json) throws Invalid {
        Map<String, Object> rules = readObject(json, QUORUM.name());
        if (!(rules.get(DEFAULT_KIND) instanceof Map)) {
            throw new Invalid("quorum must have a \"default\" rule");
        }
        Map<String, Quorum> result = new LinkedHashMap<>();
        for (Map.Entry<String, Object> rule : rules.entrySet()) {
            String where = "quorum." + rule.getKey();
            if (!(rule.getValue() instanceof Map<?, ?> body)) {
                throw new Invalid(where + " must be an object");
            }
            if (!Set.of("approvals", "groups").containsAll(body.keySet())) {
                throw new Invalid(where + " may have only approvals and groups");
            }
            if (!(body.get("approvals") instanceof Integer approvals)
                    || approvals < 1
                    || approvals > MAX_APPROVALS) {
                throw new Invalid(
                        where + ".approvals must be a whole number from 1 to " + MAX_APPROVALS);
            }
            List<String> groups = strings(body.get("groups"), where + ".groups");
            for (String group : groups) {
                if (!group.startsWith("/") || group.length() < 2) {
                    throw new Invalid(where + ".groups: " + group + " is not a group path");
                }
            }
            if (new LinkedHashSet<>(groups).size() != groups.size()) {
                throw new Invalid(where + ".groups names a group twice");
            }
            if (groups.size() < approvals) {
                throw new Invalid(
                        where
                                + " needs at least as many groups as approvals: each approval"
                                + " comes from a different group");
            }
            result.put(rule.getKey(), new Quorum(approvals, List.copyOf(groups)));
        }
        return Map.copyOf(result);
    }

    private static Map<String, Reason> reasons(String json) throws Invalid {
        List<?> list;
        try {
            list = JsonSerialization.readValue(json, List.class);
        } catch (IOException e) {
            throw new Invalid("reasons is not a JSON array");
        }
        if (list.isEmpty() || list.size() > MAX_REASONS) {
            throw new Invalid("reasons must list from 1 to " + MAX_REASONS + " reasons");
        }
        Map<String, Reason> result = new LinkedHashMap<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> body)) {
                throw new Invalid("each reason must be an object");
            }
            if (!Set.of("code", "description", "kinds", "requiresTicket", "requiresEvidence")
                    .containsAll(body.keySet())) {
                throw new Invalid(
                        "a reason may have only code, description, kinds, requiresTicket and"
                                + " requiresEvidence");
            }
            if (!(body.get("code") instanceof String code) || !CODE.matcher(code).matches()) {
                throw new Invalid("a reason code must be lower case letters, digits and _");
            }
            if (result.containsKey(code)) {
                throw new Invalid("reason " + code + " is listed twice");
            }
            Object description = body.get("description");
            if (description != null && !(description instanceof String)) {
                throw new Invalid("reason " + code + ": description must be text");
            }
            Object ticket = body.get("requiresTicket");
            if (ticket != null && !(ticket instanceof Boolean)) {
                throw new Invalid("reason " + code + ": requiresTicket must be true or false");
            }
            result.put(
                    code,
                    new Reason(
                            code,
                            description == null ? code : (String) description,
                            body.containsKey("kinds")
                                    ? strings(body.get("kinds"), "reason " + code + ".kinds")
                                    : List.of(),
                            Boolean.TRUE.equals(ticket),
                            body.containsKey("requiresEvidence")
                                    ? strings(
                                            body.get("requiresEvidence"),
                                            "reason " + code + ".requiresEvidence")
                                    : List.of()));
        }
        return java.util.Collections.unmodifiableMap(result);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readObject(String json, String name) throws Invalid {
        try {
            return JsonSerialization.readValue(json, LinkedHashMap.class);
        } catch (IOException | RuntimeException e) {
            throw new Invalid(name + " is not a JSON object");
        }
    }

    private static List<String> strings(Object value, String where) throws Invalid {
        if (!(value instanceof List<?> list)) {
            throw new Invalid(where + " must be a list of text");
        }
        List<String> result = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String s) || s.isBlank()) {
                throw new Invalid(where + " must be a list of text");
            }
            result.add(s);
        }
        return List.copyOf(result);
    }
}
