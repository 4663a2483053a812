package taleweaver;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A protocol outcome that is not a success: HTTP 200 with this {@code status_code} in the body
 * (wrong password 401, name taken 409, not enough matter 422, …). Services throw it; the ErrorMapper writes it,
 * with {@code text} set to the message and any {@link #with extra fields} the route's clients read.
 */
public class Refusal extends RuntimeException {
    private final int statusCode;
    private final String error;
    private final Map<String, Object> fields = new LinkedHashMap<>();

    public Refusal(int statusCode, String error, String message) {
        super(message, null, false, false);
        this.statusCode = statusCode;
        this.error = error;
    }

    public Refusal with(String field, Object value) {
        fields.put(field, value);
        return this;
    }

    public int statusCode() { return statusCode; }
    public String error() { return error; }
    public Map<String, Object> fields() { return fields; }
}
