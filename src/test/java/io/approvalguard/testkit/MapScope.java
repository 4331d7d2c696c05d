package io.approvalguard.testkit;

import java.util.Map;
import java.util.Set;
import org.keycloak.Config;

/** Server options as a map, the way Keycloak hands them to a factory (for unit tests). */
public final class MapScope extends Config.AbstractScope {

    private final Map<String, String> values;

    public MapScope(Map<String, String> values) {
        this.values = values;
    }

    @Override
    public String get(String key) {
        return values.get(key);
    }

    @Override
    public Config.Scope scope(String... scope) {
        return new MapScope(Map.of());
    }

    @Override
    @Deprecated
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public Config.Scope root() {
        return this;
    }
}
