package io.controlplane.testing;

import static org.mockito.Mockito.mockingDetails;

import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/** What an adapter logged to a Mockito mock {@link Logger}. */
public final class MockLogs {

    private MockLogs() {
    }

    /** The lines logged to {@code log} at {@code level} ({@code "warn"}, {@code "info"}...), formatted as SLF4J would. */
    public static List<String> lines(Logger log, String level) {
        return mockingDetails(log).getInvocations().stream()
                .filter(i -> i.getMethod().getName().equals(level))
                .map(i -> {
                    Object[] args = i.getArguments(); // varargs expanded
                    return MessageFormatter.arrayFormat((String) args[0], Arrays.copyOfRange(args, 1, args.length)).getMessage();
                })
                .toList();
    }
}
