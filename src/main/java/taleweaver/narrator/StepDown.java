package taleweaver.narrator;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What a model server has shown it refuses, remembered for a while. A request is put in one of the {@link Form}s,
 * each simpler than the one before, with or without {@code stream}. A server that answers HTTP 400 is asked again one
 * step down, so the turn goes on; later requests start lower only on evidence that the server refuses the richer
 * form — an error that names it (response_format, the context size, stream) or the same refusal twice in a row —
 * and only for {@link #STEP_DOWN_MILLIS}, after which the richer form is tried again.
 */
final class StepDown {
    enum Form { JSON, PLAIN, COMPACT }

    static final long STEP_DOWN_MILLIS = 10 * 60_000L;

    private final boolean jsonMode;
    LongSupplier clock = System::currentTimeMillis;
    private volatile Form learned;
    private volatile long learnedUntil;
    private volatile long noStreamUntil;
    private final ConcurrentHashMap<Form, Integer> refusalsInARow = new ConcurrentHashMap<>();

    StepDown(boolean jsonMode) {
        this.jsonMode = jsonMode;
    }

    Form first() {
        Form base = jsonMode ? Form.JSON : Form.PLAIN;
        Form floor = learned;
        if (floor == null || clock.getAsLong() >= learnedUntil) return base;
        return floor.ordinal() > base.ordinal() ? floor : base;
    }

    boolean streamAllowed() {
        return clock.getAsLong() >= noStreamUntil;
    }

    /** An error that says the server does not stream: no streaming for a while. */
    static boolean namesStream(String error) {
        return error.toLowerCase(Locale.ROOT).contains("stream");
    }

    void noStream() {
        noStreamUntil = clock.getAsLong() + STEP_DOWN_MILLIS;
    }

    /** A 400 at {@code form}: whether it shows the server refuses that form (and not just this one request). */
    boolean refuses(Form form, String error) {
        int inARow = refusalsInARow.merge(form, 1, Integer::sum);
        String e = error.toLowerCase(Locale.ROOT);
        boolean named = form == Form.JSON ? e.contains("response_format") || e.contains("json_object") || e.contains("json mode")
                : e.contains("context") || e.contains("too long") || e.contains("maximum") || e.contains("too many tokens");
        return named || inARow >= 2;
    }

    /** A request in {@code form} worked; {@code proven} is the form this exchange stepped down to on evidence. */
    void worked(Form form, Form proven) {
        refusalsInARow.remove(form);
        if (proven == form) {
            learned = form;
            learnedUntil = clock.getAsLong() + STEP_DOWN_MILLIS;
        }
    }
}
