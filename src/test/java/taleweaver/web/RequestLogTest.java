package taleweaver.web;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request lines: in the log's usual form, written by their own thread, none lost at shutdown. */
class RequestLogTest {
    private static final String STAMP = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}";

    @Test
    void linesAreWrittenInTheLogsFormAndSoon() throws Exception {
        var bytes = new ByteArrayOutputStream();
        var log = new RequestLog(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        log.add("GET /status 200 1ms role=Ann from=127.0.0.1");
        for (int i = 0; i < 500 && bytes.size() == 0; i++) Thread.sleep(10); // written without waiting for shutdown
        String first = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(first.matches(STAMP + " \\[" + Thread.currentThread().getName() + "] INFO taleweaver.request - "
                + "GET /status 200 1ms role=Ann from=127.0.0.1\n"), first);
        for (int i = 0; i < 1000; i++) log.add("GET /health 200 0ms role=- from=x" + i);
        log.close();
        String all = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1001, all.lines().count(), "every line written by shutdown");
        assertTrue(all.strip().endsWith("from=x999"), "in order");
    }

    @Test
    void aLogThatCannotKeepUpDropsLinesAndSaysHowMany() throws Exception {
        var writing = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var bytes = new ByteArrayOutputStream();
        OutputStream slow = new OutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                bytes.write(b, off, len);
            }
        };
        var log = new RequestLog(new PrintStream(slow, true, StandardCharsets.UTF_8), 2);
        log.add("first");
        writing.await(); // the writer is stuck in the first write
        for (int i = 0; i < 5; i++) log.add("more " + i);
        release.countDown();
        log.close();
        String all = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(all.contains("- first\n") && all.contains("- more 0\n") && all.contains("- more 1\n") && !all.contains("more 2"), all);
        assertTrue(all.lines().anyMatch(l -> l.matches(STAMP + " \\[request-log] WARN taleweaver.request - 3 request lines dropped.*")), all);
    }
}
