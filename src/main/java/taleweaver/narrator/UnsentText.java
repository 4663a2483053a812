package taleweaver.narrator;

import java.util.function.Consumer;

/**
 * What a streamed exchange passes on to the player, over all its tries: a try after one cut off halfway starts its
 * text from the beginning, and only what goes past the words already sent is passed on (the final reply's text wins
 * in the turn's {@code done} either way), so a retry never sends the same words twice.
 */
final class UnsentText implements Consumer<String> {
    private final Consumer<String> player;
    private int sent;
    private int seen;

    UnsentText(Consumer<String> player) {
        this.player = player;
    }

    /** A new try begins: its text starts again from the first character. */
    void newTry() {
        seen = 0;
    }

    @Override
    public void accept(String piece) {
        int start = seen;
        seen += piece.length();
        if (seen <= sent) return;
        int from = Math.max(0, sent - start);
        if (from > 0 && Character.isLowSurrogate(piece.charAt(from))) from--; // never half a character
        sent = seen;
        player.accept(from == 0 ? piece : piece.substring(from));
    }
}
