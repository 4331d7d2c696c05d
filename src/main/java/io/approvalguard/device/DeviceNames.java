package io.approvalguard.device;

/**
 * What a device may call itself. The name is shown in the Account Console and the admin console, so
 * characters that are invisible or move other text are refused: controls (Cc), format characters
 * (Cf: U+202E RIGHT-TO-LEFT OVERRIDE can make "enohp s'ecilA" read as "Alice's phone", U+200B ZERO
 * WIDTH SPACE can make two names look alike), line and paragraph separators, and lone surrogates. A
 * name must also show something other than spaces.
 */
public final class DeviceNames {

    public static final int MAX_LENGTH = 64;

    private DeviceNames() {}

    public static boolean isDisplayable(String name) {
        return name.codePoints().noneMatch(DeviceNames::isHidden)
                && !name.codePoints()
                        .allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c));
    }

    private static boolean isHidden(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.SURROGATE,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR ->
                    true;
            default -> false;
        };
    }
}
