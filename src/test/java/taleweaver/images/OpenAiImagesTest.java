package taleweaver.images;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.TestConfig;
import taleweaver.web.Json;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class OpenAiImagesTest {
    @TempDir
    Path dir;

    @Test
    void generatedPicturesAreScaledToTheProtocolsSizes() throws Exception {
        try (var server = new MockWebServer()) {
            server.start();
            String big = Png.base64(ProceduralImages.landscape("any")); // 512x288 standing in for a 1024x1024
            server.enqueue(new MockResponse.Builder().code(200).body(Json.text(Map.of("data", List.of(Map.of("b64_json", big))))).build());
            var images = new OpenAiImages(TestConfig.of(dir, "images.provider=openai", "images.base_url=" + server.url("/v1"),
                    "images.api_key=sk-img").images());
            byte[] avatar = images.avatar("老苏", "a keeper").get(10, TimeUnit.SECONDS);
            var read = ImageIO.read(new ByteArrayInputStream(avatar));
            assertEquals(128, read.getWidth());
            assertEquals(128, read.getHeight());
            var request = server.takeRequest();
            assertEquals("/v1/images/generations", request.getTarget());
            assertEquals("Bearer sk-img", request.getHeaders().get("Authorization"));
            assertEquals("b64_json", Json.parse(request.getBody().utf8()).path("response_format").asText());
        }
    }

    @Test
    void aFailingImageServerFallsBackToTheProceduralPicture() throws Exception {
        try (var server = new MockWebServer()) {
            server.start();
            server.enqueue(new MockResponse.Builder().code(500).body("{}").build());
            server.enqueue(new MockResponse.Builder().code(200).body("{\"data\": [{\"b64_json\": \"bm90IGFuIGltYWdl\"}]}").build());
            var images = new OpenAiImages(TestConfig.of(dir, "images.provider=openai", "images.base_url=" + server.url("/v1")).images());
            assertArrayEquals(ProceduralImages.landscape("迷雾灯塔"), images.background("迷雾灯塔", "x").get(10, TimeUnit.SECONDS));
            assertArrayEquals(ProceduralImages.portrait("老苏"), images.avatar("老苏", "x").get(10, TimeUnit.SECONDS), "not an image");
        }
    }

    @Test
    void aRequestThatCannotBeBuiltFallsBackToo() throws Exception {
        var bad = new taleweaver.Config.Images("openai", "localhost:11434/v1", "key\nX-Injected: 1", "m", 5);
        var images = new OpenAiImages(bad);
        assertArrayEquals(ProceduralImages.portrait("老苏"), images.avatar("老苏", "x").get(10, TimeUnit.SECONDS));
        var badKey = new taleweaver.Config.Images("openai", "http://127.0.0.1:9/v1", "key\nX-Injected: 1", "m", 5);
        assertArrayEquals(ProceduralImages.landscape("迷雾灯塔"), new OpenAiImages(badKey).background("迷雾灯塔", "x").get(10, TimeUnit.SECONDS));
    }

    @Test
    void pastItsQueueTheImageClientDrawsAtOnceInsteadOfWaiting() throws Exception {
        var release = new java.util.concurrent.CountDownLatch(1);
        try (var server = new MockWebServer()) {
            server.setDispatcher(new mockwebserver3.Dispatcher() {
                @Override
                public MockResponse dispatch(mockwebserver3.RecordedRequest request) throws InterruptedException {
                    release.await(20, TimeUnit.SECONDS);
                    return new MockResponse.Builder().code(500).body("{}").build();
                }
            });
            server.start();
            var images = new OpenAiImages(TestConfig.of(dir, "images.provider=openai", "images.base_url=" + server.url("/v1"),
                    "images.timeout_seconds=30").images());
            var held = new java.util.ArrayList<java.util.concurrent.CompletableFuture<byte[]>>();
            for (int i = 0; i < OpenAiImages.IN_FLIGHT + OpenAiImages.QUEUED; i++) held.add(images.avatar("n" + i, "x"));
            for (int i = 0; i < 50 && server.getRequestCount() < OpenAiImages.IN_FLIGHT; i++) Thread.sleep(20);
            var extra = images.avatar("老苏", "x");
            org.junit.jupiter.api.Assertions.assertTrue(extra.isDone(), "no wait in an unbounded queue");
            assertArrayEquals(ProceduralImages.portrait("老苏"), extra.get());
            org.junit.jupiter.api.Assertions.assertEquals(OpenAiImages.IN_FLIGHT, server.getRequestCount(), "at most IN_FLIGHT calls at once");
            release.countDown();
            for (var f : held) f.get(30, TimeUnit.SECONDS);
        }
    }
}
