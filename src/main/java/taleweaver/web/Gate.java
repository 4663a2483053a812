package taleweaver.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import taleweaver.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request passes on its way in and out: refused while shutting down, counted against its
 * address's rate budget (except /health), answered 404 as JSON when no route matches, and logged in one
 * line (method, path, status, ms, role) — never a body, so no password, token or image reaches the log.
 */
public final class Gate implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("taleweaver.request");
    private static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("\\p{Cntrl}");

    private final RateLimiter perAddress;
    private final Auth auth;
    private final ClientAddress addresses;
    private final Metrics metrics;
    private volatile boolean closing;
    /** Null when the host turned request lines off ({@code taleweaver.request} above info). */
    private final RequestLog lines = log.isInfoEnabled() ? new RequestLog(System.err) : null;

    public Gate(RateLimiter perAddress, Auth auth, ClientAddress addresses, Metrics metrics) {
        this.metrics = metrics;
        this.perAddress = perAddress;
        this.auth = auth;
        this.addresses = addresses;
    }

    public void closing() { closing = true; }

    public void check(Context ctx) {
        String address = addresses.resolve(ctx);
        if (closing) throw new ApiError(503, "shutting_down", "the server is shutting down");
        if (isHealth(ctx.path()) || ClientFiles.isClientPath(ctx.path())) return; // served from memory, like /health
        long wait = perAddress.acquire("ip:" + address, System.currentTimeMillis());
        if (wait > 0) throw new ApiError(429, "rate_limited", "too many requests from this address", wait);
    }

    public void notFound(Context ctx) {
        if (ctx.attribute(ErrorMapper.STATUS_CODE) != null) return; // a reply was already written
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status_code", 404);
        body.put("error", "not_found");
        body.put("message", "no such route");
        ErrorMapper.write(ctx, 404, body);
    }

    public void logged(Context ctx, Float ms) {
        auth.finished(ctx);
        metrics.request(route(ctx), ctx.statusCode(), (long) (ms * 1_000_000));
        Integer code = ctx.attribute(ErrorMapper.STATUS_CODE);
        String status = code == null || code == ctx.statusCode() ? String.valueOf(ctx.statusCode()) : ctx.statusCode() + "/" + code;
        if (lines != null) lines.add(ctx.method() + " " + clean(ctx.path()) + " " + status + " " + Math.round(ms) + "ms role="
                + Auth.roleNames(ctx) + " from=" + clean(Auth.address(ctx)));
    }

    /** Writes the request lines still queued. */
    @Override
    public void close() {
        if (lines != null) lines.close();
    }

    /** The route's path as registered (not the raw path: a metric label must not grow with what clients send). */
    private static String route(Context ctx) {
        var endpoint = ctx.endpoints().matchedHttpEndpoint();
        return endpoint == null ? "unmatched" : endpoint.path;
    }

    private static boolean isHealth(String path) {
        return path.replace("/", "").equals("health");
    }

    private static String clean(String path) {
        String p = path.length() > 80 ? path.substring(0, 80) + "…" : path;
        for (int i = 0; i < p.length(); i++) {
            if (Character.isISOControl(p.charAt(i))) return CONTROL.matcher(p).replaceAll("?");
        }
        return p;
    }
}
