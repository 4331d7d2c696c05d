package io.approvalguard.challenge;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** "Chrome 156" on "Linux": what an approver can judge at a glance, from a User-Agent header. */
final class UserAgentSummary {

    /** Order matters: Edge and Opera also claim to be Chrome, Chrome also claims to be Safari. */
    private static final List<Map.Entry<String, Pattern>> BROWSERS =
            List.of(
                    Map.entry("Edge", Pattern.compile("Edg(?:e|A|iOS)?/(\\d+)")),
                    Map.entry("Opera", Pattern.compile("OPR/(\\d+)")),
                    Map.entry("Samsung Internet", Pattern.compile("SamsungBrowser/(\\d+)")),
                    Map.entry("Firefox", Pattern.compile("(?:Firefox|FxiOS)/(\\d+)")),
                    Map.entry("Chrome", Pattern.compile("(?:Chrome|CriOS|Chromium)/(\\d+)")),
                    Map.entry("Safari", Pattern.compile("Version/(\\d+)[.\\d]* .*Safari/")));

    private static final List<Map.Entry<String, Pattern>> SYSTEMS =
            List.of(
                    Map.entry("Windows", Pattern.compile("Windows")),
                    Map.entry("Android", Pattern.compile("Android")),
                    Map.entry("iOS", Pattern.compile("iPhone|iPad|iPod")),
                    Map.entry("ChromeOS", Pattern.compile("CrOS")),
                    Map.entry("macOS", Pattern.compile("Mac OS X|Macintosh")),
                    Map.entry("Linux", Pattern.compile("Linux")));

    private UserAgentSummary() {}

    static String browser(String userAgent) {
        for (Map.Entry<String, Pattern> browser : BROWSERS) {
            Matcher matcher = browser.getValue().matcher(userAgent);
            if (matcher.find()) {
                return browser.getKey() + " " + matcher.group(1);
            }
        }
        return "unknown";
    }

    static String operatingSystem(String userAgent) {
        return SYSTEMS.stream()
                .filter(s -> s.getValue().matcher(userAgent).find())
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse("unknown");
    }
}
