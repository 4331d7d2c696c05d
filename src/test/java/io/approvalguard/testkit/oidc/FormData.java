package io.approvalguard.testkit.oidc;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.jsoup.nodes.Element;

/** What a browser would send for an HTML form, reduced to what Keycloak's pages use. */
final class FormData {

    private static final Set<String> NOT_SENT_WITHOUT_CLICK =
            Set.of("submit", "button", "image", "reset", "file");

    private FormData() {}

    /**
     * The form's successful controls (HTML "constructing the entry list"): named, enabled inputs
     * with their values, checked checkboxes and radios only, selected options, textareas. Submit
     * buttons are left out: only the one that was pressed is sent.
     */
    static Map<String, List<String>> successfulControls(Element form) {
        Map<String, List<String>> data = new LinkedHashMap<>();
        for (Element control : form.select("input[name], select[name], textarea[name]")) {
            if (control.hasAttr("disabled")) {
                continue;
            }
            String name = control.attr("name");
            switch (control.normalName()) {
                case "input" -> {
                    String type = control.attr("type").toLowerCase();
                    if (NOT_SENT_WITHOUT_CLICK.contains(type)) {
                        continue;
                    }
                    if ((type.equals("checkbox") || type.equals("radio"))
                            && !control.hasAttr("checked")) {
                        continue;
                    }
                    String value =
                            control.hasAttr("value")
                                    ? control.attr("value")
                                    : (type.equals("checkbox") || type.equals("radio")) ? "on" : "";
                    add(data, name, value);
                }
                case "select" -> {
                    Element selected = control.selectFirst("option[selected]");
                    if (selected == null) {
                        selected = control.selectFirst("option");
                    }
                    if (selected != null) {
                        add(
                                data,
                                name,
                                selected.hasAttr("value")
                                        ? selected.attr("value")
                                        : selected.text());
                    }
                }
                case "textarea" -> add(data, name, control.wholeText());
                default -> {}
            }
        }
        return data;
    }

    /** The first named submit button: the one a browser uses when the user presses Enter. */
    static Element defaultSubmitButton(Element form) {
        for (Element button : form.select("button[name], input[type=submit][name]")) {
            String type = button.attr("type").toLowerCase();
            boolean submits =
                    button.normalName().equals("input") || type.isEmpty() || type.equals("submit");
            if (submits && !button.hasAttr("disabled") && !button.attr("name").isEmpty()) {
                return button;
            }
        }
        return null;
    }

    static String urlEncode(Map<String, List<String>> data) {
        StringJoiner joiner = new StringJoiner("&");
        for (Map.Entry<String, List<String>> field : data.entrySet()) {
            for (String value : field.getValue()) {
                joiner.add(
                        URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)
                                + "="
                                + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return joiner.toString();
    }

    private static void add(Map<String, List<String>> data, String name, String value) {
        data.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
}
