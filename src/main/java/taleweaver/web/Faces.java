package taleweaver.web;

import io.javalin.http.Context;
import taleweaver.images.ImageStore;

import java.util.Map;

/**
 * {@code GET /face/{name}}: a character's face (a task's, an encounter's or a party quest's people), as a PNG of its
 * own for the browser client's {@code <img>}: made once per character and kept, like the avatar /feedback sends with a
 * character's first line. Only the world's own characters have one; any other name is 404.
 */
public final class Faces {
    private final Map<String, String> personas;
    private final ImageStore images;

    public Faces(Map<String, String> personas, ImageStore images) {
        this.personas = Map.copyOf(personas);
        this.images = images;
    }

    public void serve(Context ctx) {
        String name = ctx.pathParam("name");
        String persona = personas.get(name);
        if (persona == null) throw new ApiError(404, "not_found", "no such face");
        ctx.future(() -> images.npcAvatar(name, persona).thenAccept(png -> {
            if (png == null || png.length == 0) throw new ApiError(404, "not_found", "no such face");
            Portraits.cached(ctx, png);
        }));
    }
}
