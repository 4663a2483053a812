package taleweaver.account;

import taleweaver.narrator.ContentPack;
import taleweaver.narrator.Lines;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** What a player may call themselves and describe their character as (SPEC §2, /legal). */
public final class NameRules {
    public static final int PERSONA_MAX = 500;

    private final Set<String> reserved;
    private final List<String> banned;
    private final Lines lines;

    public NameRules(ContentPack pack) {
        this.reserved = pack.reservedNames().stream().map(NameRules::key).collect(Collectors.toSet());
        this.banned = pack.bannedWords().stream().map(NameRules::key).filter(w -> !w.isBlank()).toList();
        this.lines = new Lines(pack);
    }

    /** The form two names are compared in: "Ann", "ANN" and full-width "Ａｎｎ" are one name. */
    public static String key(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    /** Why {@code name} can't be a player's name, or empty when it can. */
    public Optional<String> nameProblem(String name) {
        int length = name.codePointCount(0, name.length());
        if (length < 2 || length > 16) return Optional.of(lines.say("legal.length"));
        boolean charsOk = name.codePoints().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '·'
                || Character.getType(c) == Character.NON_SPACING_MARK && Character.isLetterOrDigit(name.codePointAt(0)));
        if (!charsOk) return Optional.of(lines.say("legal.chars"));
        String key = key(name);
        if (reserved.contains(key)) return Optional.of(lines.say("legal.reserved"));
        if (containsBanned(key)) return Optional.of(lines.say("legal.banned"));
        return Optional.empty();
    }

    /** Why {@code text} can't be a character description, or empty when it can (the model is asked elsewhere). */
    public Optional<String> personaProblem(String text) {
        int length = text.codePointCount(0, text.length());
        if (length < 1 || length > PERSONA_MAX) return Optional.of(lines.say("legal.persona_length"));
        if (containsBanned(key(text))) return Optional.of(lines.say("legal.banned"));
        return Optional.empty();
    }

    public boolean containsBanned(String text) {
        String k = key(text);
        for (String w : banned) if (k.contains(w)) return true;
        return false;
    }
}
