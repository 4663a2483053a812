package taleweaver.narrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import taleweaver.web.Json;

/**
 * Reads the one JSON object a model was asked for, tolerantly: code fences and prose around the object are
 * dropped, and a reply with no object at all is taken as plain {@code text}. Null means unusable.
 */
public final class ReplyParser {
    private static final java.util.regex.Pattern THINKING = java.util.regex.Pattern.compile("(?s)<think>.*?</think>");

    private ReplyParser() {}

    public static ObjectNode parse(String content) {
        if (content == null || content.isBlank()) return null;
        String s = content.strip();
        if (s.contains("<think>")) s = THINKING.matcher(s).replaceAll("").strip(); // reasoning models may think out loud first
        if (s.startsWith("```")) {
            s = s.replaceFirst("^```[A-Za-z]*\\s*", "");
            int end = s.lastIndexOf("```");
            if (end >= 0) s = s.substring(0, end);
            s = s.strip();
        }
        int open = s.indexOf('{'), close = s.lastIndexOf('}');
        if (open >= 0 && close > open) {
            try {
                JsonNode n = Json.MAPPER.readTree(s.substring(open, close + 1));
                if (n.isObject() && n.path("text").isTextual() && !n.path("text").asText().isBlank()) return (ObjectNode) n;
                if (n.isObject() && n.has("allowed")) return (ObjectNode) n;
                return null;
            } catch (Exception e) {
                return null;
            }
        }
        if (s.contains("{") || s.contains("}") || s.startsWith("[")) return null; // broken or other JSON, not prose
        ObjectNode plain = Json.MAPPER.createObjectNode();
        plain.put("text", s);
        return plain;
    }
}
