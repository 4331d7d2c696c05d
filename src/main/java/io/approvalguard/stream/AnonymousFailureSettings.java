package io.approvalguard.stream;

import io.approvalguard.support.config.SpiOptions;

/**
 * How much of the stream anonymous failures may take; options of the {@code approval-guard} event
 * listener ({@code --spi-events-listener--approval-guard--<option>}).
 *
 * @param windowMillis the time window failures are counted in, per realm and source address
 * @param perAddress   how many failures of one address and window are streamed as records of their own
 * @param addresses    how many addresses per realm and window are counted each on their own; failures
 *                     from further addresses share one count
 */
public record AnonymousFailureSettings(long windowMillis, int perAddress, int addresses) {

    public static final String WINDOW = "anonymous-failures-window-seconds";
    public static final String PER_ADDRESS = "anonymous-failures-per-address";
    public static final String ADDRESSES = "anonymous-failures-addresses";

    public static AnonymousFailureSettings from(SpiOptions options) {
        return new AnonymousFailureSettings(
                options.longValue(WINDOW, 60, 10, 3600) * 1000,
                options.intValue(PER_ADDRESS, 10, 0, 1000),
                options.intValue(ADDRESSES, 100, 1, 100_000));
    }
}
