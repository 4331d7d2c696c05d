package io.approvalguard.web;

import io.approvalguard.support.http.ApiError;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The paths a JAX-RS sub-resource serves and the HTTP methods each one takes, read once from the
 * class's own annotations. RESTEasy Reactive routes a sub-resource by method first: a request for a
 * path that is served only with other methods gets a bare 405 without {@code Allow}, or a 404 when
 * the class uses that method on another path, and Keycloak's catch-all exception mapper turns
 * either into {@code {"error":"HTTP 405 Method Not Allowed"}}. Our locators call {@link #check}
 * first, so such a request gets our JSON error instead.
 */
final class ResourceRoutes {

    private static final ClassValue<ResourceRoutes> BY_CLASS =
            new ClassValue<>() {
                @Override
                protected ResourceRoutes computeValue(Class<?> type) {
                    return new ResourceRoutes(type);
                }
            };

    private record Route(Pattern path, String method) {}

    private final List<Route> routes = new ArrayList<>();

    private ResourceRoutes(Class<?> resource) {
        for (Method method : resource.getMethods()) {
            String httpMethod = httpMethodOf(method);
            if (httpMethod != null) {
                Path path = method.getAnnotation(Path.class);
                routes.add(new Route(pattern(path == null ? "" : path.value()), httpMethod));
            }
        }
    }

    static ResourceRoutes of(Class<?> resource) {
        return BY_CLASS.get(resource);
    }

    /**
     * Passes when {@code resource} serves {@code path} (raw, below the resource) with {@code
     * method}; else a 405 with {@code Allow} when it serves the path with other methods, or a 404.
     * OPTIONS is left to JAX-RS; HEAD goes wherever GET does.
     */
    void check(String method, String path) {
        if (HttpMethod.OPTIONS.equals(method)) {
            return;
        }
        String normalised = normalise(path);
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            if (route.path().matcher(normalised).matches()) {
                allowed.add(route.method());
            }
        }
        if (allowed.contains(HttpMethod.GET)) {
            allowed.add(HttpMethod.HEAD);
        }
        if (allowed.contains(method)) {
            return;
        }
        if (allowed.isEmpty()) {
            throw new ApiError(
                    Response.Status.NOT_FOUND, "not_found", "there is no endpoint at this path");
        }
        String allow = String.join(", ", allowed);
        throw new ApiError(
                        405,
                        "method_not_allowed",
                        "this path does not take " + method + "; it takes " + allow)
                .header("Allow", allow);
    }

    private static String httpMethodOf(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod httpMethod = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (httpMethod != null) {
                return httpMethod.value();
            }
        }
        return null;
    }

    /**
     * A JAX-RS path template as a pattern: literal text, {@code {name}} one segment, {@code {name:
     * regex}}.
     */
    static Pattern pattern(String template) {
        String path = normalise(template);
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < path.length()) {
            int open = path.indexOf('{', i);
            if (open < 0) {
                regex.append(Pattern.quote(path.substring(i)));
                break;
            }
            if (open > i) {
                regex.append(Pattern.quote(path.substring(i, open)));
            }
            int close = closingBrace(path, open);
            String variable = path.substring(open + 1, close);
            int colon = variable.indexOf(':');
            regex.append(colon < 0 ? "[^/]+" : "(?:" + variable.substring(colon + 1).trim() + ")");
            i = close + 1;
        }
        return Pattern.compile(regex.toString());
    }

    private static int closingBrace(String path, int open) {
        int depth = 0;
        for (int i = open; i < path.length(); i++) {
            if (path.charAt(i) == '{') {
                depth++;
            } else if (path.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unclosed template variable in " + path);
    }

    /** Without leading, trailing or doubled slashes, as JAX-RS matches a path. */
    static String normalise(String path) {
        return Arrays.stream(path.split("/"))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.joining("/"));
    }
}
