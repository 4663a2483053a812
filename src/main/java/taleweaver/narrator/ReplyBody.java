package taleweaver.narrator;

import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;

import java.io.IOException;

/**
 * A model's reply body read with a bound (a few MB): a server that answers with hundreds of MB, streamed or not, ends
 * its try with {@link TooLarge} after {@link #MAX_BYTES}, never with the heap.
 */
final class ReplyBody {
    static final long MAX_BYTES = 4L << 20;

    /** A reply past the bound: not worth asking again. */
    static final class TooLarge extends IOException {
        TooLarge() { super("the reply is larger than " + (MAX_BYTES >> 20) + " MB"); }
    }

    private ReplyBody() {}

    /** The body as a source that fails once more than {@link #MAX_BYTES} have been read from it. */
    static BufferedSource bounded(ResponseBody body) throws TooLarge {
        if (body.contentLength() > MAX_BYTES) throw new TooLarge();
        return Okio.buffer(new ForwardingSource(body.source()) {
            private long read;

            @Override
            public long read(Buffer sink, long byteCount) throws IOException {
                long n = super.read(sink, byteCount);
                if (n > 0 && (read += n) > MAX_BYTES) throw new TooLarge();
                return n;
            }
        });
    }

    /** The whole body, bounded. */
    static byte[] bytes(ResponseBody body) throws IOException {
        try (BufferedSource source = bounded(body)) {
            return source.readByteArray();
        }
    }
}
