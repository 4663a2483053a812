package taleweaver.web;

/** The request itself can't be served: a non-200 HTTP status with a JSON error body. */
public final class ApiError extends RuntimeException {
    private final int httpStatus;
    private final String error;
    private final long retryAfterSeconds;

    public ApiError(int httpStatus, String error, String message) {
        this(httpStatus, error, message, 0);
    }

    public ApiError(int httpStatus, String error, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.error = error;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiError badRequest(String error, String message) { return new ApiError(400, error, message); }

    public int httpStatus() { return httpStatus; }
    public String error() { return error; }
    public long retryAfterSeconds() { return retryAfterSeconds; }
}
