package io.approvalguard.governance;

import io.approvalguard.governance.kinds.ChangeInvalid;
import io.approvalguard.governance.kinds.ChangeKind;
import io.approvalguard.governance.kinds.ChangeKinds;
import io.approvalguard.support.http.ApiError;
import io.approvalguard.support.json.CanonicalJson;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * A change request as its requester filed it, checked member by member before anything is stored:
 * each problem is a 400 (or 403 for a rule about who may ask) naming the member.
 */
record Filing(
        ChangeKind kind,
        UserModel subject,
        Map<String, Object> change,
        GovernancePolicy.Reason reason,
        String justification,
        String ticket,
        List<Evidence> evidence,
        boolean breakGlass) {

    /** One attachment: its bytes, and the facts about it that approvers sign. */
    record Evidence(String id, String type, String name, String mediaType, byte[] content) {

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", id);
            json.put("type", type);
            json.put("name", name);
            json.put("media_type", mediaType);
            json.put("size", content.length);
            json.put("sha256", CanonicalJson.sha256Base64Url(content));
            return json;
        }
    }

    static final int MAX_BODY_BYTES = 1_200_000;
    private static final int MAX_JUSTIFICATION = 500;
    private static final int MAX_EVIDENCE = 3;
    private static final int MAX_EVIDENCE_BYTES = 256 * 1024;
    private static final int MAX_TICKET = 64;
    private static final Pattern EVIDENCE_TYPE = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z]+/[a-z0-9][a-z0-9.+-]{0,80}");
    private static final Set<String> MEMBERS =
            Set.of(
                    "kind",
                    "subject",
                    "change",
                    "reason_code",
                    "justification",
                    "ticket",
                    "evidence",
                    "break_glass");

    static Filing parse(
            KeycloakSession session,
            RealmModel realm,
            GovernancePolicy policy,
            ChangeKinds kinds,
            UserModel requester,
            Map<String, Object> body) {
        for (String member : body.keySet()) {
            if (!MEMBERS.contains(member)) {
                throw ApiError.invalidRequest(
                        "unknown member "
                                + member
                                + "; a request has "
                                + String.join(", ", MEMBERS));
            }
        }
        String kindName = text(body, "kind", true);
        ChangeKind kind =
                kinds.of(kindName)
                        .orElseThrow(
                                () ->
                                        ApiError.badRequest(
                                                "invalid_kind",
                                                "kind must be one of "
                                                        + String.join(", ", kinds.names())));
        String subjectName = text(body, "subject", true);
        UserModel subject = session.users().getUserByUsername(realm, subjectName);
        if (subject == null) {
            subject = session.users().getUserById(realm, subjectName);
        }
        if (subject == null || subject.getServiceAccountClientLink() != null) {
            throw ApiError.badRequest(
                    "unknown_subject", "no user " + subjectName + " in realm " + realm.getName());
        }
        if (subject.getId().equals(requester.getId())) {
            throw ApiError.forbidden(
                    "separation_of_duties",
                    "you cannot file a change to your own account; another requester must");
        }
        Object rawChange = body.getOrDefault("change", Map.of());
        if (!(rawChange instanceof Map<?, ?>)) {
            throw ApiError.badRequest("invalid_change", "change must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> asked = (Map<String, Object>) rawChange;
        Map<String, Object> change;
        try {
            change = kind.parse(session, realm, subject, asked);
        } catch (ChangeInvalid e) {
            throw ApiError.badRequest("invalid_change", e.getMessage());
        }
        String reasonCode = text(body, "reason_code", false);
        if (reasonCode == null) {
            throw ApiError.badRequest(
                    "reason_required",
                    "reason_code is required: one of "
                            + String.join(", ", policy.reasons().keySet()));
        }
        GovernancePolicy.Reason reason =
                policy.reason(reasonCode)
                        .orElseThrow(
                                () ->
                                        ApiError.badRequest(
                                                "unknown_reason",
                                                "reason_code "
                                                        + reasonCode
                                                        + " is not configured in this realm; use one of "
                                                        + String.join(
                                                                ", ", policy.reasons().keySet())));
        if (!reason.allows(kind.wireName())) {
            throw ApiError.badRequest(
                    "reason_not_allowed",
                    "reason " + reasonCode + " does not allow a " + kind.wireName() + " change");
        }
        String justification = text(body, "justification", false);
        if (justification == null || justification.isBlank()) {
            throw ApiError.badRequest(
                    "justification_required", "justification is required: say why, in words");
        }
        if (justification.length() > MAX_JUSTIFICATION || hasControl(justification, true)) {
            throw ApiError.badRequest(
                    "invalid_justification",
                    "justification must be at most "
                            + MAX_JUSTIFICATION
                            + " characters, without control characters");
        }
        String ticket = text(body, "ticket", false);
        if (ticket != null) {
            if (ticket.length() > MAX_TICKET || !policy.ticketPattern().matcher(ticket).matches()) {
                throw ApiError.badRequest(
                        "invalid_ticket",
                        "ticket " + ticket + " does not match " + policy.ticketPattern().pattern());
            }
        } else if (reason.requiresTicket()) {
            throw ApiError.badRequest(
                    "ticket_required", "reason " + reasonCode + " requires a ticket reference");
        }
        List<Evidence> evidence = evidence(body.get("evidence"));
        for (String required : reason.requiresEvidence()) {
            if (evidence.stream().noneMatch(e -> e.type().equals(required))) {
                throw ApiError.badRequest(
                        "evidence_required",
                        "reason " + reasonCode + " requires evidence of type " + required);
            }
        }
        Object breakGlass = body.getOrDefault("break_glass", Boolean.FALSE);
        if (!(breakGlass instanceof Boolean)) {
            throw ApiError.invalidRequest("break_glass must be true or false");
        }
        return new Filing(
                kind,
                subject,
                change,
                reason,
                justification.strip(),
                ticket,
                evidence,
                (Boolean) breakGlass);
    }

    private static List<Evidence> evidence(Object raw) {
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> items) || items.size() > MAX_EVIDENCE) {
            throw ApiError.badRequest(
                    "invalid_evidence", "evidence must be a list of at most " + MAX_EVIDENCE);
        }
        List<Evidence> result = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> e)
                    || !Set.of("type", "name", "media_type", "content").containsAll(e.keySet())) {
                throw ApiError.badRequest(
                        "invalid_evidence",
                        "each evidence item has type, name, media_type and content (base64)");
            }
            if (!(e.get("type") instanceof String type) || !EVIDENCE_TYPE.matcher(type).matches()) {
                throw ApiError.badRequest(
                        "invalid_evidence", "evidence type must be lower case letters, digits, _");
            }
            if (!(e.get("name") instanceof String name)
                    || name.isBlank()
                    || name.length() > 100
                    || hasControl(name, false)) {
                throw ApiError.badRequest(
                        "invalid_evidence",
                        "evidence name must be 1 to 100 characters, no control characters");
            }
            if (!(e.get("media_type") instanceof String mediaType)
                    || !MEDIA_TYPE.matcher(mediaType).matches()) {
                throw ApiError.badRequest(
                        "invalid_evidence",
                        "evidence media_type must be a media type (text/plain)");
            }
            byte[] content;
            try {
                content = Base64.getDecoder().decode((String) e.get("content"));
            } catch (IllegalArgumentException | ClassCastException | NullPointerException bad) {
                throw ApiError.badRequest(
                        "invalid_evidence", "evidence content must be standard base64");
            }
            if (content.length == 0 || content.length > MAX_EVIDENCE_BYTES) {
                throw ApiError.badRequest(
                        "invalid_evidence",
                        "evidence content must be 1 to " + MAX_EVIDENCE_BYTES + " bytes");
            }
            result.add(
                    new Evidence(KeycloakModelUtils.generateId(), type, name, mediaType, content));
        }
        return List.copyOf(result);
    }

    private static String text(Map<String, Object> body, String member, boolean required) {
        Object value = body.get(member);
        if (value == null) {
            if (required) {
                throw ApiError.invalidRequest(member + " is required");
            }
            return null;
        }
        if (!(value instanceof String text)) {
            throw ApiError.invalidRequest(member + " must be text");
        }
        return text;
    }

    private static boolean hasControl(String text, boolean allowNewlines) {
        return text.codePoints()
                .anyMatch(
                        cp ->
                                (Character.isISOControl(cp) && !(allowNewlines && cp == '\n'))
                                        || Character.getType(cp) == Character.FORMAT);
    }
}
