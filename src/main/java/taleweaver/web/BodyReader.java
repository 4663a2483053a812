package taleweaver.web;

import io.javalin.http.Context;
import io.javalin.util.ConcurrencyUtil;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

/**
 * Reads a request body of at most {@code max} bytes without parking a request thread on a slow client (SPEC §10).
 * On Java 21+ requests run on virtual threads, where a blocking read costs no OS thread; on Java 17 the body is read
 * with a servlet ReadListener, as it arrives, and the route runs once it is whole. Over the limit is HTTP 413, after
 * reading (a bounded amount of) the rest so the client hears the answer instead of a reset.
 */
final class BodyReader {
    private static final boolean BLOCKING_IS_CHEAP = ConcurrencyUtil.isLoomAvailable();

    private BodyReader() {}

    static CompletableFuture<byte[]> read(Context ctx, int max) {
        try {
            long declared = ctx.req().getContentLengthLong();
            if (declared == 0) return CompletableFuture.completedFuture(new byte[0]);
            if (BLOCKING_IS_CHEAP) return CompletableFuture.completedFuture(readBlocking(ctx.req().getInputStream(), declared, max));
            return readAsync(ctx.req().getInputStream(), declared, max);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** {@code declared} is the Content-Length, or -1 when the body comes in chunks. */
    static byte[] readBlocking(InputStream in, long declared, int max) throws IOException {
        if (declared > max) throw tooLarge(in, max);
        if (declared > 0) { // the usual case: read into an array of the body's size, nothing made to be copied
            byte[] body = new byte[(int) declared];
            int n = in.readNBytes(body, 0, body.length);
            return n == body.length ? body : java.util.Arrays.copyOf(body, n);
        }
        byte[] bytes = in.readNBytes(max + 1);
        if (bytes.length > max) throw tooLarge(in, max);
        return bytes;
    }

    /** Reads (a bounded amount of) what the client is still sending, so it hears the 413 instead of a reset. */
    private static ApiError tooLarge(InputStream in, int max) throws IOException {
        long budget = 16L * max;
        byte[] sink = new byte[8192];
        for (int n; budget > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, budget))) > 0; ) budget -= n;
        return tooLarge(max);
    }

    private static ApiError tooLarge(int max) {
        return new ApiError(413, "body_too_large", "the body is larger than " + max + " bytes");
    }

    private static CompletableFuture<byte[]> readAsync(ServletInputStream in, long declared, int max) {
        var result = new CompletableFuture<byte[]>();
        in.setReadListener(new ReadListener() {
            // a body of known length (the usual case) is read into an array of its size; else in pieces
            final byte[] sized = declared > 0 && declared <= max ? new byte[(int) declared] : null;
            int filled;
            final ByteArrayOutputStream body = sized == null ? new ByteArrayOutputStream() : null;
            byte[] chunk;
            long discarded; // past the limit: read and dropped, up to 16 × the limit
            boolean over = declared > max;

            @Override
            public void onDataAvailable() throws IOException {
                while (in.isReady()) {
                    if (sized != null && filled < sized.length) {
                        int n = in.read(sized, filled, sized.length - filled);
                        if (n < 0) return;
                        filled += n;
                        continue;
                    }
                    if (chunk == null) chunk = new byte[sized != null ? 64 : 8192];
                    int n = in.read(chunk);
                    if (n < 0) return;
                    if (!over && (sized != null || body.size() + n > max)) over = true; // more than it declared: refused
                    if (over) {
                        discarded += n;
                        if (discarded > 16L * max) {
                            result.completeExceptionally(tooLarge(max));
                            return;
                        }
                    } else {
                        body.write(chunk, 0, n);
                    }
                }
            }

            @Override
            public void onAllDataRead() {
                if (over) result.completeExceptionally(tooLarge(max));
                else result.complete(sized == null ? body.toByteArray() : filled == sized.length ? sized : java.util.Arrays.copyOf(sized, filled));
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }
}
