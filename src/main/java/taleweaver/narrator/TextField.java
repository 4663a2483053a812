package taleweaver.narrator;

import java.util.function.Consumer;

/**
 * Pulls the value of the top-level {@code "text"} field out of a JSON object while the model is still writing it, so
 * a streamed reply reaches the player as it grows. Each character of the model's output is looked at once (no
 * re-parse of the buffer); escapes split across pieces ({@code \} at the end of one, {@code u00e9} in the next) and
 * surrogate pairs are held until whole. A code fence or a {@code <think>} block before the object is skipped; a reply
 * that is not a JSON object (plain text) is passed on as it is. The final reply is parsed whole anyway: this only
 * feeds the player's screen.
 */
final class TextField {
    private enum Mode { START, TAG, PLAIN, SCAN, KEY, AFTER_KEY, VALUE, DONE }

    private final Consumer<String> out;
    private Mode mode = Mode.START;
    private boolean inFence;
    private final StringBuilder tag = new StringBuilder();
    private int depth;
    private boolean inString, escaped, expectingKey;
    private final StringBuilder key = new StringBuilder();
    private final StringBuilder unicode = new StringBuilder();
    private boolean inUnicode;
    private char pendingHigh;

    TextField(Consumer<String> out) {
        this.out = out;
    }

    /** The next piece of the model's output. */
    void feed(String piece) {
        var emit = new StringBuilder();
        for (int i = 0; i < piece.length(); i++) step(piece.charAt(i), emit);
        if (!emit.isEmpty()) out.accept(emit.toString());
    }

    private void step(char c, StringBuilder emit) {
        switch (mode) {
            case START -> start(c, emit);
            case TAG -> {
                tag.append(c);
                if (tag.length() >= 7 && !tag.toString().startsWith("<think>")) { // not a think block: plain text
                    mode = Mode.PLAIN;
                    emit.append(tag);
                } else if (tag.toString().endsWith("</think>")) {
                    mode = Mode.START;
                }
            }
            case PLAIN -> emit.append(c);
            case SCAN -> scan(c);
            case KEY -> key(c);
            case AFTER_KEY -> {
                if (Character.isWhitespace(c) || c == ':') return;
                if (c == '"' && key.toString().equals("text")) {
                    mode = Mode.VALUE;
                } else {
                    mode = Mode.SCAN;
                    scan(c);
                }
            }
            case VALUE -> value(c, emit);
            case DONE -> { }
        }
    }

    private void start(char c, StringBuilder emit) {
        if (c == '{') {
            mode = Mode.SCAN;
            depth = 1;
            expectingKey = true;
        } else if (c == '`') {
            inFence = true;
        } else if (c == '<' && !inFence) {
            mode = Mode.TAG;
            tag.setLength(0);
            tag.append(c);
        } else if (!inFence && !Character.isWhitespace(c)) {
            mode = Mode.PLAIN;
            emit.append(c);
        }
    }

    /** Outside the text value: follows strings and nesting to find the top-level keys. */
    private void scan(char c) {
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
            return;
        }
        if (c == '"' && depth == 1 && expectingKey) {
            key.setLength(0);
            mode = Mode.KEY;
            return;
        }
        switch (c) {
            case '"' -> inString = true;
            case '{', '[' -> depth++;
            case '}', ']' -> {
                if (--depth == 0) mode = Mode.DONE;
            }
            default -> { }
        }
        if (depth == 1 && !Character.isWhitespace(c)) expectingKey = c == ',';
    }

    private void key(char c) {
        if (escaped) {
            escaped = false;
            key.append(c);
        } else if (c == '\\') {
            escaped = true;
        } else if (c == '"') {
            mode = Mode.AFTER_KEY;
            expectingKey = false;
        } else {
            key.append(c);
        }
    }

    private void value(char c, StringBuilder emit) {
        if (inUnicode) {
            unicode.append(c);
            if (unicode.length() == 4) {
                inUnicode = false;
                try {
                    character((char) Integer.parseInt(unicode.toString(), 16), emit);
                } catch (NumberFormatException e) {
                    character('\uFFFD', emit);
                }
            }
        } else if (escaped) {
            escaped = false;
            switch (c) {
                case 'n' -> character('\n', emit);
                case 't' -> character('\t', emit);
                case 'r', 'b', 'f' -> { }
                case 'u' -> {
                    inUnicode = true;
                    unicode.setLength(0);
                }
                default -> character(c, emit); // \" \\ \/
            }
        } else if (c == '\\') {
            escaped = true;
        } else if (c == '"') {
            mode = Mode.DONE;
        } else {
            character(c, emit);
        }
    }

    /** A high surrogate waits for its low half, so no piece ends in half a character. */
    private void character(char c, StringBuilder emit) {
        if (pendingHigh != 0) {
            char high = pendingHigh;
            pendingHigh = 0;
            if (Character.isLowSurrogate(c)) {
                emit.append(high).append(c);
                return;
            }
        }
        if (Character.isHighSurrogate(c)) pendingHigh = c; else emit.append(c);
    }
}
