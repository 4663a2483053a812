package taleweaver.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A reply streamed as server-sent events (SPEC §11): {@code delta} events with pieces of the text as they are
 * written, then one {@code done} with the whole JSON reply. A reply nobody streamed (the offline narrator, a
 * stored line) still comes as one delta before its done; a refusal comes as a lone done. Pieces may be written
 * from any thread; a client that went away just stops receiving.
 */
final class SseReply implements Consumer<String> {
    static final String KEY = "tw.sse";

    private final Context ctx;
    private boolean started, streamed, finished, broken;

    private SseReply(Context ctx) {
        this.ctx = ctx;
    }

    /** Asked for with {@code Accept: text/event-stream} on a route that streams. */
    static void offer(Context ctx) {
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("text/event-stream")) ctx.attribute(KEY, new SseReply(ctx));
    }

    static SseReply of(Context ctx) {
        return ctx.attribute(KEY);
    }

    boolean started() {
        synchronized (this) {
            return started;
        }
    }

    @Override
    public synchronized void accept(String piece) {
        if (finished || piece == null || piece.isEmpty()) return;
        ObjectNode data = Json.MAPPER.createObjectNode().put("text", piece);
        write("event: delta\ndata: " + data + "\n\n");
        streamed = true;
    }

    /** The whole reply; after this the stream is closed. */
    synchronized void done(ObjectNode reply) {
        if (finished) return;
        if (!streamed && reply.path("status_code").asInt() == 200) {
            String text = reply.path(reply.has("result") ? "result" : "text").asText("");
            accept(text);
        }
        write("event: done\ndata: " + reply + "\n\n");
        finished = true;
    }

    private void write(String event) {
        if (broken) return;
        try {
            if (!started) {
                ctx.res().setStatus(200);
                ctx.res().setContentType("text/event-stream; charset=utf-8");
                ctx.res().setHeader("Cache-Control", "no-cache");
                ctx.res().setHeader("X-Accel-Buffering", "no"); // nginx: pass each event on at once
                started = true;
            }
            OutputStream out = ctx.res().getOutputStream();
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | RuntimeException e) {
            broken = true; // the client went away: the game goes on without it
        }
    }
}
