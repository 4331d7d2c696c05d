package io.approvalguard.governance.watch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One sensitive change recognised in an admin event.
 *
 * @param what the kind of change ({@code remove_device}, {@code grant_role}, ...), the {@code what}
 *     of the audit record
 * @param governedKind the change request kind of the governed path that covers it ({@code
 *     reset_second_factors}, ...), or null when no kind does
 * @param subjectUserId the user the change is about, or null (a group, a role, every user)
 * @param details what else the event tells about it: identifiers, names, new values; never a secret
 *     and never the representation as a whole
 */
public record SensitiveChange(
        String what, String governedKind, String subjectUserId, Map<String, Object> details) {

    public SensitiveChange {
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** The same change with one more detail. */
    SensitiveChange with(String name, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(details);
        more.put(name, value);
        return new SensitiveChange(what, governedKind, subjectUserId, more);
    }
}
