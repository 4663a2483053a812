package taleweaver.images;

import java.util.concurrent.CompletableFuture;

/** Makes the game's pictures as PNG bytes; a null result means "no picture". */
public interface ImageMaker {
    /** The maker images.provider names: a remote image model, none, or the built-in procedural pictures. */
    static ImageMaker of(taleweaver.Config.Images config) {
        return switch (config.provider()) {
            case "openai" -> new OpenAiImages(config);
            case "none" -> new NoImages();
            default -> new ProceduralImages();
        };
    }

    /** A 128×128 portrait for a player or NPC. */
    CompletableFuture<byte[]> avatar(String name, String description);

    /** A 512×288 scene for a task. */
    CompletableFuture<byte[]> background(String name, String description);

    String name();
}
