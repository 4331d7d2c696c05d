package io.approvalguard.stream;

import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.SpiOptions;
import java.util.List;

/**
 * How much of the stream anonymous failures may take; options of the {@code approval-guard} event
 * listener ({@code --spi-events-listener--approval-guard--<option>}).
 *
 * @param windowMillis the time window failures are counted in, per realm and source address
 * @param perAddress how many failures of one address and window are streamed as records of their
 *     own
 * @param addresses how many addresses per realm and window are counted each on their own; failures
 *     from further addresses share one count
 */
public record AnonymousFailureSettings(long windowMillis, int perAddress, int addresses) {

    static final Option<Integer> WINDOW =
            Option.wholeNumber(
                    "anonymous-failures-window-seconds",
                    60,
                    10,
                    3600,
                    "Time window in which failures that name no user are counted per realm and source address, in seconds.");
    static final Option<Integer> PER_ADDRESS =
            Option.wholeNumber(
                    "anonymous-failures-per-address",
                    10,
                    0,
                    1000,
                    "Failures that name no user streamed as records of their own per address and window; the rest become one count record.");
    static final Option<Integer> ADDRESSES =
            Option.wholeNumber(
                    "anonymous-failures-addresses",
                    100,
                    1,
                    100_000,
                    "Addresses counted on their own per realm and window; failures from further addresses share one count.");

    static final List<Option<?>> OPTIONS = List.of(WINDOW, PER_ADDRESS, ADDRESSES);

    public static AnonymousFailureSettings from(SpiOptions options) {
        return new AnonymousFailureSettings(
                options.get(WINDOW) * 1000L, options.get(PER_ADDRESS), options.get(ADDRESSES));
    }
}
