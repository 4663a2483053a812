package taleweaver.web;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The blocking read Java 21+ uses (on virtual threads); the HTTP tests run on Java 17, which reads as the body arrives
 * (TransportTest holds that path to the same edges).
 */
class BodyReaderTest {
    private static final int MAX = 4096;

    @Test
    void exactlyTheLimitIsReadWithALengthAndInChunks() throws Exception {
        byte[] body = new byte[MAX];
        body[MAX - 1] = 7;
        assertArrayEquals(body, BodyReader.readBlocking(new ByteArrayInputStream(body), MAX, MAX));
        assertArrayEquals(body, BodyReader.readBlocking(new ByteArrayInputStream(body), -1, MAX), "no length: read in chunks");
    }

    @Test
    void oneByteMoreIs413WithALengthAndInChunks() {
        byte[] body = new byte[MAX + 1];
        var declared = assertThrows(ApiError.class, () -> BodyReader.readBlocking(new ByteArrayInputStream(body), MAX + 1, MAX));
        assertEquals(413, declared.httpStatus());
        var chunked = assertThrows(ApiError.class, () -> BodyReader.readBlocking(new ByteArrayInputStream(body), -1, MAX));
        assertEquals(413, chunked.httpStatus());
    }

    @Test
    void aBodyShorterThanItsLengthIsWhatCame() throws Exception {
        assertArrayEquals(new byte[]{1, 2}, BodyReader.readBlocking(new ByteArrayInputStream(new byte[]{1, 2}), 10, MAX));
    }
}
