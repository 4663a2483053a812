package taleweaver.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import taleweaver.Refusal;

import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one place where failures become replies: a {@link Refusal} is HTTP 200 with its status_code and the
 * route's usual fields; an {@link ApiError} is its HTTP status; anything else is a logged 500 with an id.
 */
public final class ErrorMapper {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);
    static final String SHAPE = "tw.shape";
    static final String STATUS_CODE = "tw.status_code";

    public void handle(Throwable failure, Context ctx) {
        Throwable e = unwrap(failure);
        ObjectNode body = Json.MAPPER.createObjectNode();
        int http;
        if (e instanceof Refusal r) {
            http = 200;
            body.put("status_code", r.statusCode());
            body.put("error", r.error());
            body.put("message", r.getMessage());
            body.put("text", r.getMessage());
            Map<String, Object> shape = ctx.attribute(SHAPE);
            if (shape != null) shape.forEach((k, v) -> body.set(k, Json.MAPPER.valueToTree(v)));
            r.fields().forEach((k, v) -> body.set(k, Json.MAPPER.valueToTree(v)));
        } else if (e instanceof ApiError a) {
            http = a.httpStatus();
            error(body, http, a.error(), a.getMessage());
            if (a.retryAfterSeconds() > 0) ctx.header("Retry-After", String.valueOf(a.retryAfterSeconds()));
        } else if (taleweaver.db.Database.unavailable(e)) { // a database restart or a full pool: try again, nothing was half-written
            http = 503;
            error(body, http, "database_unavailable", "the database cannot be reached just now; try again in a moment");
            ctx.header("Retry-After", "1");
            log.warn("database unavailable on {} {}: {}", ctx.method(), ctx.path(), e.toString());
        } else if (e instanceof HttpResponseException h) {
            http = h.getStatus();
            error(body, http, http == 404 ? "not_found" : http == 413 ? "body_too_large" : "http_" + http,
                    http == 404 ? "no such route" : h.getMessage());
        } else {
            http = 500;
            String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            log.error("internal error {} on {} {}", id, ctx.method(), ctx.path(), e);
            body.put("status_code", 500);
            body.put("error", "internal");
            body.put("id", id);
        }
        write(ctx, http, body);
    }

    public static void write(Context ctx, int http, ObjectNode body) {
        ctx.attribute(STATUS_CODE, body.path("status_code").asInt(http));
        SseReply stream = SseReply.of(ctx);
        if (stream != null && (http == 200 || stream.started())) { // an outcome, or a failure after words were sent
            stream.done(body);
            return;
        }
        writeJson(ctx, http, Json.bytes(body));
    }

    /** A route's outcome, its JSON written already (status_code 200 first), on a request that does not stream. */
    static void writeOk(Context ctx, byte[] json) {
        ctx.attribute(STATUS_CODE, 200);
        writeJson(ctx, 200, json);
    }

    private static void writeJson(Context ctx, int http, byte[] json) {
        ctx.status(http).contentType("application/json; charset=utf-8");
        // a result Javalin set already (its "Endpoint … not found" before our 404) is replaced, which only ctx.result does
        if (ctx.resultInputStream() != null) ctx.result(json); else send(ctx, json);
    }

    /**
     * Writes a whole reply at once into the response's stream (compressed when it is large and the client takes gzip),
     * rather than through {@code ctx.result}, which Javalin copies over with a 32 KB buffer made for each reply (11 % of
     * all the server allocated at 5,000 players). A client gone meanwhile is not an error of ours.
     */
    static void send(Context ctx, byte[] bytes) {
        try {
            ctx.outputStream().write(bytes);
        } catch (java.io.IOException e) {
            log.debug("reply to {} {} not delivered: {}", ctx.method(), ctx.path(), e.toString());
        }
    }

    private static void error(ObjectNode body, int status, String code, String message) {
        body.put("status_code", status);
        body.put("error", code);
        body.put("message", message);
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) e = e.getCause();
        return e;
    }
}
