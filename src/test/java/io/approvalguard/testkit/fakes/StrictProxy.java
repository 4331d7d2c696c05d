package io.approvalguard.testkit.fakes;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A fake of a Keycloak interface that answers only the methods it was given, each named by its
 * signature ({@code "getUserById(RealmModel,String)"}). Any other call throws {@link
 * UnsupportedOperationException} naming the method, so a fake never answers something it was not
 * written to answer (a default method included: its default is Keycloak's guess, not ours). {@code
 * toString}, {@code equals} and {@code hashCode} are the proxy's identity.
 */
public final class StrictProxy<T> {

    /** What a supported method returns for its arguments (an empty array for none). */
    @FunctionalInterface
    public interface Answer {
        Object answer(Object[] args) throws Throwable;
    }

    private final Class<T> type;
    private final String name;
    private final Map<String, Answer> answers = new HashMap<>();

    private StrictProxy(Class<T> type, String name) {
        this.type = type;
        this.name = name;
    }

    /**
     * @param name what the fake is, for messages ("user alice")
     */
    public static <T> StrictProxy<T> of(Class<T> type, String name) {
        return new StrictProxy<>(type, name);
    }

    public StrictProxy<T> on(String signature, Answer answer) {
        if (answers.put(signature, answer) != null) {
            throw new IllegalArgumentException("answered twice: " + signature);
        }
        return this;
    }

    /** A method that returns nothing and is called only for its effect. */
    public StrictProxy<T> onCall(String signature, java.util.function.Consumer<Object[]> effect) {
        return on(
                signature,
                args -> {
                    effect.accept(args);
                    return null;
                });
    }

    public T build() {
        Map<String, Answer> known = Map.copyOf(answers);
        checkSignaturesExist(known);
        String label = type.getSimpleName() + " (" + name + ")";
        return type.cast(
                Proxy.newProxyInstance(
                        type.getClassLoader(),
                        new Class<?>[] {type},
                        (proxy, method, args) -> {
                            Object[] arguments = args == null ? new Object[0] : args;
                            if (method.getDeclaringClass() == Object.class) {
                                return switch (method.getName()) {
                                    case "toString" -> label;
                                    case "hashCode" -> System.identityHashCode(proxy);
                                    case "equals" -> proxy == arguments[0];
                                    default ->
                                            throw new UnsupportedOperationException(
                                                    method.toString());
                                };
                            }
                            Answer answer = known.get(signature(method));
                            if (answer == null) {
                                throw new UnsupportedOperationException(
                                        "the fake "
                                                + label
                                                + " does not support "
                                                + method.getDeclaringClass().getSimpleName()
                                                + "."
                                                + signature(method));
                            }
                            return answer.answer(arguments);
                        }));
    }

    /**
     * A misspelt signature would never be called: fail when the fake is built, not when the test
     * runs.
     */
    private void checkSignaturesExist(Map<String, Answer> known) {
        Set<String> declared = SIGNATURES.get(type);
        known.keySet().stream()
                .filter(s -> !declared.contains(s))
                .findFirst()
                .ifPresent(
                        s -> {
                            throw new IllegalArgumentException(
                                    type.getSimpleName() + " has no method " + s);
                        });
    }

    /**
     * Every method's signature of an interface, worked out once per interface (fakes are built per
     * request).
     */
    private static final ClassValue<Set<String>> SIGNATURES =
            new ClassValue<>() {
                @Override
                protected Set<String> computeValue(Class<?> type) {
                    return Arrays.stream(type.getMethods())
                            .map(StrictProxy::describe)
                            .collect(Collectors.toUnmodifiableSet());
                }
            };

    private static final Map<Method, String> SIGNATURE_OF = new ConcurrentHashMap<>();

    static String signature(Method method) {
        return SIGNATURE_OF.computeIfAbsent(method, StrictProxy::describe);
    }

    private static String describe(Method method) {
        return method.getName()
                + Arrays.stream(method.getParameterTypes())
                        .map(Class::getSimpleName)
                        .collect(Collectors.joining(",", "(", ")"));
    }
}
