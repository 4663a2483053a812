package taleweaver.story;

import taleweaver.account.NameRules;
import taleweaver.narrator.Lines;
import taleweaver.narrator.OfflineNarrator;

/** Small rules for text a narrator proposes before the server keeps it. */
final class Text {
    static final int REPLY_MAX = 300;
    static final int SUMMARY_MAX = 600;

    private Text() {}

    /** A reply to show: the narrator's words cut to 300 characters, or {@code fallback} when there are none. */
    static String reply(String text, String fallback) {
        String t = text == null ? "" : text.strip();
        return t.isEmpty() ? fallback : Lines.shorten(t, REPLY_MAX);
    }

    /** The running summary of a task with one more line, keeping only its newest part. */
    static String appendSummary(String summary, String line) {
        String s = summary.isEmpty() ? line : summary + " " + line;
        return s.length() <= SUMMARY_MAX ? s : s.substring(s.length() - SUMMARY_MAX);
    }

    /**
     * Who a line is told under: its speaker talking, unless the line names that speaker ("Old Su nods…" is not Old Su
     * talking) — then it is narration, the DM's.
     */
    static String teller(String speaker, String said, String dm) {
        return OfflineNarrator.names(said, speaker) ? dm : speaker;
    }

    /** A name a narrator proposed, when usable: quotes dropped, {@code min}..{@code max} characters, nothing banned. */
    static String name(String proposed, int min, int max, NameRules rules) {
        if (proposed == null) return null;
        String n = proposed.strip().replaceAll("^[「『\"'“]+|[」』\"'”]+$", "").strip();
        int length = n.codePointCount(0, n.length());
        if (length < min || length > max || rules.containsBanned(n) || n.codePoints().anyMatch(Character::isISOControl)) return null;
        return n;
    }
}
