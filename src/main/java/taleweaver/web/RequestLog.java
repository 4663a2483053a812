package taleweaver.web;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one line per request (SPEC §9), in the form of the other log lines ({@code 2026-11-30 11:32:00.123 [thread] INFO
 * taleweaver.request - GET /status 200 1ms …}), written by one background thread: it takes whatever lines are waiting
 * and writes them in one go, every {@link #PERIOD_MILLIS} ms. Formatting a date and writing to the log on each
 * request's own thread cost a sixth of a {@code /status}; a writer woken by each line (as a blocking take is) cost two
 * thread switches per request when players' requests come spread out, as real players' do. Past {@link #BACKLOG}
 * unwritten lines (a log that can't keep up) further lines are counted and dropped rather than slowing play.
 */
final class RequestLog implements AutoCloseable {
    static final int BACKLOG = 100_000;
    /** The writer wakes this often, whether or not lines came: never woken by a request. */
    static final long PERIOD_MILLIS = 50;
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.").withZone(ZoneId.systemDefault());

    private final BlockingQueue<String> lines;
    private final LongAdder dropped = new LongAdder();
    private final PrintStream out;
    private final Thread writer;
    private volatile Stamp stamp = new Stamp(Long.MIN_VALUE, "");

    private record Stamp(long second, String text) {}

    RequestLog(PrintStream out) {
        this(out, BACKLOG);
    }

    RequestLog(PrintStream out, int backlog) {
        this.lines = new ArrayBlockingQueue<>(backlog);
        this.out = out;
        this.writer = new Thread(this::write, "request-log");
        writer.setDaemon(true);
        writer.start();
    }

    void add(String message) {
        long now = System.currentTimeMillis();
        String line = time(now) + " [" + Thread.currentThread().getName() + "] INFO taleweaver.request - " + message + "\n";
        if (!lines.offer(line)) dropped.increment();
    }

    /** "2026-11-30 11:32:00.123": the part up to the second is formatted once a second. */
    private String time(long millis) {
        Stamp s = stamp;
        long second = Math.floorDiv(millis, 1000);
        if (s.second() != second) stamp = s = new Stamp(second, SECOND.format(Instant.ofEpochSecond(second)));
        int ms = (int) Math.floorMod(millis, 1000);
        return s.text() + (ms < 10 ? "00" : ms < 100 ? "0" : "") + ms;
    }

    private void write() {
        var batch = new ArrayList<String>();
        try {
            while (true) {
                Thread.sleep(PERIOD_MILLIS); // the lines gather meanwhile: one wake-up for many requests, none for one
                while (lines.drainTo(batch, 4096) > 0) {
                    write(batch);
                    batch.clear();
                }
                if (dropped.sum() > 0) write(batch); // the warning, when every line that came was dropped
            }
        } catch (InterruptedException e) {
            // closing: what is left is written by close()
        }
    }

    /** The lines in one write, after a warning when some were dropped since the last. */
    private void write(List<String> batch) {
        var text = new StringBuilder();
        long lost = dropped.sumThenReset();
        if (lost > 0) text.append(time(System.currentTimeMillis())).append(" [request-log] WARN taleweaver.request - ")
                .append(lost).append(" request lines dropped: the log could not keep up\n");
        batch.forEach(text::append);
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        out.flush();
    }

    /** Writes what is still queued (at shutdown). */
    @Override
    public void close() {
        writer.interrupt();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        var rest = new ArrayList<String>();
        lines.drainTo(rest);
        write(rest);
    }
}
