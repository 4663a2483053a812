package taleweaver.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A request's JSON object with typed, trimmed access to its fields. A missing required field or a field
 * of the wrong type is HTTP 400 naming the field; unknown fields are ignored.
 */
public final class Body {
    public static final int TEXT_MAX = 2000;
    public static final int LIST_MAX = 16;
    private static final int SHORT_MAX = 256;

    private final ObjectNode node;

    private Body(ObjectNode node) { this.node = node; }

    public static Body parse(byte[] raw) {
        if (isBlank(raw)) {
            return new Body(Json.MAPPER.createObjectNode());
        }
        JsonNode n;
        try {
            n = Json.parse(raw);
        } catch (IOException e) {
            throw ApiError.badRequest("malformed_json", "the body is not valid JSON");
        }
        if (n == null || n.isMissingNode()) return new Body(Json.MAPPER.createObjectNode());
        if (!n.isObject()) throw ApiError.badRequest("not_an_object", "the body must be a JSON object");
        return new Body((ObjectNode) n);
    }

    private static boolean isBlank(byte[] raw) {
        for (byte b : raw) if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return false;
        return true;
    }

    public boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    /** A required short string (a name, an id, an email). */
    public String str(String field) {
        String s = optStr(field);
        if (s == null) throw missing(field);
        return s;
    }

    public String optStr(String field) {
        return optText(field, SHORT_MAX);
    }

    /** A required free-text field up to {@code max} characters; missing or null means "". */
    public String text(String field, int max) {
        String s = optText(field, max);
        return s == null ? "" : s;
    }

    private String optText(String field, int max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw wrongType(field, "a string");
        String s = v.asText().strip();
        if (s.codePointCount(0, s.length()) > max) {
            throw ApiError.badRequest("too_long", "field '" + field + "' is longer than " + max + " characters");
        }
        return s;
    }

    public int integer(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw missing(field);
        double d = v.asDouble();
        if (!v.isNumber() || d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw wrongType(field, "a whole number");
        return (int) d;
    }

    /** An optional number (fractions allowed), {@code fallback} when missing or null. */
    public double number(String field, double fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isNumber()) throw wrongType(field, "a number");
        return v.asDouble();
    }

    public boolean bool(String field, boolean fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        if (v.isBoolean()) return v.asBoolean();
        if (v.isIntegralNumber() && (v.asInt() == 0 || v.asInt() == 1)) return v.asInt() == 1;
        throw wrongType(field, "true or false");
    }

    /** A list of names; missing or null is empty; blanks and repeats are dropped. */
    public List<String> list(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw wrongType(field, "a list of strings");
        if (v.size() > LIST_MAX) throw ApiError.badRequest("too_long", "field '" + field + "' has more than " + LIST_MAX + " entries");
        var out = new LinkedHashSet<String>();
        for (JsonNode e : v) {
            if (e.isNull()) continue;
            if (!e.isTextual()) throw wrongType(field, "a list of strings");
            String s = e.asText().strip();
            if (s.length() > SHORT_MAX) throw ApiError.badRequest("too_long", "an entry of '" + field + "' is too long");
            if (!s.isEmpty()) out.add(s);
        }
        return new ArrayList<>(out);
    }

    private static ApiError missing(String field) {
        return ApiError.badRequest("missing_field", "field '" + field + "' is required");
    }

    private static ApiError wrongType(String field, String want) {
        return ApiError.badRequest("wrong_type", "field '" + field + "' must be " + want);
    }
}
