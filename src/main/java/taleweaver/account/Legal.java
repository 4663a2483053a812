package taleweaver.account;

import taleweaver.web.ApiError;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** /legal: mode 0 judges a name, mode 1 a character description (asking the model too when configured). */
public final class Legal {
    /** A second opinion on a description; empty when it is fine. */
    @FunctionalInterface
    public interface Moderator {
        CompletableFuture<Optional<String>> review(String text);
    }

    private final NameRules names;
    private final Moderator moderator;

    public Legal(NameRules names, Moderator moderator) {
        this.names = names;
        this.moderator = moderator;
    }

    /** Why the content is refused, or empty. */
    public CompletableFuture<Optional<String>> check(int mode, String content) {
        return switch (mode) {
            case 0 -> CompletableFuture.completedFuture(names.nameProblem(content));
            case 1 -> {
                Optional<String> problem = names.personaProblem(content);
                yield problem.isPresent() ? CompletableFuture.completedFuture(problem) : moderator.review(content);
            }
            default -> throw ApiError.badRequest("bad_mode", "mode must be 0 (a name) or 1 (a character description)");
        };
    }
}
