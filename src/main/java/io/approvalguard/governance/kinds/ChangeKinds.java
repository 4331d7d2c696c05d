package io.approvalguard.governance.kinds;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kinds of change a realm can govern, by wire name. {@link #standard()} holds the seven kinds
 * of this package; the core adds {@code policy_change} (and any further kind) with {@link #with}.
 * Immutable.
 */
public final class ChangeKinds {

    private final Map<String, ChangeKind> kinds;
    private final List<String> names;

    public ChangeKinds(Collection<? extends ChangeKind> kinds) {
        Map<String, ChangeKind> byName = new LinkedHashMap<>();
        for (ChangeKind kind : kinds) {
            String name = kind.wireName();
            if (name == null || !name.matches("[a-z][a-z0-9_]{0,63}")) {
                throw new IllegalArgumentException("not a kind name: " + name);
            }
            if (byName.putIfAbsent(name, kind) != null) {
                throw new IllegalArgumentException("two kinds are named " + name);
            }
        }
        this.kinds = Map.copyOf(byName);
        this.names = List.copyOf(byName.keySet());
    }

    /** The seven standard kinds, cooling off for {@code coolingOffSeconds} after a reset. */
    public static ChangeKinds standard(long coolingOffSeconds) {
        return new ChangeKinds(
                List.of(
                        new ResetSecondFactors(coolingOffSeconds),
                        new ResetPassword(),
                        new ChangeEmail(),
                        new GrantRole(),
                        new GrantGroup(),
                        new RemoveDevice(),
                        new UnlockUser()));
    }

    /** The seven standard kinds with the default cooling-off (one hour). */
    public static ChangeKinds standard() {
        return standard(io.approvalguard.device.CoolingOff.DEFAULT_SECONDS);
    }

    /** These kinds and {@code kind}; refused when its name is taken. */
    public ChangeKinds with(ChangeKind kind) {
        List<ChangeKind> all = new ArrayList<>();
        names.forEach(n -> all.add(kinds.get(n)));
        all.add(kind);
        return new ChangeKinds(all);
    }

    public Optional<ChangeKind> of(String wireName) {
        return wireName == null ? Optional.empty() : Optional.ofNullable(kinds.get(wireName));
    }

    /** The names, in the order the kinds were given. */
    public List<String> names() {
        return names;
    }
}
