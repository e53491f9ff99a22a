package io.controlplane.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A port (any interface) with one-shot hooks around its calls, so a test makes a race happen at an
 * exact point instead of hoping for it: run another use case right after a write committed, lose
 * a write's answer after it committed, or make one call fail. Every rule fires once (or {@code n}
 * times), and is marked used before its action runs, so an action may call the same port.
 *
 * <pre>{@code
 * Interleaving<JobStore> jobs = Interleaving.of(JobStore.class, new InMemoryJobStore());
 * jobs.after("update", args -> ((Job) args[0]).state() == JobState.Paused, () -> resume(...));
 * }</pre>
 */
public final class Interleaving<T> {

    private enum Kind { BEFORE, AFTER, LOSE_ANSWER, FAIL }

    private record Rule(Kind kind, String method, Predicate<Object[]> when, Runnable action,
                        Supplier<? extends RuntimeException> failure, AtomicInteger left) {
    }

    private final T target;
    private final T port;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    /** How many times a rule fired, for tests that check the interleaving really happened. */
    public final AtomicInteger fired = new AtomicInteger();

    private Interleaving(Class<T> type, T target) {
        this.target = target;
        InvocationHandler handler = (proxy, method, args) -> invoke(method, args == null ? new Object[0] : args);
        this.port = type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    public static <T> Interleaving<T> of(Class<T> type, T target) {
        return new Interleaving<>(type, target);
    }

    /** The port to hand to the code under test. */
    public T port() {
        return port;
    }

    /** Runs {@code action} once, just before the first call of {@code method} that {@code when} matches. */
    public Interleaving<T> before(String method, Predicate<Object[]> when, Runnable action) {
        rules.add(new Rule(Kind.BEFORE, method, when, action, null, new AtomicInteger(1)));
        return this;
    }

    /** Runs {@code action} once, right after the first matching call returned (its answer not yet given back). */
    public Interleaving<T> after(String method, Predicate<Object[]> when, Runnable action) {
        rules.add(new Rule(Kind.AFTER, method, when, action, null, new AtomicInteger(1)));
        return this;
    }

    /** The first matching call goes through (it commits), and then throws {@code failure}: an answer lost. */
    public Interleaving<T> loseAnswer(String method, Predicate<Object[]> when, Supplier<? extends RuntimeException> failure) {
        rules.add(new Rule(Kind.LOSE_ANSWER, method, when, null, failure, new AtomicInteger(1)));
        return this;
    }

    /** The next {@code times} matching calls throw {@code failure} without reaching the port. */
    public Interleaving<T> fail(String method, Predicate<Object[]> when, Supplier<? extends RuntimeException> failure, int times) {
        rules.add(new Rule(Kind.FAIL, method, when, null, failure, new AtomicInteger(times)));
        return this;
    }

    private Object invoke(java.lang.reflect.Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return method.invoke(target, args);
        }
        Rule fail = take(Kind.FAIL, method.getName(), args);
        if (fail != null) {
            throw fail.failure().get();
        }
        Rule before = take(Kind.BEFORE, method.getName(), args);
        if (before != null) {
            before.action().run();
        }
        Object result;
        try {
            result = method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        Rule after = take(Kind.AFTER, method.getName(), args);
        if (after != null) {
            after.action().run();
        }
        Rule lost = take(Kind.LOSE_ANSWER, method.getName(), args);
        if (lost != null) {
            throw lost.failure().get();
        }
        return result;
    }

    private Rule take(Kind kind, String method, Object[] args) {
        for (Rule rule : rules) {
            if (rule.kind() == kind && rule.method().equals(method) && rule.left().get() > 0 && rule.when().test(args)
                    && rule.left().getAndDecrement() > 0) {
                fired.incrementAndGet();
                return rule;
            }
        }
        return null;
    }
}
